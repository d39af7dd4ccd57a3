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
    if let bias {
        for i in 0..<n { (out + i * oc).update(from: bias, count: oc) }
    }
    sgemm(transB: true, m: n, n: oc, k: c, a: inp, lda: c, b: weight, ldb: c, beta: bias == nil ? 0 : 1,
          c: out, ldc: oc)
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
