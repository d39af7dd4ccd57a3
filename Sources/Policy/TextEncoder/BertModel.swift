// The BERT encoder forward pass (inference only), with Hugging Face weight names:
//   x = LayerNorm(word[ids] + position[0..<T] + tokenType[0])
//   per layer: h = LayerNorm(x + Wo · attention(Wq x, Wk x, Wv x)); x = LayerNorm(h + W2 · gelu(W1 h))
// It runs on a handful of buffers allocated once per call and reused by every layer, through the Tensor
// module's pointer kernels: for a 16-token sentence the Tensor graph's per-op arrays were measurable next to
// the arithmetic. Query, key and value are one linear (weights concatenated at load).
import Foundation
import Tensor

/// One layer's weights as loaded; `Packed` is the same in the model's `WeightArena`, which the forward reads.
struct BertLayer {
    /// Query, key and value weights stacked (3H, H), biases (3H).
    let qkv: (Tensor, Tensor), attnOut: (Tensor, Tensor)
    let attnNorm: (Tensor, Tensor), inter: (Tensor, Tensor), out: (Tensor, Tensor), outNorm: (Tensor, Tensor)

    var all: [(Tensor, Tensor)] { [qkv, attnOut, attnNorm, inter, out, outNorm] }

    typealias Pair = (UnsafePointer<Float>, UnsafePointer<Float>)
    struct Packed { let qkv: Pair, attnOut: Pair, attnNorm: Pair, inter: Pair, out: Pair, outNorm: Pair }

    func packed(into arena: WeightArena) -> Packed {
        func p(_ wb: (Tensor, Tensor)) -> Pair { (arena.copy(wb.0), arena.copy(wb.1)) }
        return Packed(qkv: p(qkv), attnOut: p(attnOut), attnNorm: p(attnNorm), inter: p(inter), out: p(out), outNorm: p(outNorm))
    }
}

/// BERT weights plus the forward pass. Immutable after loading.
final class BertModel: @unchecked Sendable {  // weights are never mutated after init; forward only reads them.
    let config: BertConfig
    let wordEmbeddings: Tensor, positionEmbeddings: Tensor, tokenTypeEmbeddings: Tensor
    let embeddingNorm: BertLayer.Pair
    let layers: [BertLayer.Packed]
    private let arena: WeightArena   // owns the memory `embeddingNorm` and `layers` point into

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
        let embNorm = try norm("embeddings.LayerNorm")
        let loaded = try (0..<c.numHiddenLayers).map { l in
            let p = "encoder.layer.\(l)."
            let q = try linear(p + "attention.self.query", h, h), k = try linear(p + "attention.self.key", h, h),
                v = try linear(p + "attention.self.value", h, h)
            let qkv = (Tensor(shape: [3 * h, h], data: q.0.data + k.0.data + v.0.data),
                       Tensor(shape: [3 * h], data: q.1.data + k.1.data + v.1.data))
            return BertLayer(qkv: qkv, attnOut: try linear(p + "attention.output.dense", h, h),
                             attnNorm: try norm(p + "attention.output.LayerNorm"), inter: try linear(p + "intermediate.dense", i, h),
                             out: try linear(p + "output.dense", h, i), outNorm: try norm(p + "output.LayerNorm"))
        }
        let arena = WeightArena(floats: ([embNorm] + loaded.flatMap(\.all)).reduce(0) { $0 + $1.0.count + $1.1.count })
        embeddingNorm = (arena.copy(embNorm.0), arena.copy(embNorm.1))
        layers = loaded.map { $0.packed(into: arena) }
        self.arena = arena
    }

    /// Hidden states (B, T, H), row-major, for right-padded ids (B, T); `lengths[b]` real tokens in row b.
    /// Ids must be < vocabSize and 1 ≤ lengths[b] ≤ T ≤ maxPositionEmbeddings (the tokenizer guarantees all three).
    func forward(ids: [Int], lengths: [Int], batch b: Int, length t: Int) -> [Float] {
        precondition(ids.count == b * t && lengths.count == b)
        let h = config.hiddenSize, inter = config.intermediateSize, heads = config.numAttentionHeads
        let eps = config.layerNormEps, rows = b * t
        var x = [Float](repeating: 0, count: rows * h)
        var qkv = [Float](repeating: 0, count: rows * 3 * h), context = x, projected = x
        var ff = [Float](repeating: 0, count: rows * inter), scores = [Float](repeating: 0, count: t * t)
        x.withUnsafeMutableBufferPointer { xb in
            let x = xb.baseAddress!
            wordEmbeddings.data.withUnsafeBufferPointer { word in
                positionEmbeddings.data.withUnsafeBufferPointer { pos in
                    tokenTypeEmbeddings.data.withUnsafeBufferPointer { type in
                        for r in 0..<rows {
                            let w = word.baseAddress! + ids[r] * h, p = pos.baseAddress! + (r % t) * h
                            for c in 0..<h { x[r * h + c] = w[c] + p[c] + type[c] }  // token type 0
                        }
                    }
                }
            }
            norm(x, nil, embeddingNorm, rows, eps)
            for L in layers {
                qkv.withUnsafeMutableBufferPointer { qkv in
                    linear(qkv.baseAddress!, x, L.qkv, rows, h, 3 * h)
                    context.withUnsafeMutableBufferPointer { ctx in
                        scores.withUnsafeMutableBufferPointer { s in
                            for i in 0..<b {
                                EncoderKernels.selfAttention(out: ctx.baseAddress! + i * t * h, qkv: qkv.baseAddress! + i * t * 3 * h,
                                                             scores: s.baseAddress!, length: t, keys: lengths[i], width: h, heads: heads)
                            }
                        }
                        projected.withUnsafeMutableBufferPointer { linear($0.baseAddress!, ctx.baseAddress!, L.attnOut, rows, h, h) }
                    }
                }
                projected.withUnsafeBufferPointer { norm(x, $0.baseAddress!, L.attnNorm, rows, eps) }
                ff.withUnsafeMutableBufferPointer { ff in
                    linear(ff.baseAddress!, x, L.inter, rows, h, inter)
                    EncoderKernels.geluInPlace(ff.baseAddress!, count: rows * inter)
                    projected.withUnsafeMutableBufferPointer { linear($0.baseAddress!, ff.baseAddress!, L.out, rows, inter, h) }
                }
                projected.withUnsafeBufferPointer { norm(x, $0.baseAddress!, L.outNorm, rows, eps) }
            }
        }
        return x
    }

    private func linear(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ wb: BertLayer.Pair, _ rows: Int, _ c: Int, _ oc: Int) {
        EncoderKernels.linear(out, inp, weight: wb.0, bias: wb.1, rows: rows, inputs: c, outputs: oc)
    }

    /// x ← LayerNorm(x + y) (or of x alone when y is nil).
    private func norm(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>?, _ wb: BertLayer.Pair, _ rows: Int, _ eps: Float) {
        EncoderKernels.addLayerNorm(x, adding: y, weight: wb.0, bias: wb.1, rows: rows, width: config.hiddenSize, eps: eps)
    }
}
