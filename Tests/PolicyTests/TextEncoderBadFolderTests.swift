// A missing or corrupted encoder folder gives a TextEncoderError naming the file and the fix — never a crash.
import Foundation
import XCTest
@testable import Policy

final class TextEncoderBadFolderTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func assertFails(mentioning needle: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try TextEncoder(directory: dir), file: file, line: line) { e in
            guard let te = e as? TextEncoderError else { return XCTFail("not a TextEncoderError: \(e)", file: file, line: line) }
            XCTAssertTrue(te.description.contains(needle), "“\(te)” should mention “\(needle)”", file: file, line: line)
            XCTAssertTrue(te.description.contains("VLATERM_TEXT_ENCODER"), "should say how to fix", file: file, line: line)
        }
    }

    /// Copies the real folder's small files and links/copies the weights so each test can break one thing.
    func copyReal(_ names: [String]) throws {
        let real = TextEncoder.defaultDirectory
        guard FileManager.default.fileExists(atPath: real.appendingPathComponent("model.safetensors").path) else {
            throw XCTSkip("all-MiniLM-L6-v2 not fetched: run scripts/setup.sh")
        }
        for n in names { try FileManager.default.copyItem(at: real.appendingPathComponent(n), to: dir.appendingPathComponent(n)) }
    }

    func testMissingFolder() {
        dir = dir.appendingPathComponent("nope")
        assertFails(mentioning: "nope is missing")
    }

    func testMissingFiles() throws {
        assertFails(mentioning: "config.json is missing")
        try copyReal(["config.json"])
        assertFails(mentioning: "vocab.txt is missing")
        try copyReal(["vocab.txt"])
        assertFails(mentioning: "model.safetensors is missing")
    }

    func testCorruptConfigAndVocab() throws {
        try Data("{\"hidden_size\": 384".utf8).write(to: dir.appendingPathComponent("config.json"))
        assertFails(mentioning: "is not a BERT config")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("config.json"))
        try copyReal(["config.json"])
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n".utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        assertFails(mentioning: "has 5 tokens but config.json says vocab_size 30522")
    }

    func testTruncatedWeights() throws {
        try copyReal(["config.json", "vocab.txt"])
        let real = try Data(contentsOf: TextEncoder.defaultDirectory.appendingPathComponent("model.safetensors"))
        try real.prefix(real.count / 3).write(to: dir.appendingPathComponent("model.safetensors"))
        assertFails(mentioning: "not a valid safetensors file")
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("model.safetensors"))
        assertFails(mentioning: "not a valid safetensors file")
    }

    func testWeightsThatDoNotFitTheConfig() throws {
        try copyReal(["vocab.txt", "model.safetensors"])
        let cfg = try String(contentsOf: TextEncoder.defaultDirectory.appendingPathComponent("config.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"intermediate_size\": 1536", with: "\"intermediate_size\": 1024")
        try Data(cfg.utf8).write(to: dir.appendingPathComponent("config.json"))
        assertFails(mentioning: "expected [1024, 384]")
    }

    func testHugeMetadataFilesAreRefusedWithoutReadingThem() throws {
        // A sparse 4 GB config.json: refused by size, never read into memory.
        let url = dir.appendingPathComponent("config.json")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        let h = try FileHandle(forWritingTo: url)
        try h.truncate(atOffset: 4 << 30)
        try h.close()
        assertFails(mentioning: "is 4294967296 bytes")
    }
}
