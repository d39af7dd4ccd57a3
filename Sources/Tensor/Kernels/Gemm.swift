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
