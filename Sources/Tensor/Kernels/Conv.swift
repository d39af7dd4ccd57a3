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

extension ConvGeometry {
    /// Output columns ox whose input column ox·stride − padding + kj lies inside the image.
    @inline(__always)
    func validColumns(_ kj: Int) -> Range<Int> {
        let off = kj - padding  // ix = ox·stride + off
        let lo = off >= 0 ? 0 : (-off + stride - 1) / stride
        let hi = w - 1 - off < 0 ? -1 : min(ow - 1, (w - 1 - off) / stride)
        return lo <= hi ? lo..<(hi + 1) : 0..<0
    }
}

/// col (C·KH·KW, OH·OW) ← x (C, H, W); zero where the window hangs over the padding.
/// The valid column range is computed once per kernel tap, so the inner loop is a plain (strided) copy.
func im2col(_ col: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ g: ConvGeometry) {
    let oh = g.oh, ow = g.ow, s = g.stride
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = col + ((ch * g.kh + ki) * g.kw + kj) * oh * ow
                let valid = g.validColumns(kj), off = kj - g.padding
                for oy in 0..<oh {
                    let iy = oy * s - g.padding + ki
                    let dst = row + oy * ow
                    if iy < 0 || iy >= g.h || valid.isEmpty { dst.update(repeating: 0, count: ow); continue }
                    if valid.lowerBound > 0 { dst.update(repeating: 0, count: valid.lowerBound) }
                    if valid.upperBound < ow { (dst + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound) }
                    let src = x + (ch * g.h + iy) * g.w + off
                    if s == 1 {
                        (dst + valid.lowerBound).update(from: src + valid.lowerBound, count: valid.count)
                    } else {
                        for ox in valid { dst[ox] = src[ox * s] }
                    }
                }
            }
        }
    }
}

/// dx (C, H, W) += col2im(dcol (C·KH·KW, OH·OW)) — the adjoint of im2col.
func col2im(_ dx: UnsafeMutablePointer<Float>, _ dcol: UnsafePointer<Float>, _ g: ConvGeometry) {
    let oh = g.oh, ow = g.ow, s = g.stride
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = dcol + ((ch * g.kh + ki) * g.kw + kj) * oh * ow
                let valid = g.validColumns(kj), off = kj - g.padding
                for oy in 0..<oh {
                    let iy = oy * s - g.padding + ki
                    if iy < 0 || iy >= g.h { continue }
                    let dst = dx + (ch * g.h + iy) * g.w + off
                    let src = row + oy * ow
                    for ox in valid { dst[ox * s] += src[ox] }
                }
            }
        }
    }
}

/// out (B, OC, OH, OW) = conv(x (B, C, H, W), weight (OC, C, KH, KW)) + bias (OC)
/// col: C·KH·KW·OH·OW floats, or B times that when `keepColumns` (then backward can reuse them).
func conv2d_forward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                    _ bias: UnsafePointer<Float>?, b: Int, oc: Int, _ g: ConvGeometry,
                    col: UnsafeMutablePointer<Float>, keepColumns: Bool = false) {
    let l = g.l
    for n in 0..<b {
        let c = keepColumns ? col + n * g.ckk * l : col
        im2col(c, x + n * g.c * g.h * g.w, g)
        let o = out + n * oc * l
        if let bias { for k in 0..<oc { (o + k * l).update(repeating: bias[k], count: l) } }
        // o (OC, L) = weight (OC, CKK) · col (CKK, L)
        sgemm(m: oc, n: l, k: g.ckk, a: weight, lda: g.ckk, b: c, ldb: l, beta: bias == nil ? 0 : 1, c: o, ldc: l)
    }
}

/// dx += …, dweight (OC, CKK) += dout · colᵀ, dbias (OC) += Σ dout — given dout (B, OC, OH, OW).
/// savedColumns: the forward's B column matrices, if it kept them; else they are rebuilt into `col`.
func conv2d_backward(dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
                     dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, x: UnsafePointer<Float>,
                     weight: UnsafePointer<Float>, b: Int, oc: Int, _ g: ConvGeometry,
                     col: UnsafeMutablePointer<Float>, savedColumns: UnsafePointer<Float>? = nil) {
    let l = g.l, ckk = g.ckk
    for n in 0..<b {
        let dO = dout + n * oc * l
        if let dbias { for k in 0..<oc { var s: Float = 0; let r = dO + k * l; for i in 0..<l { s += r[i] }; dbias[k] += s } }
        if let dweight {
            let cols: UnsafePointer<Float>
            if let savedColumns { cols = savedColumns + n * ckk * l } else {
                im2col(col, x + n * g.c * g.h * g.w, g)
                cols = UnsafePointer(col)
            }
            sgemm(transB: true, m: oc, n: ckk, k: l, a: dO, lda: l, b: cols, ldb: l, beta: 1, c: dweight, ldc: ckk)
        }
        if let dx {
            // dcol (CKK, L) = weightᵀ (CKK, OC) · dO (OC, L), then scattered back onto the image.
            sgemm(transA: true, m: ckk, n: l, k: oc, a: weight, lda: ckk, b: dO, ldb: l, c: col, ldc: l)
            col2im(dx + n * g.c * g.h * g.w, col, g)
        }
    }
}
