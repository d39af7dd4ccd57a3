// NumPy-style broadcasting for binary ops: shapes are right-aligned and a dimension of 1 stretches.
// FiLM conditioning is the motivating case: x (B, C, H, W) * gamma (B, C, 1, 1) + beta (B, C, 1, 1).

/// The broadcast result shape of `a` and `b`, or nil when they are incompatible.
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        guard da == db || da == 1 || db == 1 else { return nil }
        out[i] = max(da, db)
    }
    return out
}

/// Element strides of `shape` seen from `out` (right-aligned; 0 where the dimension is broadcast).
func broadcastStrides(_ shape: [Int], to out: [Int]) -> [Int] {
    var strides = [Int](repeating: 0, count: out.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        let o = i + (out.count - shape.count)
        strides[o] = shape[i] == 1 && out[o] != 1 ? 0 : s
        s *= shape[i]
    }
    return strides
}

/// Calls `body(outIndex, aIndex, bIndex)` for every element of the broadcast output, row-major.
@inline(__always)
func forEachBroadcast(_ out: [Int], _ sa: [Int], _ sb: [Int], _ body: (Int, Int, Int) -> Void) {
    let total = out.elementCount
    guard total > 0 else { return }
    let r = out.count
    if r == 0 { body(0, 0, 0); return }
    let inner = out[r - 1], ia = sa[r - 1], ib = sb[r - 1]
    var idx = [Int](repeating: 0, count: r)
    var o = 0
    while o < total {
        var offA = 0, offB = 0
        for d in 0..<(r - 1) { offA += idx[d] * sa[d]; offB += idx[d] * sb[d] }
        for j in 0..<inner { body(o + j, offA + j * ia, offB + j * ib) }
        o += inner
        var d = r - 2
        while d >= 0 { idx[d] += 1; if idx[d] < out[d] { break }; idx[d] = 0; d -= 1 }
    }
}

/// A broadcast collapsed into rows: each row is a run of `inner` output elements in which operand a steps by
/// `ia` and b by `ib` (1 = contiguous, 0 = one broadcast value). Adjacent dimensions are merged whenever both
/// operands walk them contiguously, so FiLM's (B, C, H, W) ⊙ (B, C, 1, 1) becomes B·C rows of H·W with b
/// constant along each row — and the kernels can run a plain, vectorisable loop per row instead of calling a
/// closure per element (per-element closures were a third of the policy's training step).
struct BroadcastRows {
    /// Merged outer dimensions and the operands' strides along them (the last, inner dimension excluded).
    private let outer: [Int], outerA: [Int], outerB: [Int]
    let inner: Int, ia: Int, ib: Int

    init(_ out: [Int], _ sa: [Int], _ sb: [Int]) {
        var dims: [(n: Int, a: Int, b: Int)] = []
        for d in 0..<out.count where out[d] != 1 {
            if let last = dims.last, last.a == sa[d] * out[d], last.b == sb[d] * out[d] {
                dims[dims.count - 1] = (last.n * out[d], sa[d], sb[d])
            } else {
                dims.append((out[d], sa[d], sb[d]))
            }
        }
        let innermost = dims.popLast() ?? (n: out.elementCount, a: 0, b: 0)
        (inner, ia, ib) = (innermost.n, innermost.a, innermost.b)
        outer = dims.map(\.n); outerA = dims.map(\.a); outerB = dims.map(\.b)
    }

    /// Calls `body(outOffset, aOffset, bOffset)` at the start of every row, in row-major order.
    @inline(__always)
    func forEachRow(_ body: (Int, Int, Int) -> Void) {
        guard inner > 0, !outer.contains(0) else { return }
        var idx = [Int](repeating: 0, count: outer.count)
        var o = 0, offA = 0, offB = 0
        while true {
            body(o, offA, offB)
            o += inner
            var d = outer.count - 1
            while d >= 0 {
                idx[d] += 1; offA += outerA[d]; offB += outerB[d]
                if idx[d] < outer[d] { break }
                offA -= outerA[d] * outer[d]; offB -= outerB[d] * outer[d]; idx[d] = 0; d -= 1
            }
            if d < 0 { return }
        }
    }
}

/// o[j] = f(a[j·ia], b[j·ib]) for j < n, with the contiguous and broadcast-scalar cases as plain loops.
@inline(__always)
func broadcastRow(_ o: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ ia: Int, _ b: UnsafePointer<Float>,
                  _ ib: Int, _ n: Int, _ f: (Float, Float) -> Float) {
    if ia == 1 && ib == 1 { for j in 0..<n { o[j] = f(a[j], b[j]) } }
    else if ia == 1 && ib == 0 { let v = b[0]; for j in 0..<n { o[j] = f(a[j], v) } }
    else if ia == 0 && ib == 1 { let v = a[0]; for j in 0..<n { o[j] = f(v, b[j]) } }
    else { for j in 0..<n { o[j] = f(a[j * ia], b[j * ib]) } }
}
