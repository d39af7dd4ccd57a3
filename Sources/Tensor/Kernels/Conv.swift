// 2-D convolution as im2col + sgemm (NCHW, PyTorch weight layout (OC, C, KH, KW)).
// Several images can share one sgemm: their column matrices sit side by side in one (C·KH·KW, nb·OH·OW)
// matrix, so small images still give OpenBLAS a wide product; large ones run one image per sgemm (the chunk
// stays in cache, and the product lands directly in the output). The batch is split over the kernel
// threads (KernelThreads); each part walks its images in chunks of `nb`, with its own scratch.

struct ConvGeometry: Equatable {
    let c: Int, h: Int, w: Int, kh: Int, kw: Int, stride: Int, padding: Int
    var oh: Int { (h + 2 * padding - kh) / stride + 1 }
    var ow: Int { (w + 2 * padding - kw) / stride + 1 }
    /// Rows of the column matrix: C·KH·KW.
    var ckk: Int { c * kh * kw }
    /// Columns of the column matrix: OH·OW.
    var l: Int { oh * ow }
    /// A 1×1 conv with stride 1 and no padding: an image (C, H·W) already is its column matrix.
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }
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

extension ConvGeometry {
    /// For stride 1 with "same" padding (OW = W), the part of tap (ki, kj) whose output rows see input rows:
    /// output rows `rows`, and — because an output row is exactly as long as an input row — one contiguous run of
    /// `count` column-matrix entries from `start` matching input floats from `sourceStart` (within the channel).
    /// nil for other geometries or when no output row sees the image.
    @inline(__always)
    func sameBlock(ki: Int, kj: Int, valid: Range<Int>) -> (rows: Range<Int>, start: Int, sourceStart: Int, count: Int)? {
        guard stride == 1, ow == w, !valid.isEmpty else { return nil }
        let oy0 = max(0, padding - ki), oy1 = min(oh, h + padding - ki)
        guard oy0 < oy1 else { return nil }
        let start = oy0 * ow + valid.lowerBound, end = (oy1 - 1) * ow + valid.upperBound
        // Input row oy0 + ki − padding, column valid.lowerBound + kj − padding.
        let sourceStart = (oy0 + ki - padding) * w + valid.lowerBound + kj - padding
        return (oy0..<oy1, start, sourceStart, end - start)
    }

    /// Zeroes an output row's entries outside `valid` (the taps over the left and right padding).
    @inline(__always)
    func zeroPaddingColumns(_ row: UnsafeMutablePointer<Float>, _ valid: Range<Int>) {
        // Usually 0 or 1 column each side: single stores, not a memset call per row.
        let lo = valid.lowerBound, hi = valid.upperBound
        if lo == 1 { row[0] = 0 } else { for i in 0..<lo { row[i] = 0 } }
        if hi == ow - 1 { row[hi] = 0 } else { for i in hi..<ow { row[i] = 0 } }
    }
}

/// How a conv splits its batch: `parts` threads, each running `nb` images per sgemm. Backward must use the
/// forward's plan when it reuses the forward's kept columns (their layout follows the chunks).
struct ConvPlan: Equatable {
    let parts: Int, nb: Int

    init(parts: Int, nb: Int) { (self.parts, self.nb) = (max(1, parts), max(1, nb)) }

    /// Chunks sized so one chunk's column matrix stays ≤ `budget` floats (at least one image).
    init(batch b: Int, _ g: ConvGeometry, parts: Int, budget: Int) {
        let p = max(1, min(parts, b))
        self.init(parts: p, nb: min((b + p - 1) / p, budget / max(1, g.ckk * g.l)))
    }

    /// Runs `body(part, chunkStart, chunkCount)` for every chunk: parts concurrently, a part's chunks in order.
    func forEachChunk(batch b: Int, _ body: (Int, Int, Int) -> Void) {
        parallelParts(b, parts: parts) { part, images in
            for start in stride(from: images.lowerBound, to: images.upperBound, by: nb) {
                body(part, start, min(nb, images.upperBound - start))
            }
        }
    }
}

