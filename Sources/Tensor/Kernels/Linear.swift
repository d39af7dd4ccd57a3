// Matmul and linear (fully connected) kernels. PyTorch weight layout: W is (OC, C), y = x · Wᵀ + b.

/// out (M, N) = a (M, K) · b (K, N)
func matmul_forward(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                    m: Int, k: Int, n: Int) {
    sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: out, ldc: n)
}

/// da (M, K) += dout (M, N) · bᵀ;  db (K, N) += aᵀ · dout (M, N)
func matmul_backward(da: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?,
                     dout: UnsafePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     m: Int, k: Int, n: Int) {
    if let da { sgemm(transB: true, m: m, n: k, k: n, a: dout, lda: n, b: b, ldb: n, beta: 1, c: da, ldc: k) }
    if let db { sgemm(transA: true, m: k, n: n, k: m, a: a, lda: k, b: dout, ldb: n, beta: 1, c: db, ldc: n) }
}

/// out (N, OC) = inp (N, C) · weight (OC, C)ᵀ + bias (OC)
func linear_forward(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                    _ bias: UnsafePointer<Float>?, n: Int, c: Int, oc: Int) {
    linear_forward(out, inp, weight, bias, n: n, c: c, oc: oc, blocks: 0..<fewRowsBlockCount(n: n, c: c, oc: oc))
}

/// How many output blocks `linear_forward` cuts a layer into (see fewRowsBlock); 1 = one product.
func fewRowsBlockCount(n: Int, c: Int, oc: Int) -> Int {
    let block = fewRowsLayout(n: n, c: c, oc: oc).block
    return (oc + block - 1) / block
}

/// Input blocks and output-block width of a linear layer over n rows (every input block is sized as the widest).
private func fewRowsLayout(n: Int, c: Int, oc: Int) -> (inner: Int, block: Int) {
    let inner = fewRowsInnerBlocks(n: n, c: c)
    return (inner, fewRowsBlock(n: n, c: (c + inner - 1) / inner, oc: oc))
}

/// `linear_forward` for the output blocks `blocks` only (of fewRowsBlockCount): every sgemm has the shape the
/// whole layer's would, so results do not depend on how the blocks are shared out; each writes only its columns.
func linear_forward(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                    _ bias: UnsafePointer<Float>?, n: Int, c: Int, oc: Int, blocks: Range<Int>) {
    let (inner, block) = fewRowsLayout(n: n, c: c, oc: oc)
    let first = blocks.lowerBound * block, end = min(oc, blocks.upperBound * block)
    guard first < end else { return }
    if let bias {
        for i in 0..<n { (out + i * oc + first).update(from: bias + first, count: end - first) }
    }
    for j in 0..<inner {
        let lo = j * c / inner, hi = (j + 1) * c / inner
        for o in stride(from: first, to: end, by: block) {
            sgemm(transB: true, m: n, n: min(block, end - o), k: hi - lo, a: inp + lo, lda: c, b: weight + o * c + lo, ldb: c,
                  beta: bias == nil && j == 0 ? 0 : 1, c: out + o, ldc: oc)
        }
    }
}

/// Blocks to cut a few-row linear layer's inputs C into (partial products summed into the output: the same sum
/// in another order). OpenBLAS's unpacked kernel for this orientation runs faster over ~384 inputs than over
/// 1536: 16 rows, 1536→384, blocks of 64 outputs measured 303 → 241 µs with 4 input blocks of 384 (weights in
/// cache; 324 → 262 µs cycling six layers' weights).
func fewRowsInnerBlocks(n: Int, c: Int) -> Int {
    guard n >= 1, n <= 16, c > 512 else { return 1 }
    return (c + 383) / 384
}

/// Output features per sgemm for a linear layer over few rows (a sentence's tokens, a batch of one).
/// OpenBLAS packs the whole weight matrix before every product, and with N ≤ 16 rows that copy costs more than
/// the multiply. OpenBLAS 0.3.21's SkylakeX build skips packing ("small matrix" kernels) when, for this
/// orientation, (rows · block) ≤ 1200 and rows · block · C ≤ 10⁶; splitting the output features into such blocks
/// measured (1 thread, 16 rows): 384→1536 367 → 236 µs, 1536→384 384 → 280 µs, 384→384 97 → 53 µs.
/// Returns oc (one product) when the layer is small anyway or there are many rows.
func fewRowsBlock(n: Int, c: Int, oc: Int) -> Int {
    guard n >= 1, n <= 16, c >= 32, n * oc * c > 1_000_000 else { return max(oc, 1) }
    let block = min(1200 / n, 1_000_000 / (n * c)) / 8 * 8
    return block >= 8 ? block : max(oc, 1)
}

/// dinp (N, C) += dout (N, OC) · weight (OC, C);  dweight (OC, C) += doutᵀ · inp;  dbias (OC) += Σₙ dout
func linear_backward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
                     dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
                     inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, n: Int, c: Int, oc: Int) {
    if let dinp { sgemm(m: n, n: c, k: oc, a: dout, lda: oc, b: weight, ldb: c, beta: 1, c: dinp, ldc: c) }
    if let dweight { sgemm(transA: true, m: oc, n: c, k: n, a: dout, lda: oc, b: inp, ldb: c, beta: 1, c: dweight, ldc: c) }
    if let dbias {
        for i in 0..<n { let row = dout + i * oc; for o in 0..<oc { dbias[o] += row[o] } }
    }
}
