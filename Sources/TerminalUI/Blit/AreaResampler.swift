// Area-averaged resampling: every output pixel is the exact coverage-weighted mean of the source pixels
// under it (a box filter with fractional edges). This is what makes a 96x72 camera shrunk to 30x11 cells
// look like the scene and not like aliased noise; it is also the reference the benchmark compares against.
import RobotKit

/// Precomputed 1-D coverage weights for `src` → `dst` samples.
struct AreaTaps: Sendable {
    var start: [Int32] = []     // first source index per output sample
    var count: [Int32] = []     // number of source samples per output sample
    var offset: [Int32] = []    // into `weights`
    var weights: [Float] = []   // sum to 1 per output sample

    init(src: Int, dst: Int) {
        let scale = Double(src) / Double(dst)
        for d in 0..<dst {
            let lo = Double(d) * scale, hi = Double(d + 1) * scale
            let first = min(Int(lo), src - 1), last = max(first, min(Int((hi - 1e-9).rounded(.up)) - 1, src - 1))
            start.append(Int32(first)); count.append(Int32(last - first + 1)); offset.append(Int32(weights.count))
            var ws: [Double] = []
            for i in first...last {
                let overlap = min(hi, Double(i + 1)) - max(lo, Double(i))
                ws.append(max(overlap, 0))
            }
            let total = ws.reduce(0, +)
            for w in ws { weights.append(Float(total > 0 ? w / total : 1 / Double(ws.count))) }
        }
    }
}

/// An RGB8 image on the cell-derived grid (e.g. cols x 2*rows for half blocks).
public struct RGBGrid: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]
    public init(width: Int, height: Int, pixels: [UInt8]) { self.width = width; self.height = height; self.pixels = pixels }

    @inline(__always) public func rgb(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}

/// Reusable area resampler; caches its tap tables for the last size pair (thumbnails rarely change size).
public final class AreaResampler: @unchecked Sendable {
    // @unchecked: the caches are mutated only inside `resample`, and each resampler is owned by one renderer.
    private var key = (sw: 0, sh: 0, dw: 0, dh: 0)
    private var xt = AreaTaps(src: 1, dst: 1), yt = AreaTaps(src: 1, dst: 1)
    private var rowAcc: [Float] = []

    public init() {}

    /// Area-averages `frame` down (or up) to `width` x `height`.
    public func resample(_ frame: Frame, width: Int, height: Int) -> RGBGrid {
        guard width > 0, height > 0, frame.width > 0, frame.height > 0 else {
            return RGBGrid(width: max(width, 0), height: max(height, 0),
                           pixels: [UInt8](repeating: 0, count: max(width, 0) * max(height, 0) * 3))
        }
        if key != (frame.width, frame.height, width, height) {
            xt = AreaTaps(src: frame.width, dst: width); yt = AreaTaps(src: frame.height, dst: height)
            key = (frame.width, frame.height, width, height)
        }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        if rowAcc.count < width * 3 { rowAcc = [Float](repeating: 0, count: width * 3) }
        let sw = frame.width
        frame.pixels.withUnsafeBufferPointer { src in
            xt.weights.withUnsafeBufferPointer { xw in
                rowAcc.withUnsafeMutableBufferPointer { acc in
                    for dy in 0..<height {
                        for i in 0..<(width * 3) { acc[i] = 0 }
                        let y0 = Int(yt.start[dy]), yn = Int(yt.count[dy]), yo = Int(yt.offset[dy])
                        for k in 0..<yn {
                            let wy = yt.weights[yo + k]
                            let rowBase = (y0 + k) * sw * 3
                            for dx in 0..<width {
                                let x0 = Int(xt.start[dx]), xn = Int(xt.count[dx]), xo = Int(xt.offset[dx])
                                var r: Float = 0, g: Float = 0, b: Float = 0
                                var p = rowBase + x0 * 3
                                for j in 0..<xn {
                                    let w = xw[xo + j]
                                    r += w * Float(src[p]); g += w * Float(src[p + 1]); b += w * Float(src[p + 2])
                                    p += 3
                                }
                                acc[dx * 3] += wy * r; acc[dx * 3 + 1] += wy * g; acc[dx * 3 + 2] += wy * b
                            }
                        }
                        let ob = dy * width * 3
                        for i in 0..<(width * 3) { out[ob + i] = UInt8(min(max(acc[i] + 0.5, 0), 255)) }
                    }
                }
            }
        }
        return RGBGrid(width: width, height: height, pixels: out)
    }
}

/// Where an image of `imageWidth` x `imageHeight` pixels goes inside `area` so it keeps its aspect, given that
/// a cell is about twice as tall as wide. Returns the cell rectangle, centred in `area`.
public func fitImage(imageWidth: Int, imageHeight: Int, in area: Rect, cellAspect: Double = 2.0) -> Rect {
    guard imageWidth > 0, imageHeight > 0, !area.isEmpty else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
    let imageAspect = Double(imageWidth) / Double(imageHeight)          // width / height in pixels
    // Cells needed: cols / (rows * cellAspect) == imageAspect.
    var rows = area.height
    var cols = Int((Double(rows) * cellAspect * imageAspect).rounded())
    if cols > area.width {
        cols = area.width
        rows = max(1, min(area.height, Int((Double(cols) / (cellAspect * imageAspect)).rounded())))
    }
    cols = max(1, cols)
    return Rect(x: area.x + (area.width - cols) / 2, y: area.y + (area.height - rows) / 2, width: cols, height: rows)
}
