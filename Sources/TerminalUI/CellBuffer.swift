// Module TerminalUI: an in-memory grid of terminal cells that widgets draw into. Pure Swift, no terminal:
// the Console's ncurses backend diffs two CellBuffers and writes only what changed, and tests snapshot
// buffers as text.

/// A colour as a terminal cell carries it: the terminal default, a palette index, or 24-bit RGB.
/// Packed into one word so cells stay small and compare fast (a frame diff touches every cell).
public struct CellColor: Hashable, Sendable {
    public let raw: UInt32
    private init(raw: UInt32) { self.raw = raw }

    private static let tagDefault: UInt32 = 0, tagIndexed: UInt32 = 1 << 24, tagRGB: UInt32 = 2 << 24

    public static let `default` = CellColor(raw: tagDefault)
    public static func indexed(_ i: UInt8) -> CellColor { CellColor(raw: tagIndexed | UInt32(i)) }
    @inline(__always) public static func rgb(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> CellColor {
        CellColor(raw: tagRGB | UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
    }

    public var isDefault: Bool { raw == CellColor.tagDefault }
    /// The palette index, when this is an indexed colour.
    public var index: UInt8? { raw & 0xFF00_0000 == CellColor.tagIndexed ? UInt8(raw & 0xFF) : nil }
    /// The RGB components, when this is a direct colour.
    public var rgb: (UInt8, UInt8, UInt8)? {
        guard raw & 0xFF00_0000 == CellColor.tagRGB else { return nil }
        return (UInt8(raw >> 16 & 0xFF), UInt8(raw >> 8 & 0xFF), UInt8(raw & 0xFF))
    }
}

/// Text attributes, as a bit set.
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = CellAttributes(rawValue: 1)
    public static let dim = CellAttributes(rawValue: 2)
    public static let reverse = CellAttributes(rawValue: 4)
    public static let underline = CellAttributes(rawValue: 8)
}

/// Colours plus attributes: what a `Theme` resolves a semantic `Role` to.
public struct Style: Hashable, Sendable {
    public var fg: CellColor
    public var bg: CellColor
    public var attributes: CellAttributes
    public init(fg: CellColor = .default, bg: CellColor = .default, attributes: CellAttributes = []) {
        self.fg = fg; self.bg = bg; self.attributes = attributes
    }
    public static let plain = Style()
}

/// One terminal cell: a single-column Unicode scalar and its style.
public struct Cell: Hashable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: Style
    public init(_ scalar: Unicode.Scalar, _ style: Style = .plain) { self.scalar = scalar; self.style = style }
    public static let blank = Cell(" ")
}

/// A rectangle of cells; (x, y) is the top-left corner, columns to the right, rows down.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var description: String { "\(width)x\(height)@\(x),\(y)" }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

    /// Splits off `n` rows at the top (clamped); returns (top, rest).
    public func splitTop(_ n: Int) -> (Rect, Rect) {
        let h = min(max(n, 0), height)
        return (Rect(x: x, y: y, width: width, height: h), Rect(x: x, y: y + h, width: width, height: height - h))
    }
    /// Splits off `n` rows at the bottom (clamped); returns (rest, bottom).
    public func splitBottom(_ n: Int) -> (Rect, Rect) {
        let h = min(max(n, 0), height)
        return (Rect(x: x, y: y, width: width, height: height - h), Rect(x: x, y: maxY - h, width: width, height: h))
    }
    /// Splits off `n` columns at the right (clamped); returns (rest, right).
    public func splitRight(_ n: Int) -> (Rect, Rect) {
        let w = min(max(n, 0), width)
        return (Rect(x: x, y: y, width: width - w, height: height), Rect(x: maxX - w, y: y, width: w, height: height))
    }
    /// `n` equal columns (the last takes the remainder), separated by `gap` cells.
    public func columns(_ n: Int, gap: Int = 0) -> [Rect] {
        guard n > 0 else { return [] }
        let usable = width - gap * (n - 1)
        let w = usable / n
        return (0..<n).map { i in
            let cx = x + i * (w + gap)
            return Rect(x: cx, y: y, width: i == n - 1 ? maxX - cx : w, height: height)
        }
    }
}

/// The grid widgets draw into. Writes outside the buffer are clipped, never a crash.
public struct CellBuffer: Equatable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width); self.height = max(0, height)
        cells = [Cell](repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    @inline(__always) public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    @inline(__always) public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    @inline(__always) public mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        if contains(x: x, y: y) { cells[y * width + x] = cell }
    }

    /// Fills a rectangle (clipped) with one cell.
    public mutating func fill(_ r: Rect, with cell: Cell = .blank) {
        let x0 = max(r.x, 0), x1 = min(r.maxX, width), y0 = max(r.y, 0), y1 = min(r.maxY, height)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { cells[yy * width + xx] = cell } }
    }

    /// Writes text starting at (x, y), clipped to `maxWidth` columns and the buffer. Control characters and
    /// characters that are not one column wide become `?` so the grid never shifts. Returns columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        let limit = maxWidth ?? (width - x)
        var col = 0
        for s in text.unicodeScalars {
            if col >= limit { break }
            set(x + col, y, Cell(CellBuffer.displayable(s), style))
            col += 1
        }
        return col
    }

    /// The scalar itself when it occupies exactly one column in every terminal we target, else `?`.
    public static func displayable(_ s: Unicode.Scalar) -> Unicode.Scalar {
        let v = s.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return "?" }
        if v < 0x300 { return s }
        // Box drawing, block elements, geometric shapes, braille, arrows, general punctuation: single width.
        if (0x2010...0x2027).contains(v) || (0x2190...0x21FF).contains(v) || (0x2500...0x25FF).contains(v)
            || (0x2800...0x28FF).contains(v) || (0x2020...0x2030).contains(v) { return s }
        return "?"
    }

    /// The characters only, one line per row, trailing spaces kept (snapshots compare exact grids).
    public var text: String {
        var out = ""
        out.reserveCapacity((width + 1) * height)
        for yy in 0..<height {
            for xx in 0..<width { out.unicodeScalars.append(cells[yy * width + xx].scalar) }
            out.append("\n")
        }
        return out
    }
}
