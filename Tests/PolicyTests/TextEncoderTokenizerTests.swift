// WordPiece and BERT's basic tokenizer on a tiny vocabulary (no weights needed).
import XCTest
@testable import Policy

final class TextEncoderTokenizerTests: XCTestCase {
    let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cafe", "un", "##aff", "##able", "!", ",", "a", "##b", "$", "中", "robot", "'", "s"]
    func tok() throws -> WordPieceTokenizer { try WordPieceTokenizer(vocab: vocab) }

    func testBasicSplitNormalises() {
        XCTAssertEqual(BasicTokenizer.split("  Héllo,\tWORLD!! "), ["hello", ",", "world", "!", "!"])
        XCTAssertEqual(BasicTokenizer.split("Ångström naïve"), ["angstrom", "naive"])
        XCTAssertEqual(BasicTokenizer.split("robot中文x"), ["robot", "中", "文", "x"])
        XCTAssertEqual(BasicTokenizer.split("a\u{0}b\u{200B}c\u{FFFD}d"), ["abcd"])
        XCTAssertEqual(BasicTokenizer.split("1+1=2 ^_^ `x` ~y|z"), ["1", "+", "1", "=", "2", "^", "_", "^", "`", "x", "`", "~", "y", "|", "z"])
        XCTAssertEqual(BasicTokenizer.split("it's—“ok”"), ["it", "'", "s", "—", "“", "ok", "”"])
        XCTAssertEqual(BasicTokenizer.split("🍎 and\u{3000}x"), ["🍎", "and", "x"])  // U+3000 is a space (Zs)
    }

    func testWordPieceGreedyLongestMatch() throws {
        let t = try tok()
        XCTAssertEqual(t.pieceIDs("unaffable"), [6, 7, 8])
        XCTAssertEqual(t.pieceIDs("The café!"), [4, 5, 9])
        XCTAssertEqual(t.pieceIDs("abbb"), [11, 12, 12, 12])
        XCTAssertEqual(t.pieceIDs("unx"), [1], "a word that cannot be covered is one [UNK]")
        XCTAssertEqual(t.pieceIDs("robot's $"), [15, 16, 17, 13])
        XCTAssertEqual(t.pieceIDs(String(repeating: "a", count: 101)), [1], "over 100 characters → [UNK]")
        XCTAssertEqual(t.pieceIDs("a" + String(repeating: "b", count: 99)).count, 100)
    }

    func testSpecialTokensAndTruncation() throws {
        let t = try tok()
        XCTAssertEqual(t.encode("", maxLength: 8), [2, 3])
        XCTAssertEqual(t.encode("the the the the the", maxLength: 4), [2, 4, 4, 3])
        XCTAssertEqual(t.encode("the the", maxLength: 8), [2, 4, 4, 3])
    }

    func testVocabWithoutSpecialTokensIsRejected() {
        XCTAssertThrowsError(try WordPieceTokenizer(vocab: ["a", "b"])) { e in
            XCTAssertTrue("\(e)".contains("[UNK]"))
            XCTAssertTrue("\(e)".contains("scripts/setup.sh"))
        }
    }
}
