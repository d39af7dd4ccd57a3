// Pointer-level inference kernels for a transformer encoder (the MiniLM text encoder), for callers that keep
// their own activation buffers: no Tensor per op, no graph, no allocation inside. Each forwards to the same
// kernels the Tensor ops use, so results match the Tensor path up to summation order.
import Foundation

public enum EncoderKernels {
    /// out (N, OC) = inp (N, C) · weight (OC, C)ᵀ + bias (OC). With several kernel threads (KernelThreads) the
    /// output columns are shared out over them, each part its own small 1-thread sgemms on its own columns: the
    /// same products as on one thread, so the result does not depend on the thread count.
    public static func linear(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              bias: UnsafePointer<Float>?, rows n: Int, inputs c: Int, outputs oc: Int) {
        let threads = KernelThreads.count
        let blocks = fewRowsBlockCount(n: n, c: c, oc: oc)
        guard threads > 1, blocks > 1 else { return linear_forward(out, inp, weight, bias, n: n, c: c, oc: oc) }
        // Parts write disjoint columns of `out` and parallelParts returns only after all of them.
        parallelParts(blocks, parts: threads) { _, range in
            linear_forward(out, inp, weight, bias, n: n, c: c, oc: oc, blocks: range)
        }
    }

    /// x (N) ← gelu(x), exact erf form.
    public static func geluInPlace(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        gelu_forward(out: x, x: x, n: n)
    }

    /// x (N, C) ← LayerNorm(x + y) over C: the residual add and the norm in one pass over the rows.
    public static func addLayerNorm(_ x: UnsafeMutablePointer<Float>, adding y: UnsafePointer<Float>?,
                                    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows n: Int, width c: Int, eps: Float) {
        if let y {
            var i = 0
            while i + 8 <= n * c { store8(x + i, load8(x + i) + load8(y + i)); i += 8 }
            while i < n * c { x[i] += y[i]; i += 1 }
        }
        // In place is safe: each row's statistics are taken before any of its elements is written.
        layernorm_forward(out: x, mean: nil, rstd: nil, x: x, weight: weight, bias: bias, n: n, c: c, eps: eps)
    }

    /// Multi-head attention over one sequence whose q, k, v rows sit side by side in `qkv` (T, 3C) — as one
    /// fused query/key/value linear writes them — attending to the first `keys` positions only (the rest is
    /// right padding). out (T, C); `scores` needs T · T floats of scratch.
    public static func selfAttention(out: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>, scores: UnsafeMutablePointer<Float>,
                                     length t: Int, keys: Int, width c: Int, heads: Int) {
        precondition(heads > 0 && c % heads == 0 && (1...t).contains(keys))
        let hs = c / heads, ld = 3 * c
        let scale = 1 / Float(hs).squareRoot()
        for h in 0..<heads {
            let q = qkv + h * hs, k = qkv + c + h * hs, v = qkv + 2 * c + h * hs
            // scores (T, keys) = scale · q_h (T, hs) · k_hᵀ, then a softmax per row over the real keys
            sgemm(transB: true, m: t, n: keys, k: hs, alpha: scale, a: q, lda: ld, b: k, ldb: ld, c: scores, ldc: keys)
            softmax_forward(out: scores, x: scores, n: t, c: keys)
            // out_h (T, hs) = scores (T, keys) · v_h (keys, hs)
            sgemm(m: t, n: hs, k: keys, a: scores, lda: keys, b: v, ldb: ld, c: out + h * hs, ldc: c)
        }
    }
}
