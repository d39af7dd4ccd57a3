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