/// col rows (C·KH·KW) with row stride ldc, columns [0, OH·OW) ← x (C, H, W); zero where the window hangs over
/// the padding. The valid column range is computed once per kernel tap, so the inner loop is a plain copy.
func im2col(_ col: UnsafeMutablePointer<Float>, ldc: Int, _ x: UnsafePointer<Float>, _ g: ConvGeometry) {
    let oh = g.oh, ow = g.ow, s = g.stride
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = col + ((ch * g.kh + ki) * g.kw + kj) * ldc
                let valid = g.validColumns(kj), off = kj - g.padding
                if let block = g.sameBlock(ki: ki, kj: kj, valid: valid) {
                    // Stride 1, "same" padding: the whole tap is one contiguous copy, then the columns that hang
                    // over the left/right padding (which the copy filled from neighbouring rows) are zeroed.
                    for i in 0..<(block.rows.lowerBound * ow) { row[i] = 0 }
                    for i in (block.rows.upperBound * ow)..<(oh * ow) { row[i] = 0 }
                    let dst = row + block.start, src = x + ch * g.h * g.w + block.sourceStart
                    for t in 0..<block.count { dst[t] = src[t] }
                    for oy in block.rows { g.zeroPaddingColumns(row + oy * ow, valid) }
                    continue
                }
                for oy in 0..<oh {
                    let iy = oy * s - g.padding + ki
                    let dst = row + oy * ow
                    // Rows are short (a few dozen floats): plain loops, not memset/memcpy calls.
                    if iy < 0 || iy >= g.h || valid.isEmpty { for i in 0..<ow { dst[i] = 0 }; continue }
                    g.zeroPaddingColumns(dst, valid)
                    let src = x + (ch * g.h + iy) * g.w + off
                    if s == 1 {
                        for ox in valid { dst[ox] = src[ox] }
                    } else if s == 2 {
                        copyEvens(dst, src, valid)
                    } else {
                        for ox in valid { dst[ox] = src[ox &* s] }
                    }
                }
            }
        }
    }
}

/// dst[ox] = src[2·ox] for ox in `valid` (a stride-2 im2col row): four at a time from one 8-float load.
/// Vector loads run only while ox + 4 is still valid, so the load's last float (src[2·ox + 7]) is inside the row.
@inline(__always)
private func copyEvens(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ valid: Range<Int>) {
    var ox = valid.lowerBound
    while ox + 4 < valid.upperBound {
        let v = UnsafeRawPointer(src + 2 * ox).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(dst + ox).storeBytes(of: v.evenHalf, as: SIMD4<Float>.self)
        ox += 4
    }
    while ox < valid.upperBound { dst[ox] = src[2 * ox]; ox += 1 }
}

/// dx (C, H, W) += col2im(dcol rows with stride ldc) — the adjoint of im2col. Clobbers dcol's entries for
/// taps over the padding (sets them to 0) in the stride-1 "same" case.
func col2im(_ dx: UnsafeMutablePointer<Float>, _ dcol: UnsafeMutablePointer<Float>, ldc: Int, _ g: ConvGeometry) {
    let oh = g.oh, ow = g.ow, s = g.stride
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = dcol + ((ch * g.kh + ki) * g.kw + kj) * ldc
                let valid = g.validColumns(kj), off = kj - g.padding
                if let block = g.sameBlock(ki: ki, kj: kj, valid: valid) {
                    // One contiguous add; the padding taps are zeroed first so they add nothing to the
                    // neighbouring row's pixels they line up with (every pixel gets the same sum as row by row).
                    for oy in block.rows { g.zeroPaddingColumns(row + oy * ow, valid) }
                    let dst = dx + ch * g.h * g.w + block.sourceStart, src = row + block.start
                    for t in 0..<block.count { dst[t] += src[t] }
                    continue
                }
                for oy in 0..<oh {
                    let iy = oy * s - g.padding + ki
                    if iy < 0 || iy >= g.h { continue }
                    let dst = dx + (ch * g.h + iy) * g.w + off
                    let src = row + oy * ow
                    if s == 1 {
                        let d = dst + valid.lowerBound, r = src + valid.lowerBound
                        for i in 0..<valid.count { d[i] += r[i] }
                    } else {
                        for ox in valid { dst[ox &* s] += src[ox] }  // &*: no overflow check per element (ox·s < W)
                    }
                }
            }
        }
    }
}

/// out (B, OC, OH, OW) = conv(x (B, C, H, W), weight (OC, C, KH, KW)) + bias (OC), chunked as `plan` says.
/// kept: nil, or CKK·B·L floats that receive every chunk's columns (chunk at image `start` at start·CKK·L)
/// for backward to reuse.
func conv2d_forward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                    _ bias: UnsafePointer<Float>?, b: Int, oc: Int, _ g: ConvGeometry, plan: ConvPlan,
                    kept: UnsafeMutablePointer<Float>?) {
    let l = g.l, ckk = g.ckk, chw = g.c * g.h * g.w
    let scratch = PartScratch(parts: plan.parts, floats: (kept == nil ? ckk : 0) * plan.nb * l + oc * plan.nb * l)
    defer { scratch.free() }
    plan.forEachChunk(batch: b) { part, start, cnt in
        let n = cnt * l, mine = scratch[part]
        let cols = kept.map { $0 + start * ckk * l } ?? mine, tmp = kept == nil ? mine + ckk * plan.nb * l : mine
        let direct = g.isPointwise && cnt == 1
        if !direct { for j in 0..<cnt { im2col(cols + j * l, ldc: n, x + (start + j) * chw, g) } }
        let c = direct ? x + start * chw : UnsafePointer(cols)
        if cnt == 1 {
            // One image: its (OC, L) output is the product's layout, so the sgemm writes it in place onto the bias.
            let o = out + start * oc * l
            if let bias { for k in 0..<oc { let row = o + k * l, bk = bias[k]; for i in 0..<l { row[i] = bk } } }
            sgemmColumnBlocks(m: oc, n: l, k: ckk, a: weight, lda: ckk, b: c, ldb: l, beta: bias == nil ? 0 : 1, c: o, ldc: l)
            return
        }
        // tmp (OC, cnt·L) = weight (OC, CKK) · c (CKK, cnt·L)
        sgemmColumnBlocks(m: oc, n: n, k: ckk, a: weight, lda: ckk, b: c, ldb: n, c: tmp, ldc: n)
        for j in 0..<cnt {
            for k in 0..<oc {
                let o = out + ((start + j) * oc + k) * l, t = tmp + k * n + j * l
                let bk = bias?[k] ?? 0
                for i in 0..<l { o[i] = t[i] + bk }
            }
        }
    }
}

