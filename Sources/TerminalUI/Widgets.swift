// Small drawing primitives every panel uses: boxes with titles, styled spans, horizontal bars.

/// A run of text with one role; a line is a list of spans.
public struct Span: Sendable, Equatable {
    public var text: String
    public var role: Role
    public init(_ text: String, _ role: Role = .text) { self.text = text; self.role = role }
}

extension CellBuffer {
    /// Draws a border around `r` with an optional title in the top edge; returns the inner rectangle.
    @discardableResult
    public mutating func box(_ r: Rect, title: String? = nil, theme: Theme, role: Role = .border) -> Rect {
        guard r.width >= 2, r.height >= 2 else { return Rect(x: r.x, y: r.y, width: 0, height: 0) }
        let g = theme.glyphs, s = theme[role]
        for xx in (r.x + 1)..<(r.maxX - 1) {
            set(xx, r.y, Cell(g.horizontal, s)); set(xx, r.maxY - 1, Cell(g.horizontal, s))
        }
        for yy in (r.y + 1)..<(r.maxY - 1) {
            set(r.x, yy, Cell(g.vertical, s)); set(r.maxX - 1, yy, Cell(g.vertical, s))
        }
        set(r.x, r.y, Cell(g.topLeft, s)); set(r.maxX - 1, r.y, Cell(g.topRight, s))
        set(r.x, r.maxY - 1, Cell(g.bottomLeft, s)); set(r.maxX - 1, r.maxY - 1, Cell(g.bottomRight, s))
        if let title, r.width > 4 {
            put(" \(title) ", x: r.x + 1, y: r.y, style: theme[.title], maxWidth: r.width - 2)
        }
        return r.inset(1)
    }

    /// Draws spans left to right on one row, clipped to `maxWidth`; returns columns written.
    @discardableResult
    public mutating func put(_ spans: [Span], x: Int, y: Int, maxWidth: Int, theme: Theme) -> Int {
        var col = 0
        for span in spans where col < maxWidth {
            col += put(span.text, x: x + col, y: y, style: theme[span.role], maxWidth: maxWidth - col)
        }
        return col
    }

    /// A horizontal bar `width` cells wide showing `fraction` (0...1) filled.
    public mutating func bar(x: Int, y: Int, width: Int, fraction: Double, theme: Theme, fill: Role = .barFill) {
        guard width > 0 else { return }
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let n = Int((f * Double(width)).rounded())
        for i in 0..<width {
            set(x + i, y, i < n ? Cell(theme.glyphs.barFull, theme[fill]) : Cell(theme.glyphs.barEmpty, theme[.barEmpty]))
        }
    }
}

/// Formats a number with a sign and fixed decimals, e.g. `+0.412`; non-finite values print as `nan`.
public func signed(_ v: Double, _ decimals: Int = 3) -> String {
    guard v.isFinite else { return "nan" }
    let scale = pow10(decimals)
    let r = (abs(v) * scale).rounded() / scale
    let sign = v < 0 && r != 0 ? "-" : "+"
    var digits = String(Int(r))
    if decimals > 0 {
        let frac = Int(((r - Double(Int(r))) * scale).rounded())
        var f = String(frac)
        while f.count < decimals { f = "0" + f }
        digits += "." + f
    }
    return sign + digits
}

/// Fixed decimals without a sign for non-negative quantities, e.g. `29.8`.
public func fixed(_ v: Double, _ decimals: Int = 1) -> String {
    guard v.isFinite else { return "nan" }
    let s = signed(v, decimals)
    return s.hasPrefix("+") ? String(s.dropFirst()) : s
}

private func pow10(_ n: Int) -> Double { var p = 1.0; for _ in 0..<max(0, n) { p *= 10 }; return p }

/// Pads or truncates to exactly `n` columns.
public func padded(_ s: String, _ n: Int) -> String {
    let c = s.unicodeScalars.count
    if c >= n { return String(String.UnicodeScalarView(s.unicodeScalars.prefix(n))) }
    return s + String(repeating: " ", count: n - c)
}
