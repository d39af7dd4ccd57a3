// Measuring a blitter: turn cells back into pixels on their sub-cell grid and compare with the reference
// (the source area-averaged to the same grid). Used by `vlaterm bench blit` for us and for chafa alike.

/// Pixels of a half-block cell grid (`cols` x `2*rows`). `cells` are (codepoint, fg RGB, bg RGB) row-major;
/// ▀ ▄ █ and space are understood; other symbols count as their background.
public func rasterizeHalfBlocks(_ cells: [(UInt32, (UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8))],
                                cols: Int, rows: Int) -> RGBGrid {
    var px = [UInt8](repeating: 0, count: cols * rows * 2 * 3)
    for (i, c) in cells.prefix(cols * rows).enumerated() {
        let x = i % cols, y = i / cols
        let (top, bottom): ((UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8))
        switch c.0 {
        case 0x2580: (top, bottom) = (c.1, c.2)       // ▀
        case 0x2584: (top, bottom) = (c.2, c.1)       // ▄
        case 0x2588: (top, bottom) = (c.1, c.1)       // █
        default: (top, bottom) = (c.2, c.2)
        }
        for (row, col) in [(2 * y, top), (2 * y + 1, bottom)] {
            let o = (row * cols + x) * 3
            px[o] = col.0; px[o + 1] = col.1; px[o + 2] = col.2
        }
    }
    return RGBGrid(width: cols, height: rows * 2, pixels: px)
}

/// The cells of a CellBuffer region as (codepoint, fg, bg), colours resolved through the 256 palette when
/// indexed; default colours count as black.
public func cellColors(_ buf: CellBuffer, _ r: Rect) -> [(UInt32, (UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8))] {
    func rgb(_ c: CellColor) -> (UInt8, UInt8, UInt8) {
        if let v = c.rgb { return v }
        if let i = c.index { return Palette256.rgb(i) }
        return (0, 0, 0)
    }
    var out: [(UInt32, (UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8))] = []
    for y in r.y..<r.maxY { for x in r.x..<r.maxX {
        let c = buf[x, y]
        out.append((c.scalar.value, rgb(c.style.fg), rgb(c.style.bg)))
    } }
    return out
}

/// Peak signal-to-noise ratio in dB over all channels; +infinity when identical, nil when sizes differ.
public func psnr(_ a: RGBGrid, _ b: RGBGrid) -> Double? {
    guard a.width == b.width, a.height == b.height, a.pixels.count == b.pixels.count, !a.pixels.isEmpty else { return nil }
    var se = 0.0
    for i in 0..<a.pixels.count { let d = Double(a.pixels[i]) - Double(b.pixels[i]); se += d * d }
    let mse = se / Double(a.pixels.count)
    if mse == 0 { return .infinity }
    return 10 * log10(255 * 255 / mse)
}

private func log10(_ x: Double) -> Double {
    // ln(x)/ln(10) without Foundation: TerminalUI stays free of platform imports.
    var y = x, e = 0.0
    while y > 10 { y /= 10; e += 1 }
    while y < 1 { y *= 10; e -= 1 }
    // ln(y) for y in [1, 10) via atanh series on (y-1)/(y+1).
    let t = (y - 1) / (y + 1), t2 = t * t
    var term = t, sum = 0.0, k = 1.0
    for _ in 0..<40 { sum += term / k; term *= t2; k += 2 }
    return e + 2 * sum / 2.302585092994046
}
