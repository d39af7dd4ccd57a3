// Normalisation statistics in LeRobot's stats.json shape: min, max, mean, std, count and the quantiles
// q01 q10 q50 q90 q99 per feature dimension (numpy's linear interpolation); images per RGB channel in [0, 1].

/// Per-dimension statistics of a numeric feature.
public struct FeatureStats: Sendable {
    public var min: [Double], max: [Double], mean: [Double], std: [Double], count: Int
    public var quantiles: [String: [Double]]
    public static let quantileKeys: [(String, Double)] = [("q01", 0.01), ("q10", 0.10), ("q50", 0.50), ("q90", 0.90), ("q99", 0.99)]

    /// `rows`: one vector per frame, all of the same length.
    public init(rows: [[Double]]) {
        let d = rows.first?.count ?? 0
        count = rows.count
        var mn = [Double](repeating: .infinity, count: d), mx = [Double](repeating: -.infinity, count: d)
        var sum = [Double](repeating: 0, count: d)
        for r in rows { for j in 0..<Swift.min(d, r.count) { mn[j] = Swift.min(mn[j], r[j]); mx[j] = Swift.max(mx[j], r[j]); sum[j] += r[j] } }
        let n = Double(Swift.max(1, rows.count))
        let mean = sum.map { $0 / n }
        var sq = [Double](repeating: 0, count: d)
        for r in rows { for j in 0..<Swift.min(d, r.count) { sq[j] += (r[j] - mean[j]) * (r[j] - mean[j]) } }
        self.min = rows.isEmpty ? [Double](repeating: 0, count: d) : mn
        self.max = rows.isEmpty ? [Double](repeating: 0, count: d) : mx
        self.mean = mean
        self.std = sq.map { ($0 / n).squareRoot() }
        var q: [String: [Double]] = [:]
        for (k, _) in Self.quantileKeys { q[k] = [] }
        for j in 0..<d {
            let col = rows.map { $0[j] }.sorted()
            for (k, p) in Self.quantileKeys { q[k, default: []].append(Self.quantile(sorted: col, p)) }
        }
        quantiles = q
    }

    init(min: [Double], max: [Double], mean: [Double], std: [Double], count: Int, quantiles: [String: [Double]]) {
        self.min = min; self.max = max; self.mean = mean; self.std = std; self.count = count; self.quantiles = quantiles
    }

    /// numpy.quantile(method="linear").
    static func quantile(sorted v: [Double], _ p: Double) -> Double {
        guard !v.isEmpty else { return 0 }
        let pos = p * Double(v.count - 1)
        let lo = Int(pos.rounded(.down)), hi = Swift.min(lo + 1, v.count - 1)
        return v[lo] + (pos - Double(lo)) * (v[hi] - v[lo])
    }

    /// The stats.json object; `nest` wraps each value as [[v]] (images: shape (3, 1, 1)).
    public func json(nest: Bool = false) -> [String: Any] {
        func wrap(_ a: [Double]) -> Any { nest ? a.map { [[$0]] } : a }
        var o: [String: Any] = ["min": wrap(min), "max": wrap(max), "mean": wrap(mean), "std": wrap(std), "count": [count]]
        for (k, _) in Self.quantileKeys { o[k] = wrap(quantiles[k] ?? []) }
        return o
    }
}

/// Per-channel pixel histograms; exact stats and quantiles of 8-bit values, reported in [0, 1].
public struct ImageStatsAccumulator: Sendable {
    var hist = [[Int]](repeating: [Int](repeating: 0, count: 256), count: 3)
    public var frames = 0
    public init() {}

    public mutating func add(rgb pixels: [UInt8]) {
        frames += 1
        pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i + 2 < p.count { hist[0][Int(p[i])] += 1; hist[1][Int(p[i + 1])] += 1; hist[2][Int(p[i + 2])] += 1; i += 3 }
        }
    }

    public var stats: FeatureStats {
        var mn: [Double] = [], mx: [Double] = [], mean: [Double] = [], std: [Double] = []
        var q: [String: [Double]] = [:]
        for h in hist {
            let n = h.reduce(0, +)
            guard n > 0 else { mn.append(0); mx.append(0); mean.append(0); std.append(0); continue }
            mn.append(Double(h.firstIndex { $0 > 0 } ?? 0) / 255)
            mx.append(Double(h.lastIndex { $0 > 0 } ?? 0) / 255)
            let m = h.enumerated().reduce(0.0) { $0 + Double($1.offset * $1.element) } / Double(n)
            let v = h.enumerated().reduce(0.0) { $0 + Double($1.element) * (Double($1.offset) - m) * (Double($1.offset) - m) } / Double(n)
            mean.append(m / 255); std.append(v.squareRoot() / 255)
            for (k, p) in FeatureStats.quantileKeys { q[k, default: []].append(Self.quantile(h, n, p) / 255) }
        }
        return FeatureStats(min: mn, max: mx, mean: mean, std: std, count: frames, quantiles: q)
    }

    /// Linear-interpolated quantile of the multiset a histogram describes.
    static func quantile(_ h: [Int], _ n: Int, _ p: Double) -> Double {
        let pos = p * Double(n - 1)
        func value(at k: Int) -> Double {
            var c = 0
            for (v, cnt) in h.enumerated() { c += cnt; if k < c { return Double(v) } }
            return 255
        }
        let lo = Int(pos.rounded(.down))
        let a = value(at: lo), b = value(at: Swift.min(lo + 1, n - 1))
        return a + (pos - Double(lo)) * (b - a)
    }
}
