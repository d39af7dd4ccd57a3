// WordPiece (greedy longest-match-first with "##" continuations) over BERT's basic tokenizer, reading the
// vocabulary from a Hugging Face `vocab.txt` (one token per line, id = line number).
import Foundation

/// Text → BERT token ids: [CLS] word pieces… [SEP], truncated to the model's maximum length.
public struct WordPieceTokenizer: Sendable {
    public let vocab: [String]
    let ids: [String: Int]
    public let unkID: Int, clsID: Int, sepID: Int, padID: Int
    /// Words longer than this (in Unicode scalars) become [UNK], as in BERT.
    public let maxCharsPerWord = 100

    /// Largest vocab.txt accepted (the real one is 232 kB).
    static let maxVocabBytes = 16 << 20

    /// Reads `vocab.txt`; errors name the file and what is missing.
    public init(vocabFile url: URL) throws {
        let data = try readSmallFile(url, cap: Self.maxVocabBytes)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TextEncoderError.badFile(url.path, "is not UTF-8 text")
        }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        try self.init(vocab: lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }, source: url.path)
    }

    /// A tokenizer over an in-memory vocabulary (index = id).
    public init(vocab: [String], source: String = "(vocab)") throws {
        var ids: [String: Int] = [:]
        for (i, t) in vocab.enumerated() where ids[t] == nil { ids[t] = i }
        func need(_ t: String) throws -> Int {
            guard let id = ids[t] else { throw TextEncoderError.badFile(source, "has no \(t) token (not a BERT vocab.txt?)") }
            return id
        }
        self.vocab = vocab
        self.ids = ids
        unkID = try need("[UNK]"); clsID = try need("[CLS]"); sepID = try need("[SEP]"); padID = try need("[PAD]")
    }

    /// Word pieces of one normalised word; [UNK] when it is too long or cannot be covered.
    func wordPieces(_ word: String) -> [Int] {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxCharsPerWord { return [unkID] }
        var pieces: [Int] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int?
            while start < end {
                var piece = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = ids[piece] { found = id; break }
                end -= 1
            }
            guard let id = found else { return [unkID] }
            pieces.append(id)
            start = end
        }
        return pieces
    }

    /// Token ids without [CLS]/[SEP] and without truncation.
    public func pieceIDs(_ text: String) -> [Int] {
        BasicTokenizer.split(text).flatMap(wordPieces)
    }

    /// [CLS] pieces… [SEP], with the pieces cut so the whole fits in `maxLength` (≥ 2).
    public func encode(_ text: String, maxLength: Int) -> [Int] {
        let pieces = pieceIDs(text)
        return [clsID] + pieces.prefix(max(0, maxLength - 2)) + [sepID]
    }

    /// The vocabulary string of an id (for display).
    public func token(_ id: Int) -> String { vocab.indices.contains(id) ? vocab[id] : "[?\(id)]" }
}
