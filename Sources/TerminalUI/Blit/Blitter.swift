// Image → cells. Three ways to draw a camera frame in a terminal:
//   blocks  — "▀" with the top pixel as foreground and the bottom pixel as background: 1x2 pixels per cell;
//   braille — U+2800 dot patterns, 2x4 dots per cell, foreground = mean of lit dots, background = the rest;
//   ascii   — a luminance ramp, one sample per cell, for monochrome or dumb terminals.
// Each first area-averages the frame to its sub-cell grid (AreaResampler), so all three see the same pixels.
import RobotKit

public enum BlitMode: String, CaseIterable, Sendable {
    case blocks, braille, ascii

    /// Sub-cell samples per cell (columns, rows).
    public var samplesPerCell: (x: Int, y: Int) {
        switch self {
        case .blocks: (1, 2)
        case .braille: (2, 4)
        case .ascii: (1, 1)
        }
    }
}

/// How the terminal can show colours.
public enum ColorDepth: String, Sendable, CaseIterable {
    case truecolor, palette256, palette16, mono

    /// A blitted RGB colour as this depth can show it.
    @inline(__always) public func cellColor(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> CellColor {
        switch self {
        case .truecolor: .rgb(r, g, b)
        case .palette256: .indexed(Palette256.nearest(r, g, b))
        case .palette16: .indexed(Palette256.nearest(r, g, b, among: 16))
        case .mono: .default
        }
    }
}

/// Draws frames into cell rectangles. One per thumbnail keeps each resampler's cached taps warm.
public final class Blitter: @unchecked Sendable {
    // @unchecked: owned and used by one renderer at a time (the console's render loop or a benchmark).
    public var mode: BlitMode
    public var depth: ColorDepth
    private let resampler = AreaResampler()

    /// The ASCII ramp from dark to light.
    public static let asciiRamp: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    public init(mode: BlitMode, depth: ColorDepth) { self.mode = mode; self.depth = depth }

    /// Draws `frame` fitted (aspect kept) and centred in `area`; the rest of `area` is cleared.
    /// Returns the rectangle the image occupies.
    @discardableResult
    public func draw(_ frame: Frame, into buffer: inout CellBuffer, area: Rect, clear: Style = .plain) -> Rect {
        buffer.fill(area, with: Cell(" ", clear))
        let r = fitImage(imageWidth: frame.width, imageHeight: frame.height, in: area)
        guard !r.isEmpty else { return r }
        let (sx, sy) = mode.samplesPerCell
        let grid = resampler.resample(frame, width: r.width * sx, height: r.height * sy)
        draw(grid: grid, into: &buffer, at: r)
        return r
    }

    /// Draws an already-resampled grid (`r.width*sx` x `r.height*sy`) into `r`.
    public func draw(grid: RGBGrid, into buffer: inout CellBuffer, at r: Rect) {
        switch mode {
        case .blocks: drawBlocks(grid, &buffer, r)
        case .braille: drawBraille(grid, &buffer, r)
        case .ascii: drawASCII(grid, &buffer, r)
        }
    }

    private func drawBlocks(_ g: RGBGrid, _ buf: inout CellBuffer, _ r: Rect) {
        let depth = self.depth
        if depth == .mono {       // no colour: fall back to the luminance ramp of the two halves
            for cy in 0..<r.height { for cx in 0..<r.width {
                let (r0, g0, b0) = g.rgb(cx, cy * 2), (r1, g1, b1) = g.rgb(cx, cy * 2 + 1)
                let l = (luminance(r0, g0, b0) + luminance(r1, g1, b1)) / 2
                buf.set(r.x + cx, r.y + cy, Cell(Blitter.asciiRamp[l * Blitter.asciiRamp.count / 256]))
            } }
            return
        }
        for cy in 0..<r.height {
            for cx in 0..<r.width {
                let (r0, g0, b0) = g.rgb(cx, cy * 2), (r1, g1, b1) = g.rgb(cx, cy * 2 + 1)
                buf.set(r.x + cx, r.y + cy, Cell("▀", Style(fg: depth.cellColor(r0, g0, b0), bg: depth.cellColor(r1, g1, b1))))
            }
        }
    }

    private func drawASCII(_ g: RGBGrid, _ buf: inout CellBuffer, _ r: Rect) {
        let ramp = Blitter.asciiRamp
        for cy in 0..<r.height {
            for cx in 0..<r.width {
                let (cr, cg, cb) = g.rgb(cx, cy)
                let ch = ramp[luminance(cr, cg, cb) * ramp.count / 256]
                let style = depth == .mono ? Style.plain : Style(fg: depth.cellColor(cr, cg, cb))
                buf.set(r.x + cx, r.y + cy, Cell(ch, style))
            }
        }
    }

    /// Dot bit for sub-position (column 0...1, row 0...3) in a braille cell (Unicode's dot numbering).
    static let brailleBits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    private func drawBraille(_ g: RGBGrid, _ buf: inout CellBuffer, _ r: Rect) {
        // Mono: a dot is lit where the sample is brighter than the image mean. Colour: brighter than the cell
        // mean, with the lit and unlit dots' mean colours as foreground and background (two-colour 2x4 cell).
        var globalMean = 0
        if depth == .mono {
            var s = 0
            for y in 0..<g.height { for x in 0..<g.width { let (a, b, c) = g.rgb(x, y); s += luminance(a, b, c) } }
            globalMean = s / max(1, g.width * g.height)
        }
        for cy in 0..<r.height {
            for cx in 0..<r.width {
                var sum = 0
                for i in 0..<8 {
                    let (a, b, c) = g.rgb(cx * 2 + i / 4, cy * 4 + i % 4)
                    sum += luminance(a, b, c)
                }
                let threshold = depth == .mono ? globalMean : (sum + 4) / 8
                var bits: UInt32 = 0
                var on = (0, 0, 0, 0), off = (0, 0, 0, 0)
                for i in 0..<8 {
                    let col = i / 4, row = i % 4
                    let (a, b, c) = g.rgb(cx * 2 + col, cy * 4 + row)
                    if luminance(a, b, c) > threshold {
                        bits |= Blitter.brailleBits[col][row]
                        on = (on.0 + Int(a), on.1 + Int(b), on.2 + Int(c), on.3 + 1)
                    } else {
                        off = (off.0 + Int(a), off.1 + Int(b), off.2 + Int(c), off.3 + 1)
                    }
                }
                let ch = Unicode.Scalar(0x2800 + bits) ?? " "
                var style = Style.plain
                if depth != .mono {
                    if on.3 > 0 { style.fg = depth.cellColor(UInt8(on.0 / on.3), UInt8(on.1 / on.3), UInt8(on.2 / on.3)) }
                    if off.3 > 0 { style.bg = depth.cellColor(UInt8(off.0 / off.3), UInt8(off.1 / off.3), UInt8(off.2 / off.3)) }
                }
                buf.set(r.x + cx, r.y + cy, Cell(ch, style))
            }
        }
    }
}
