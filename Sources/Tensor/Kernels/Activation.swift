// Pointwise activations. GELU is the exact erf form BERT uses (not the tanh approximation).
import Foundation

/// out (N) = x · Φ(x) = 0.5 · x · (1 + erf(x / √2))
func gelu_forward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, n: Int) {
    var i = 0
    while i + 8 <= n {
        let v = load8(x + i)
        store8(out + i, 0.5 * v * (1 + verf(v * Float(0.7071067811865476))))
        i += 8
    }
    while i < n { let v = x[i]; out[i] = 0.5 * v * (1 + erff(v * Float(0.7071067811865476))); i += 1 }
}

/// dx (N) += dout · (Φ(x) + x · φ(x))
func gelu_backward(dx: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, x: UnsafePointer<Float>, n: Int) {
    let invSqrt2Pi: Float = 0.3989422804014327
    for i in 0..<n {
        let v = x[i]
        let cdf = 0.5 * (1 + erff(v * Float(0.7071067811865476)))
        let pdf = invSqrt2Pi * expf(-0.5 * v * v)
        dx[i] += dout[i] * (cdf + v * pdf)
    }
}

/// out (N) = max(x, 0)
func relu_forward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, n: Int) {
    for i in 0..<n { out[i] = x[i] > 0 ? x[i] : 0 }
}

/// dx (N) += dout · [x > 0]
func relu_backward(dx: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, x: UnsafePointer<Float>, n: Int) {
    // Both loads unconditional, so the select is branch-free and the loop vectorises.
    for i in 0..<n { let d = dout[i]; dx[i] += x[i] > 0 ? d : 0 }
}
