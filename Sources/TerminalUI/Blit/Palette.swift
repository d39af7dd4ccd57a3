// The xterm 256-colour palette and nearest-colour lookup for terminals without truecolor.

public enum Palette256 {
    /// Channel levels of the 6x6x6 colour cube (indices 16...231).
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]
    /// xterm's default system colours (indices 0...15).
    static let systemColors: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
        (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
        (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The RGB of a palette index, as xterm defines it.
    public static func rgb(_ index: UInt8) -> (UInt8, UInt8, UInt8) {
        let i = Int(index)
        if i < 16 { return systemColors[i] }
        if i < 232 {
            let c = i - 16
            return (UInt8(cubeLevels[c / 36]), UInt8(cubeLevels[c / 6 % 6]), UInt8(cubeLevels[c % 6]))
        }
        let g = UInt8(8 + (i - 232) * 10)
        return (g, g, g)
    }

    /// Nearest of indices 16...255 (cube and grey ramp; the system colours vary between terminals) by squared
    /// RGB distance, computed exactly. Use `nearest` for speed.
    public static func nearestExact(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        var best = 16, bestD = Int.max
        for i in 16...255 {
            let (pr, pg, pb) = rgb(UInt8(i))
            let dr = Int(r) - Int(pr), dg = Int(g) - Int(pg), db = Int(b) - Int(pb)
            let d = dr * dr + dg * dg + db * db
            if d < bestD { bestD = d; best = i }
        }
        return UInt8(best)
    }

    /// Nearest cube level index (0...5) for one channel; the cube is separable, so per-channel is exact.
    @inline(__always) static func cubeIndex(_ v: UInt8) -> Int {
        // Midpoints between levels 0, 95, 135, 175, 215, 255.
        let x = Int(v)
        return x < 48 ? 0 : x < 115 ? 1 : x < 155 ? 2 : x < 195 ? 3 : x < 235 ? 4 : 5
    }

    /// Exact nearest of indices 16...255 in O(1): the best cube entry vs the best grey-ramp entry.
    @inline(__always) public static func nearest(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let ri = cubeIndex(r), gi = cubeIndex(g), bi = cubeIndex(b)
        let cr = cubeLevels[ri], cg = cubeLevels[gi], cb = cubeLevels[bi]
        let dr = Int(r) - cr, dg = Int(g) - cg, db = Int(b) - cb
        let cubeD = dr * dr + dg * dg + db * db
        // Grey ramp: 8 + 10k, k in 0...23; nearest to the channel mean, then checked by true distance.
        let mean = (Int(r) + Int(g) + Int(b)) / 3
        let k = min(max((mean - 8 + 5) / 10, 0), 23)
        var bestGrey = k, bestGreyD = Int.max
        for kk in max(0, k - 1)...min(23, k + 1) {
            let v = 8 + 10 * kk
            let d = (Int(r) - v) * (Int(r) - v) + (Int(g) - v) * (Int(g) - v) + (Int(b) - v) * (Int(b) - v)
            if d < bestGreyD { bestGreyD = d; bestGrey = kk }
        }
        return bestGreyD < cubeD ? UInt8(232 + bestGrey) : UInt8(16 + ri * 36 + gi * 6 + bi)
    }

    /// Nearest among the first `count` palette entries (8 or 16 colour terminals), exact search.
    public static func nearest(_ r: UInt8, _ g: UInt8, _ b: UInt8, among count: Int) -> UInt8 {
        if count >= 256 { return nearest(r, g, b) }
        var best = 0, bestD = Int.max
        for i in 0..<max(1, min(count, 256)) {
            let (pr, pg, pb) = rgb(UInt8(i))
            let dr = Int(r) - Int(pr), dg = Int(g) - Int(pg), db = Int(b) - Int(pb)
            let d = dr * dr + dg * dg + db * db
            if d < bestD { bestD = d; best = i }
        }
        return UInt8(best)
    }
}

/// Luminance 0...255 of an sRGB byte triple (Rec. 709 weights on the encoded values; good enough for ramps).
@inline(__always) public func luminance(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
    (Int(r) * 54 + Int(g) * 183 + Int(b) * 19) >> 8
}
