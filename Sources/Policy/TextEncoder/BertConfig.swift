// The fields of a Hugging Face BERT config.json that the forward pass depends on, checked for sense.
import Foundation

public struct BertConfig: Decodable, Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var hiddenAct: String
    public var positionEmbeddingType: String?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act", positionEmbeddingType = "position_embedding_type"
    }

    /// Reads and sanity-checks config.json (sizes positive and bounded, GELU, absolute positions).
    public static func load(_ url: URL) throws -> BertConfig {
        let data = try readSmallFile(url, cap: 1 << 20)
        let c: BertConfig
        do { c = try JSONDecoder().decode(BertConfig.self, from: data) } catch {
            throw TextEncoderError.badFile(url.path, "is not a BERT config (\(error))")
        }
        func check(_ ok: Bool, _ why: String) throws { if !ok { throw TextEncoderError.badFile(url.path, why) } }
        let sizes = [c.vocabSize, c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize,
                     c.maxPositionEmbeddings, c.typeVocabSize]
        try check(sizes.allSatisfy { $0 >= 1 && $0 <= 1 << 20 }, "has a size outside 1…\(1 << 20)")
        try check(c.maxPositionEmbeddings >= 2, "max_position_embeddings \(c.maxPositionEmbeddings) leaves no room for [CLS] and [SEP]")
        try check(c.numHiddenLayers <= 64, "has \(c.numHiddenLayers) layers (at most 64 supported)")
        try check(c.hiddenSize % c.numAttentionHeads == 0, "hidden_size \(c.hiddenSize) is not divisible by \(c.numAttentionHeads) heads")
        try check(c.hiddenAct == "gelu", "hidden_act '\(c.hiddenAct)' is not supported (only exact 'gelu', as BERT)")
        try check((c.positionEmbeddingType ?? "absolute") == "absolute", "position_embedding_type must be 'absolute'")
        try check(c.layerNormEps > 0 && c.layerNormEps < 1, "layer_norm_eps \(c.layerNormEps) is not in (0, 1)")
        return c
    }
}

/// Reads a small metadata file, refusing anything over `cap` bytes (a hostile folder must not make us
/// allocate gigabytes). Missing → `.missingFile`.
func readSmallFile(_ url: URL, cap: Int) throws -> Data {
    guard FileManager.default.fileExists(atPath: url.path) else { throw TextEncoderError.missingFile(url.path) }
    let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
    if let size, size > cap { throw TextEncoderError.badFile(url.path, "is \(size) bytes; expected at most \(cap)") }
    guard let h = FileHandle(forReadingAtPath: url.path) else { throw TextEncoderError.badFile(url.path, "cannot be opened") }
    defer { try? h.close() }
    let data = (try? h.read(upToCount: cap + 1)) ?? nil
    guard let data, data.count <= cap else { throw TextEncoderError.badFile(url.path, "is larger than \(cap) bytes") }
    return data
}
