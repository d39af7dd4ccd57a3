// all-MiniLM-L6-v2 as sentence-transformers runs it: WordPiece → BERT → attention-masked mean pooling →
// L2 normalisation, loaded from a Hugging Face folder (config.json, vocab.txt, model.safetensors).
import Foundation
import Tensor

/// One sentence's embedding and the tokens it came from.
public struct TextEmbedding: Sendable, Equatable {
    public let ids: [Int]
    public let tokens: [String]
    /// Unit-length sentence vector (384 values for MiniLM).
    public let vector: [Float]
}

/// The built-in sentence encoder. Thread-safe: immutable after loading; each call allocates its own activations.
public final class TextEncoder: Sendable {
    public let directory: URL
    public let tokenizer: WordPieceTokenizer
    /// Longest token sequence including [CLS]/[SEP] (256 for all-MiniLM-L6-v2, from sentence_bert_config.json).
    public let maxSequenceLength: Int
    let model: BertModel

    /// Embedding width.
    public var dimension: Int { model.config.hiddenSize }

    /// `VLATERM_TEXT_ENCODER`, else ~/.cache/vlaterm/all-MiniLM-L6-v2 (where scripts/setup.sh puts it).
    public static var defaultDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["VLATERM_TEXT_ENCODER"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/vlaterm/all-MiniLM-L6-v2")
    }

    /// Loads and validates the folder. Every failure is a `TextEncoderError` naming the file and the fix.
    public init(directory: URL = TextEncoder.defaultDirectory) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw TextEncoderError.missingFile(directory.path)
        }
        let config = try BertConfig.load(directory.appendingPathComponent("config.json"))
        let tokenizer = try WordPieceTokenizer(vocabFile: directory.appendingPathComponent("vocab.txt"))
        guard tokenizer.vocab.count == config.vocabSize else {
            throw TextEncoderError.badFile(directory.appendingPathComponent("vocab.txt").path,
                                           "has \(tokenizer.vocab.count) tokens but config.json says vocab_size \(config.vocabSize)")
        }
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else { throw TextEncoderError.missingFile(weightsURL.path) }
        let weights: SafetensorsFile
        do { weights = try SafetensorsFile(contentsOf: weightsURL) } catch let e as SafetensorsError {
            throw TextEncoderError.badFile(weightsURL.path, "is not a valid safetensors file: \(e.tensor.map { "tensor '\($0)': " } ?? "")\(e.problem)")
        }
        self.directory = directory
        self.tokenizer = tokenizer
        self.maxSequenceLength = min(Self.sentenceMaxLength(directory) ?? 512, config.maxPositionEmbeddings)
        self.model = try BertModel(config: config, weights: weights)
    }

    /// `max_seq_length` from sentence_bert_config.json, if the folder has one that says so.
    static func sentenceMaxLength(_ dir: URL) -> Int? {
        guard let data = try? readSmallFile(dir.appendingPathComponent("sentence_bert_config.json"), cap: 1 << 20),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let n = obj["max_seq_length"] as? Int, n >= 2 else { return nil }
        return n
    }

    /// Token ids for `text`: [CLS] … [SEP], truncated to `maxSequenceLength`.
    public func tokenize(_ text: String) -> [Int] { tokenizer.encode(text, maxLength: maxSequenceLength) }

    /// Embeds one sentence.
    public func embed(_ text: String) -> TextEmbedding { embed([text])[0] }

    /// Embeds sentences as one right-padded batch (padding is masked out of attention and pooling).
    public func embed(_ texts: [String]) -> [TextEmbedding] {
        guard !texts.isEmpty else { return [] }
        let seqs = texts.map(tokenize)
        let b = seqs.count, t = seqs.map(\.count).max() ?? 2, h = dimension
        var ids = [Int](repeating: tokenizer.padID, count: b * t)
        for (i, s) in seqs.enumerated() { for (j, id) in s.enumerated() { ids[i * t + j] = id } }
        let hidden = model.forward(ids: ids, lengths: seqs.map(\.count), batch: b, length: t)  // (B, T, H)
        return seqs.enumerated().map { i, s in
            // Mean over real tokens, then unit length (sentence-transformers' Pooling + Normalize).
            var v = [Double](repeating: 0, count: h)
            for j in 0..<s.count { for c in 0..<h { v[c] += Double(hidden[(i * t + j) * h + c]) } }
            let mean = v.map { $0 / Double(s.count) }
            let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            return TextEmbedding(ids: s, tokens: s.map(tokenizer.token), vector: mean.map { Float($0 / norm) })
        }
    }
}
