// LayerNorm and softmax over the last dimension.
import Foundation

/// out (N, C) = (x − mean) · rstd · weight + bias; saves mean (N), rstd (N) for backward. In place (out == x) is fine.
func layernorm_forward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>?, rstd: UnsafeMutablePointer<Float>?,
                       x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                       n: Int, c: Int, eps: Float) {
    for i in 0..<n {
        let xr = x + i * c, o = out + i * c
        // Two passes, the variance over centred values: BERT's eps is 1e-12, so the variance must not come from
        // E[x²] − E[x]² (which cancels). Lanes of partial sums keep float rounding at ~1e-7 relative.
        let m = vsum(xr, c) / Float(c)
        var acc = Float8(repeating: 0), v: Float = 0, j = 0
        while j + 8 <= c { let d = load8(xr + j) - m; acc += d * d; j += 8 }
        while j < c { let d = xr[j] - m; v += d * d; j += 1 }
        v = (v + acc.sum()) / Float(c)
        let s = 1 / (v + eps).squareRoot()
        j = 0
        if let weight, let bias {
            while j + 8 <= c { store8(o + j, (load8(xr + j) - m) * s * load8(weight + j) + load8(bias + j)); j += 8 }
        }
        while j < c {
            var y = (xr[j] - m) * s
            if let weight { y *= weight[j] }
            if let bias { y += bias[j] }
            o[j] = y
            j += 1
        }
        mean?[i] = m
        rstd?[i] = s
    }
}

/// dx (N, C), dweight (C), dbias (C) += … given dout (N, C).
func layernorm_backward(dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?, dbias: UnsafeMutablePointer<Float>?,
                        dout: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
                        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, n: Int, c: Int) {
    for i in 0..<n {
        let xr = x + i * c, dr = dout + i * c
        let m = mean[i], s = rstd[i]
        var dnormMean: Float = 0, dnormNormMean: Float = 0
        for j in 0..<c {
            let norm = (xr[j] - m) * s
            let dnorm = dr[j] * (weight?[j] ?? 1)
            dnormMean += dnorm
            dnormNormMean += dnorm * norm
        }
        dnormMean /= Float(c); dnormNormMean /= Float(c)
        for j in 0..<c {
            let norm = (xr[j] - m) * s
            dbias?[j] += dr[j]
            dweight?[j] += norm * dr[j]
            if let dx {
                let dnorm = dr[j] * (weight?[j] ?? 1)
                dx[i * c + j] += (dnorm - dnormMean - norm * dnormNormMean) * s
            }
        }
    }
}

/// out (N, C) = softmax(x) along C (max-subtracted).
func softmax_forward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, n: Int, c: Int) {
    for i in 0..<n {
        let xr = x + i * c, o = out + i * c
        let maxv = vmax(xr, c)
        var sum: Float = 0, acc = Float8(repeating: 0), j = 0
        while j + 8 <= c { let e = vexp(load8(xr + j) - maxv); store8(o + j, e); acc += e; j += 8 }
        while j < c { let e = expf(xr[j] - maxv); o[j] = e; sum += e; j += 1 }
        sum += acc.sum()
        let inv = 1 / sum
        for j in 0..<c { o[j] *= inv }
    }
}

/// dx (N, C) += y ⊙ (dout − Σ y·dout), given the forward's output y.
func softmax_backward(dx: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, y: UnsafePointer<Float>, n: Int, c: Int) {
    for i in 0..<n {
        let yr = y + i * c, dr = dout + i * c
        var dot: Float = 0
        for j in 0..<c { dot += yr[j] * dr[j] }
        for j in 0..<c { dx[i * c + j] += yr[j] * (dr[j] - dot) }
    }
}
