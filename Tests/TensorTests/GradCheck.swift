// Finite-difference gradient checking shared by the op tests.
import XCTest
@testable import Tensor

/// SplitMix64: small deterministic generator for test inputs.
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A leaf with values uniform in [lo, hi], wanting gradients.
func randomTensor(_ shape: [Int], _ rng: inout TestRNG, lo: Float = -1, hi: Float = 1) -> Tensor {
    Tensor(shape: shape, data: (0..<shape.elementCount).map { _ in Float.random(in: lo...hi, using: &rng) }, requiresGrad: true)
}

/// Checks every input's analytic gradient of L = Σ f(inputs) ⊙ W (W fixed random) against central
/// differences (L accumulated in Double). Returns the largest error seen, for reporting.
@discardableResult
func assertGradientsMatch(_ inputs: [Tensor], seed: UInt64 = 7, h: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 2e-2,
                          file: StaticString = #filePath, line: UInt = #line, _ f: () -> Tensor) -> Double {
    var rng = TestRNG(seed: seed)
    let probe = withNoGrad(f)
    let w = (0..<probe.count).map { _ in Float.random(in: -1...1, using: &rng) }
    func loss() -> Double {
        let out = withNoGrad(f)
        var s: Double = 0
        for i in 0..<out.count { s += Double(out.data[i]) * Double(w[i]) }
        return s
    }
    for t in inputs { t.grad = nil }
    let out = f()
    XCTAssertTrue(out.requiresGrad, "op result should require grad", file: file, line: line)
    (out * Tensor(shape: out.shape, data: w)).sum().backward()
    var worst = 0.0
    for (k, t) in inputs.enumerated() {
        guard let analytic = t.grad else { XCTFail("input \(k) got no gradient", file: file, line: line); continue }
        for i in 0..<t.count {
            let orig = t.data[i]
            t.data[i] = orig + h; let lp = loss()
            t.data[i] = orig - h; let lm = loss()
            t.data[i] = orig
            let numeric = (lp - lm) / (2 * Double(h))
            let a = Double(analytic[i])
            let err = abs(a - numeric)
            worst = max(worst, err)
            if err > atol + rtol * max(abs(a), abs(numeric)) {
                XCTFail("input \(k)[\(i)]: analytic \(a) vs numeric \(numeric)", file: file, line: line)
                return worst
            }
        }
    }
    return worst
}

/// Runs `body` with the engine's kernels split over `threads` threads (OpenBLAS at 1 thread, as in training),
/// then restores the default (1 kernel thread) and the previous OpenBLAS count.
func withKernelThreads<T>(_ threads: Int, _ body: () -> T) -> T {
    let saved = blasThreadCount
    BLASThreads.set(1); KernelThreads.set(threads)
    defer { KernelThreads.set(1); BLASThreads.set(saved) }
    return body()
}
