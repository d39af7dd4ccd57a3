// exp and erf eight lanes at a time, for the softmaxes and GELU. The C library's expf/erff are scalar calls
// (one value per call); they were ~6% of the policy's training step (spatial softmax) and ~13% of a MiniLM
// embedding (GELU). exp is within 2 float ulps of libm's expf; erf within 5·10⁻⁷ of erff (VectorMathTests).

typealias Float8 = SIMD8<Float>

/// eˣ per lane (Cephes' expf: x = n·ln 2 + r with |r| ≤ ln 2 / 2, a degree-5 polynomial for eʳ, then 2ⁿ through the
/// exponent bits). Inputs are clamped to [−87.3, 88.3], where the result is a normal float. Written with plain
/// lane arithmetic only: the standard library's SIMD rounding and float→int conversions run lane by lane.
@inline(__always)
func vexp(_ x: Float8) -> Float8 {
    let lo = Float8(repeating: -87.3), hi = Float8(repeating: 88.3)
    let xc = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
    // Round x·log₂e to the nearest integer by adding 1.5·2²³: the sum's low mantissa bits then hold n itself.
    let magic = Float8(repeating: 12_582_912)
    let shifted = xc * 1.44269504088896341 + magic
    let n = shifted - magic
    // ln 2 split in two so n · ln 2 is subtracted without losing r's low bits.
    let r = (xc - n * 0.693359375) - n * -2.12194440e-4
    var p = Float8(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let y = p * (r * r) + r + 1
    let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000   // = n
    return y * unsafeBitCast((nBits &+ 127) &<< 23, to: Float8.self)
}

/// erf per lane: an odd rational function x·P(x²)/Q(x²) over x clamped to [−4, 4] (where erf is 1 within
/// 1.6·10⁻⁸), degrees 13/8 — the minimax form Eigen and XLA use for float erf. |error| ≤ 6.5·10⁻⁸ in exact
/// arithmetic. No exp and no sign fix-up: it replaced Abramowitz & Stegun 7.1.26 (an exp and a division),
/// taking GELU from 5.6% to 3.3% of a MiniLM embedding (perf).
@inline(__always)
func verf(_ x: Float8) -> Float8 {
    let lo = Float8(repeating: -4), hi = Float8(repeating: 4)
    let xc = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
    let x2 = xc * xc
    var p = Float8(repeating: -2.72614225801306e-10)
    p = p * x2 + 2.77068142495902e-08
    p = p * x2 - 2.10102402082508e-06
    p = p * x2 - 5.69250639462346e-05
    p = p * x2 - 7.34990630326855e-04
    p = p * x2 - 2.95459980854025e-03
    p = p * x2 - 1.60960333262415e-02
    var q = Float8(repeating: -1.45660718464996e-05)
    q = q * x2 - 2.13374055278905e-04
    q = q * x2 - 1.68282697438203e-03
    q = q * x2 - 7.37332916720468e-03
    q = q * x2 - 1.42647390514189e-02
    return xc * p / q
}

/// max x[i], i < n (−∞ for n = 0); eight lanes at a time (a scalar `max` loop does not vectorise).
@inline(__always)
func vmax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var m = -Float.infinity, i = 0
    if n >= 8 {
        var acc = load8(x)
        i = 8
        while i + 8 <= n { let v = load8(x + i); acc = acc.replacing(with: v, where: v .> acc); i += 8 }
        m = acc.max()
    }
    while i < n { m = max(m, x[i]); i += 1 }
    return m
}

/// Loads/stores eight floats at p (no alignment needed).
@inline(__always) func load8(_ p: UnsafePointer<Float>) -> Float8 { UnsafeRawPointer(p).loadUnaligned(as: Float8.self) }
@inline(__always) func store8(_ p: UnsafeMutablePointer<Float>, _ v: Float8) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self) }
