// Vectorised reductions for the backward passes of broadcast ops (FiLM's per-channel sums, bias gradients).
// Swift keeps a scalar float reduction in order (it may not reassociate), so a plain loop runs one add per
// cycle; 16 independent lanes let the compiler use full vector registers.

/// Σ x[i], i < n.
@inline(__always)
func vsum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    laneSum(n, { UnsafeRawPointer(x + $0).loadUnaligned(as: SIMD16<Float>.self) }, { x[$0] })
}

/// Σ x[i] · y[i], i < n.
@inline(__always)
func vdot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
    laneSum(n, { UnsafeRawPointer(x + $0).loadUnaligned(as: SIMD16<Float>.self) * UnsafeRawPointer(y + $0).loadUnaligned(as: SIMD16<Float>.self) },
            { x[$0] * y[$0] })
}

/// Σ term(i), i < n: `lanes(i)` gives terms i…i+15 at once, `scalar(i)` one term (for the tail).
@inline(__always)
private func laneSum(_ n: Int, _ lanes: (Int) -> SIMD16<Float>, _ scalar: (Int) -> Float) -> Float {
    var acc = SIMD16<Float>(repeating: 0)
    var i = 0
    while i + 16 <= n { acc += lanes(i); i += 16 }
    var s = acc.sum()
    while i < n { s += scalar(i); i += 1 }
    return s
}
