// 2-D convolution as im2col + one sgemm per image (NCHW, PyTorch weight layout (OC, C, KH, KW)).
// The column buffer is rebuilt in backward rather than kept: it is KH·KW times the input, too much to hold
// for every layer of a training batch.

struct ConvGeometry: Equatable {
    let c: Int, h: Int, w: Int, kh: Int, kw: Int, stride: Int, padding: Int
    var oh: Int { (h + 2 * padding - kh) / stride + 1 }
    var ow: Int { (w + 2 * padding - kw) / stride + 1 }
    /// Rows of the column matrix: C·KH·KW.
    var ckk: Int { c * kh * kw }
    /// Columns of the column matrix: OH·OW.
    var l: Int { oh * ow }
}

/// col (C·KH·KW, OH·OW) ← x (C, H, W); zero where the window hangs over the padding.
func im2col(_ col: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ g: ConvGeometry) {
    let oh = g.oh, ow = g.ow
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = col + ((ch * g.kh + ki) * g.kw + kj) * oh * ow
                for oy in 0..<oh {
                    let iy = oy * g.stride - g.padding + ki
                    let dst = row + oy * ow
                    if iy < 0 || iy >= g.h { dst.update(repeating: 0, count: ow); continue }
                    let src = x + (ch * g.h + iy) * g.w
                    for ox in 0..<ow {
                        let ix = ox * g.stride - g.padding + kj
                        dst[ox] = (ix >= 0 && ix < g.w) ? src[ix] : 0
                    }
                }
            }
        }
    }
}

/// dx (C, H, W) += col2im(dcol (C·KH·KW, OH·OW)) — the adjoint of im2col.
func col2im(_ dx: UnsafeMutablePointer<Float>, _ dcol: UnsafePointer<Float>, _ g: ConvGeometry) {
    let oh = g.oh, ow = g.ow
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = dcol + ((ch * g.kh + ki) * g.kw + kj) * oh * ow
                for oy in 0..<oh {
                    let iy = oy * g.stride - g.padding + ki
                    if iy < 0 || iy >= g.h { continue }
                    let dst = dx + (ch * g.h + iy) * g.w
                    for ox in 0..<ow {
                        let ix = ox * g.stride - g.padding + kj
                        if ix >= 0 && ix < g.w { dst[ix] += row[oy * ow + ox] }
                    }
                }
            }
        }
    }
}

/// out (B, OC, OH, OW) = conv(x (B, C, H, W), weight (OC, C, KH, KW)) + bias (OC)
func conv2d_forward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                    _ bias: UnsafePointer<Float>?, b: Int, oc: Int, _ g: ConvGeometry,
                    col: UnsafeMutablePointer<Float>) {
    let l = g.l
    for n in 0..<b {
        im2col(col, x + n * g.c * g.h * g.w, g)
        let o = out + n * oc * l
        if let bias { for k in 0..<oc { (o + k * l).update(repeating: bias[k], count: l) } }
        // o (OC, L) = weight (OC, CKK) · col (CKK, L)
        sgemm(m: oc, n: l, k: g.ckk, a: weight, lda: g.ckk, b: col, ldb: l, beta: bias == nil ? 0 : 1, c: o, ldc: l)
    }
}

/// dx += …, dweight (OC, CKK) += dout · colᵀ, dbias (OC) += Σ dout — given dout (B, OC, OH, OW).
func conv2d_backward(dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
                     dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, x: UnsafePointer<Float>,
                     weight: UnsafePointer<Float>, b: Int, oc: Int, _ g: ConvGeometry,
                     col: UnsafeMutablePointer<Float>) {
    let l = g.l, ckk = g.ckk
    for n in 0..<b {
        let dO = dout + n * oc * l
        if let dbias { for k in 0..<oc { var s: Float = 0; let r = dO + k * l; for i in 0..<l { s += r[i] }; dbias[k] += s } }
        if let dweight {
            im2col(col, x + n * g.c * g.h * g.w, g)
            sgemm(transB: true, m: oc, n: ckk, k: l, a: dO, lda: l, b: col, ldb: l, beta: 1, c: dweight, ldc: ckk)
        }
        if let dx {
            // dcol (CKK, L) = weightᵀ (CKK, OC) · dO (OC, L), then scattered back onto the image.
            sgemm(transA: true, m: ckk, n: l, k: oc, a: weight, lda: ckk, b: dO, ldb: l, c: col, ldc: l)
            col2im(dx + n * g.c * g.h * g.w, col, g)
        }
    }
}