/// dx += …, dweight (OC, CKK) += dout · colsᵀ, dbias (OC) += Σ dout — given dout (B, OC, OH, OW), chunked as the
/// forward's `plan`. saved: the forward's kept columns, or nil (rebuilt per chunk). Each part sums its own
/// dweight and dbias; the parts are then added in order (deterministic for a thread count).
func conv2d_backward(dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
                     dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, x: UnsafePointer<Float>,
                     weight: UnsafePointer<Float>, b: Int, oc: Int, _ g: ConvGeometry, plan: ConvPlan,
                     saved: UnsafePointer<Float>?) {
    let l = g.l, ckk = g.ckk, chw = g.c * g.h * g.w, nl = plan.nb * l
    // Per part: dO (OC·nb·L), columns (CKK·nb·L) unless saved, dcols (CKK·nb·L) for dx, then dweightᵀ and dbias sums.
    let colsAt = oc * nl, dcolsAt = colsAt + (saved == nil ? ckk * nl : 0), dwAt = dcolsAt + (dx == nil ? 0 : ckk * nl)
    let dbAt = dwAt + oc * ckk
    let scratch = PartScratch(parts: plan.parts, floats: dbAt + oc)
    defer { scratch.free() }
    for p in 0..<plan.parts { (scratch[p] + dwAt).update(repeating: 0, count: oc * ckk + oc) }
    plan.forEachChunk(batch: b) { part, start, cnt in
        let n = cnt * l, mine = scratch[part]
        // dO (OC, cnt·L) ← dout images [start, start+cnt) (cnt, OC, L); one image's dout already has that layout.
        let dO = cnt == 1 ? dout + start * oc * l : UnsafePointer(mine)
        if cnt > 1 { for j in 0..<cnt { for k in 0..<oc { (mine + k * n + j * l).update(from: dout + ((start + j) * oc + k) * l, count: l) } } }
        if dbias != nil { let db = mine + dbAt; for k in 0..<oc { db[k] += vsum(dO + k * n, n) } }
        if dweight != nil {
            let c: UnsafePointer<Float>
            if let saved { c = saved + start * ckk * l } else {
                for j in 0..<cnt { im2col(mine + colsAt + j * l, ldc: n, x + (start + j) * chw, g) }
                c = UnsafePointer(mine + colsAt)
            }
            // Summed transposed, dweightᵀ (CKK, OC) += c (CKK, cnt·L) · dOᵀ: OpenBLAS runs this orientation
            // 20–30% faster than dO · cᵀ for these shapes (measured, 1 thread).
            sgemmInnerBlocks(m: ckk, n: oc, k: n, a: c, lda: n, b: dO, ldb: n, beta: 1, c: mine + dwAt, ldc: oc)
        }
        if let dx, g.isPointwise && cnt == 1 {
            // 1×1: the image's gradient is weightᵀ · dO itself, accumulated in place.
            sgemm(transA: true, m: ckk, n: l, k: oc, a: weight, lda: ckk, b: dO, ldb: l, beta: 1, c: dx + start * chw, ldc: l)
        } else if let dx {
            // dcols (CKK, cnt·L) = weightᵀ (CKK, OC) · dO (OC, cnt·L), then scattered back onto each image.
            let dcols = mine + dcolsAt
            sgemmColumnBlocks(transA: true, m: ckk, n: n, k: oc, a: weight, lda: ckk, b: dO, ldb: n, c: dcols, ldc: n)
            for j in 0..<cnt { col2im(dx + (start + j) * chw, dcols + j * l, ldc: n, g) }
        }
    }
    for p in 0..<plan.parts {
        if let dweight { let s = scratch[p] + dwAt; for k in 0..<oc { for i in 0..<ckk { dweight[k * ckk + i] += s[i * oc + k] } } }
        if let dbias { let s = scratch[p] + dbAt; for k in 0..<oc { dbias[k] += s[k] } }
    }
}

/// One scratch block per part of a split (each thread writes only its own).
struct PartScratch {
    private let base: UnsafeMutablePointer<Float>
    private let floats: Int
    init(parts: Int, floats: Int) {
        self.floats = max(1, floats)
        base = .allocate(capacity: parts * self.floats)
    }
    subscript(part: Int) -> UnsafeMutablePointer<Float> { base + part * floats }
    func free() { base.deallocate() }
}
