// The BERT encoder forward pass (inference only) on the Tensor engine, with Hugging Face weight names:
//   x = LayerNorm(word[ids] + position[0..<T] + tokenType[0])
//   per layer: h = LayerNorm(x + Wo · attention(Wq x, Wk x, Wv x)); x = LayerNorm(h + W2 · gelu(W1 h))
import Foundation
import Tensor

struct BertLayer {
    let query: (Tensor, Tensor), key: (Tensor, Tensor), value: (Tensor, Tensor), attnOut: (Tensor, Tensor)
    let attnNorm: (Tensor, Tensor), inter: (Tensor, Tensor), out: (Tensor, Tensor), outNorm: (Tensor, Tensor)
}

/// BERT weights plus the forward pass. Immutable after loading.
final class BertModel: @unchecked Sendable {  // weights are never mutated after init; forward only reads them.
    let config: BertConfig
    let wordEmbeddings: Tensor, positionEmbeddings: Tensor, tokenTypeEmbeddings: Tensor
    let embeddingNorm: (Tensor, Tensor)
    let layers: [BertLayer]

    /// Loads every tensor the forward needs, checking each shape against the config.
    init(config c: BertConfig, weights f: SafetensorsFile) throws {
        // Checkpoints saved from BertForX carry a "bert." prefix; the sentence-transformers one does not.
        let prefix = f.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func t(_ name: String, _ shape: [Int]) throws -> Tensor {
            do { return try f.tensor(prefix + name, shape: shape) } catch let e as SafetensorsError {
                throw TextEncoderError.badFile(f.fileName, "does not fit config.json: \(e.tensor.map { "tensor '\($0)': " } ?? "")\(e.problem)")
            }
        }
        let h = c.hiddenSize, i = c.intermediateSize
        func linear(_ n: String, _ out: Int, _ inp: Int) throws -> (Tensor, Tensor) { (try t(n + ".weight", [out, inp]), try t(n + ".bias", [out])) }
        func norm(_ n: String) throws -> (Tensor, Tensor) { (try t(n + ".weight", [h]), try t(n + ".bias", [h])) }
        config = c
        wordEmbeddings = try t("embeddings.word_embeddings.weight", [c.vocabSize, h])
        positionEmbeddings = try t("embeddings.position_embeddings.weight", [c.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = try t("embeddings.token_type_embeddings.weight", [c.typeVocabSize, h])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<c.numHiddenLayers).map { l in
            let p = "encoder.layer.\(l)."
            return BertLayer(query: try linear(p + "attention.self.query", h, h), key: try linear(p + "attention.self.key", h, h),
                             value: try linear(p + "attention.self.value", h, h), attnOut: try linear(p + "attention.output.dense", h, h),
                             attnNorm: try norm(p + "attention.output.LayerNorm"), inter: try linear(p + "intermediate.dense", i, h),
                             out: try linear(p + "output.dense", h, i), outNorm: try norm(p + "output.LayerNorm"))
        }
    }

    /// Hidden states (B, T, H) for right-padded ids (B, T) with mask (B, T) (1 = token, 0 = padding).
    /// Ids must be < vocabSize and T ≤ maxPositionEmbeddings (the tokenizer guarantees both).
    func forward(ids: [Int], mask: Tensor, batch b: Int, length t: Int) -> Tensor {
        withNoGrad {
            let h = config.hiddenSize, eps = config.layerNormEps
            let words = Tensor.embedding(ids: ids, shape: [b, t], table: wordEmbeddings)  // (B, T, H)
            let positions = positionEmbeddings.slice(axis: 0, 0..<t)                       // (T, H)
            let tokenType = tokenTypeEmbeddings.slice(axis: 0, 0..<1)                       // (1, H): all type 0
            var x = (words + positions + tokenType).layerNorm(weight: embeddingNorm.0, bias: embeddingNorm.1, eps: eps)
            for L in layers {
                // x: (B, T, H)
                let q = x.linear(weight: L.query.0, bias: L.query.1)
                let k = x.linear(weight: L.key.0, bias: L.key.1)
                let v = x.linear(weight: L.value.0, bias: L.value.1)
                let a = Tensor.attention(q: q, k: k, v: v, heads: config.numAttentionHeads, keyMask: b > 1 ? mask : nil)
                let hAttn = (x + a.linear(weight: L.attnOut.0, bias: L.attnOut.1))
                    .layerNorm(weight: L.attnNorm.0, bias: L.attnNorm.1, eps: eps)
                let ff = hAttn.linear(weight: L.inter.0, bias: L.inter.1).gelu()             // (B, T, I)
                x = (hAttn + ff.linear(weight: L.out.0, bias: L.out.1))
                    .layerNorm(weight: L.outNorm.0, bias: L.outNorm.1, eps: eps)
            }
            precondition(x.shape == [b, t, h])
            return x
        }
    }
}
