// The one door to cblas_sgemm: row-major C = alpha · op(A) · op(B) + beta · C.
import COpenBLAS

/// C (m, n) = alpha · op(A) (m, k) · op(B) (k, n) + beta · C, row-major, with leading dimensions.
/// `transA`: A is stored (k, m); `transB`: B is stored (n, k).
@inline(__always)
func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    if k == 0 {  // BLAS leaves C · beta; make the empty sum explicit (and never multiply garbage by 0).
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : c[i * ldc + j] * beta } }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                beta, c, blasint(ldc))
}

// Conv-sized products (16–32 output channels, one image) are small enough for OpenBLAS 0.3.21's SkylakeX
// "small matrix" kernels, which skip packing, once M·N·K ≤ 10⁶. Splitting the long dimension into equal blocks
// under that size measured (1 thread, per image, in cache): conv 3→16 k5 forward 68 → 38 µs, its dW 77 → 57 µs;
// conv 16→32 k3 forward 51 → 38 µs, its dX 45 → 34 µs. Blocks narrower than 128 were no faster (the 32→32 k3
// layer), so those products stay whole.

/// How many equal blocks to cut `length` into so that (other · block) ≤ 10⁶ with blocks of ≥ 128; 1 = no split.
@inline(__always)
func smallKernelBlocks(length: Int, other: Int) -> Int {
    guard other > 0, other * length > 1_000_000 else { return 1 }
    let blocks = (other * length + 999_999) / 1_000_000
    let block = (length + blocks - 1) / blocks
    return block >= 128 && other * block <= 1_000_000 ? blocks : 1
}

/// sgemm with B not transposed, its N columns (and C's) cut into small-kernel blocks.
func sgemmColumnBlocks(transA: Bool = false, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                       b: UnsafePointer<Float>, ldb: Int, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    let blocks = smallKernelBlocks(length: n, other: m * k)
    for j in 0..<blocks {
        let lo = j * n / blocks, hi = (j + 1) * n / blocks
        sgemm(transA: transA, m: m, n: hi - lo, k: k, a: a, lda: lda, b: b + lo, ldb: ldb,
              beta: beta, c: c + lo, ldc: ldc)
    }
}

/// C (m, n) = beta·C + A (m, k) · B (n, k)ᵀ with the inner dimension K cut into small-kernel blocks (summed
/// block by block: the same sum in another order).
func sgemmInnerBlocks(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    let blocks = smallKernelBlocks(length: k, other: m * n)
    for j in 0..<blocks {
        let lo = j * k / blocks, hi = (j + 1) * k / blocks
        sgemm(transB: true, m: m, n: n, k: hi - lo, a: a + lo, lda: lda, b: b + lo, ldb: ldb,
              beta: j == 0 ? beta : 1, c: c, ldc: ldc)
    }
}
