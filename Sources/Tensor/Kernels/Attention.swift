// Multi-head scaled dot-product attention over separate q, k, v (as BERT's query/key/value linears make them).
// Per (batch, head) the head's columns are addressed in place with leading dimension C, so no transposes.
import Foundation

struct AttentionGeometry {
    let b: Int, t: Int, c: Int, nh: Int
    var hs: Int { c / nh }
}

/// out (B, T, C), att (B, NH, T, T) ← q, k, v (B, T, C); keyMask (B, T): 1 = attend, 0 = padding.
/// causal: position i attends to j ≤ i only.
func attention_forward(out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
                       q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                       keyMask: UnsafePointer<Float>?, causal: Bool, _ g: AttentionGeometry) {
    let t = g.t, c = g.c, hs = g.hs
    let scale = 1 / Float(hs).squareRoot()
    for b in 0..<g.b {
        for h in 0..<g.nh {
            let qh = q + b * t * c + h * hs, kh = k + b * t * c + h * hs, vh = v + b * t * c + h * hs
            let a = att + (b * g.nh + h) * t * t
            // a (T, T) = scale · qh (T, hs) · khᵀ
            sgemm(transB: true, m: t, n: t, k: hs, alpha: scale, a: qh, lda: c, b: kh, ldb: c, c: a, ldc: t)
            for i in 0..<t {
                let row = a + i * t
                var maxv = -Float.infinity
                for j in 0..<t {
                    let masked = (keyMask.map { $0[b * t + j] == 0 } ?? false) || (causal && j > i)
                    if masked { row[j] = -Float.infinity } else { maxv = max(maxv, row[j]) }
                }
                if maxv == -Float.infinity {  // every key masked: attend to nothing rather than NaN
                    row.update(repeating: 0, count: t); continue
                }
                var sum: Float = 0
                for j in 0..<t { let e = expf(row[j] - maxv); row[j] = e; sum += e }
                let inv = 1 / sum
                for j in 0..<t { row[j] *= inv }
            }
            // out_h (T, hs) = a (T, T) · vh (T, hs)
            sgemm(m: t, n: hs, k: t, a: a, lda: t, b: vh, ldb: c, c: out + b * t * c + h * hs, ldc: c)
        }
    }
}

/// dq, dk, dv (B, T, C) += …, given dout (B, T, C) and the forward's att (B, NH, T, T).
func attention_backward(dq: UnsafeMutablePointer<Float>?, dk: UnsafeMutablePointer<Float>?,
                        dv: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, att: UnsafePointer<Float>,
                        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                        _ g: AttentionGeometry) {
    let t = g.t, c = g.c, hs = g.hs
    let scale = 1 / Float(hs).squareRoot()
    var datt = [Float](repeating: 0, count: t * t)
    datt.withUnsafeMutableBufferPointer { dattBuf in
        let da = dattBuf.baseAddress!
        for b in 0..<g.b {
            for h in 0..<g.nh {
                let off = b * t * c + h * hs
                let a = att + (b * g.nh + h) * t * t
                let dO = dout + off
                // dv_h (T, hs) += aᵀ · dO
                if let dv { sgemm(transA: true, m: t, n: hs, k: t, a: a, lda: t, b: dO, ldb: c, beta: 1, c: dv + off, ldc: c) }
                guard dq != nil || dk != nil else { continue }
                // da (T, T) = dO · v_hᵀ, then through the softmax: ds = a ⊙ (da − Σⱼ a·da), times scale
                sgemm(transB: true, m: t, n: t, k: hs, a: dO, lda: c, b: v + off, ldb: c, c: da, ldc: t)
                for i in 0..<t {
                    let ar = a + i * t, dr = da + i * t
                    var dot: Float = 0
                    for j in 0..<t { dot += ar[j] * dr[j] }
                    for j in 0..<t { dr[j] = ar[j] * (dr[j] - dot) * scale }
                }
                // dq_h += ds · k_h;  dk_h += dsᵀ · q_h
                if let dq { sgemm(m: t, n: hs, k: t, a: da, lda: t, b: k + off, ldb: c, beta: 1, c: dq + off, ldc: c) }
                if let dk { sgemm(transA: true, m: t, n: hs, k: t, a: da, lda: t, b: q + off, ldb: c, beta: 1, c: dk + off, ldc: c) }
            }
        }
    }
}
