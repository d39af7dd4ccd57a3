// 2-D convolution as im2col + sgemm (NCHW, PyTorch weight layout (OC, C, KH, KW)).
// Several images share one sgemm: their column matrices sit side by side in one (C·KH·KW, nb·OH·OW) matrix,
// so even a layer with few output channels gives OpenBLAS a wide, efficient product (one sgemm per image
// with M = 16 channels ran at a fraction of the speed). Chunks keep that matrix ≤ 16 MB.

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

/// Images per sgemm so one chunk's column matrix stays ≤ 4 M floats.
func convChunk(batch b: Int, _ g: ConvGeometry) -> Int { max(1, min(b, (4 << 20) / max(1, g.ckk * g.l))) }

/// col rows (C·KH·KW) with row stride ldc, columns [0, OH·OW) ← x (C, H, W); zero where the window hangs over
/// the padding. The valid column range is computed once per kernel tap, so the inner loop is a plain copy.
func im2col(_ col: UnsafeMutablePointer<Float>, ldc: Int, _ x: UnsafePointer<Float>, _ g: ConvGeometry) {
    let oh = g.oh, ow = g.ow, s = g.stride
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = col + ((ch * g.kh + ki) * g.kw + kj) * ldc
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

/// dx (C, H, W) += col2im(dcol rows with stride ldc) — the adjoint of im2col.
func col2im(_ dx: UnsafeMutablePointer<Float>, _ dcol: UnsafePointer<Float>, ldc: Int, _ g: ConvGeometry) {
    let oh = g.oh, ow = g.ow, s = g.stride
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = dcol + ((ch * g.kh + ki) * g.kw + kj) * ldc
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

/// out (B, OC, OH, OW) = conv(x (B, C, H, W), weight (OC, C, KH, KW)) + bias (OC), nb images per sgemm.
/// cols: CKK·nb·L floats, or CKK·B·L when `keepColumns` (chunk at image `start` then sits at start·CKK·L,
/// for backward to reuse). tmp: OC·nb·L floats.
func conv2d_forward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                    _ bias: UnsafePointer<Float>?, b: Int, oc: Int, _ g: ConvGeometry, nb: Int,
                    cols: UnsafeMutablePointer<Float>, tmp: UnsafeMutablePointer<Float>, keepColumns: Bool) {
    let l = g.l, ckk = g.ckk, chw = g.c * g.h * g.w
    for start in stride(from: 0, to: b, by: nb) {
        let cnt = min(nb, b - start), n = cnt * l
        let c = keepColumns ? cols + start * ckk * l : cols
        for j in 0..<cnt { im2col(c + j * l, ldc: n, x + (start + j) * chw, g) }
        // tmp (OC, cnt·L) = weight (OC, CKK) · c (CKK, cnt·L)
        sgemm(m: oc, n: n, k: ckk, a: weight, lda: ckk, b: c, ldb: n, c: tmp, ldc: n)
        for j in 0..<cnt {
            for k in 0..<oc {
                let o = out + ((start + j) * oc + k) * l, t = tmp + k * n + j * l
                let bk = bias?[k] ?? 0
                for i in 0..<l { o[i] = t[i] + bk }
            }
        }
    }
}

/// dx += …, dweight (OC, CKK) += dout · colsᵀ, dbias (OC) += Σ dout — given dout (B, OC, OH, OW).
/// saved: the forward's kept columns (or nil: rebuilt into `cols`). cols, dcols: CKK·nb·L; dO: OC·nb·L floats.
func conv2d_backward(dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
                     dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, x: UnsafePointer<Float>,
                     weight: UnsafePointer<Float>, b: Int, oc: Int, _ g: ConvGeometry, nb: Int,
                     cols: UnsafeMutablePointer<Float>, dcols: UnsafeMutablePointer<Float>, dO: UnsafeMutablePointer<Float>,
                     saved: UnsafePointer<Float>?) {
    let l = g.l, ckk = g.ckk, chw = g.c * g.h * g.w
    for start in stride(from: 0, to: b, by: nb) {
        let cnt = min(nb, b - start), n = cnt * l
        // dO (OC, cnt·L) ← dout images [start, start+cnt) (cnt, OC, L)
        for j in 0..<cnt { for k in 0..<oc { (dO + k * n + j * l).update(from: dout + ((start + j) * oc + k) * l, count: l) } }
        if let dbias { for k in 0..<oc { var s: Float = 0; let r = dO + k * n; for i in 0..<n { s += r[i] }; dbias[k] += s } }
        if let dweight {
            let c: UnsafePointer<Float>
            if let saved { c = saved + start * ckk * l } else {
                for j in 0..<cnt { im2col(cols + j * l, ldc: n, x + (start + j) * chw, g) }
                c = UnsafePointer(cols)
            }
            sgemm(transB: true, m: oc, n: ckk, k: n, a: dO, lda: n, b: c, ldb: n, beta: 1, c: dweight, ldc: ckk)
        }
        if let dx {
            // dcols (CKK, cnt·L) = weightᵀ (CKK, OC) · dO (OC, cnt·L), then scattered back onto each image.
            sgemm(transA: true, m: ckk, n: n, k: oc, a: weight, lda: ckk, b: dO, ldb: n, c: dcols, ldc: n)
            for j in 0..<cnt { col2im(dx + (start + j) * chw, dcols + j * l, ldc: n, g) }
        }
    }
}
