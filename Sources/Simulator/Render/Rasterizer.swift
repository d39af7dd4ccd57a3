// Camera projection and triangle rasterisation for SoftwareRenderer.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a frame is drawn: RGB8 pixels and 1/depth per pixel, both row-major from the top-left corner.
struct RasterTarget {
    let rgb: UnsafeMutablePointer<UInt8>
    let depth: UnsafeMutablePointer<Double>
    let width: Int
    let height: Int
}

/// A pinhole camera in MuJoCo's convention (looks along local -z, +y up) set up for one frame.
struct CameraView {
    /// Rows of the world→camera rotation, i.e. the camera's local axes in world coordinates.
    let axisX: SIMD3<Double>, axisY: SIMD3<Double>, axisZ: SIMD3<Double>
    let position: SIMD3<Double>
    /// Focal length in pixels and the image centre.
    let focal: Double, centreX: Double, centreY: Double
    /// Outward normals of the four side planes of the view frustum, camera frame.
    let sidePlanes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
    let isValid: Bool

    init(camera: RenderCamera, width: Int, height: Int) {
        let m = camera.rotation.count == 9 ? camera.rotation : [1, 0, 0, 0, 1, 0, 0, 0, 1]
        axisX = SIMD3(m[0], m[3], m[6])
        axisY = SIMD3(m[1], m[4], m[7])
        axisZ = SIMD3(m[2], m[5], m[8])
        position = camera.position
        // A field of view outside (0, 180) degrees has no pinhole image; clamp rather than draw nonsense.
        let fovy = camera.fovy.isFinite ? min(max(camera.fovy, 1), 179) : 45
        centreX = Double(width) / 2
        centreY = Double(height) / 2
        focal = centreY / tan(fovy * Double.pi / 360)
        let tx = centreX / focal, ty = centreY / focal
        let sx = 1 / (1 + tx * tx).squareRoot(), sy = 1 / (1 + ty * ty).squareRoot()
        sidePlanes = (SIMD3(sx, 0, tx * sx), SIMD3(-sx, 0, tx * sx), SIMD3(0, sy, ty * sy), SIMD3(0, -sy, ty * sy))
        let all = axisX + axisY + axisZ + position
        isValid = (all * all).sum().isFinite
    }

    @inline(__always) func rotateIntoCamera(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((axisX * v).sum(), (axisY * v).sum(), (axisZ * v).sum())
    }

    @inline(__always) func pointIntoCamera(_ p: SIMD3<Double>) -> SIMD3<Double> {
        rotateIntoCamera(p - position)
    }

    /// Screen x (right), screen y (down), 1/depth; only meaningful for points in front of the camera (z < 0).
    @inline(__always) func project(_ v: SIMD3<Double>) -> SIMD3<Double> {
        let inverseDepth = -1 / v.z
        return SIMD3(centreX + focal * v.x * inverseDepth, centreY - focal * v.y * inverseDepth, inverseDepth)
    }

    /// False when a sphere (camera frame) lies wholly behind the near plane or outside a side of the frustum.
    func sphereMayBeVisible(centre c: SIMD3<Double>, radius r: Double, near: Double) -> Bool {
        if c.z - r >= -near { return false }
        if (sidePlanes.0 * c).sum() > r || (sidePlanes.1 * c).sum() > r { return false }
        if (sidePlanes.2 * c).sum() > r || (sidePlanes.3 * c).sum() > r { return false }
        return true
    }
}

/// Fills the pixels whose centres lie inside the screen triangle (x, y, 1/depth per corner) and are nearer than
/// what is drawn there, in `colour` (0...1) times the light factor of each corner: one exact colour when the
/// factors agree (flat faces), interpolated across the triangle otherwise (Gouraud, curved surfaces).
/// Shared edges follow the top-left rule so no pixel is drawn twice by neighbouring faces.
@inline(__always)
func rasterize(_ p0: SIMD3<Double>, _ p1: SIMD3<Double>, _ p2: SIMD3<Double>, light: SIMD3<Double>,
               colour: SIMD3<Double>, _ target: RasterTarget) {
    if light.x == light.y && light.y == light.z {
        let c = colour * light.x
        fill(p0, p1, p2, FlatShader(rgb: (byte(c.x), byte(c.y), byte(c.z))), target)
    } else {
        fill(p0, p1, p2, GouraudShader(colour: colour, light: light), target)
    }
}

/// Colour of a covered pixel from its barycentric weights (each in 0...1, summing to 1).
protocol PixelShader {
    /// Swaps the attributes of corners 1 and 2, when the rasteriser flips the winding.
    mutating func swapSecondAndThird()
    func rgb(_ wa: Double, _ wb: Double, _ wc: Double) -> (UInt8, UInt8, UInt8)
}

struct FlatShader: PixelShader {
    let rgb: (UInt8, UInt8, UInt8)
    @inline(__always) mutating func swapSecondAndThird() {}
    @inline(__always) func rgb(_ wa: Double, _ wb: Double, _ wc: Double) -> (UInt8, UInt8, UInt8) { rgb }
}

struct GouraudShader: PixelShader {
    let colour: SIMD3<Double>
    var light: SIMD3<Double>
    @inline(__always) mutating func swapSecondAndThird() { light = SIMD3(light.x, light.z, light.y) }
    @inline(__always) func rgb(_ wa: Double, _ wb: Double, _ wc: Double) -> (UInt8, UInt8, UInt8) {
        let c = colour * (wa * light.x + wb * light.y + wc * light.z)
        return (byte(c.x), byte(c.y), byte(c.z))
    }
}

@inline(__always)
private func fill<S: PixelShader>(_ p0: SIMD3<Double>, _ p1: SIMD3<Double>, _ p2: SIMD3<Double>, _ shaderIn: S,
                                  _ target: RasterTarget) {
    var a = p0, b = p1, c = p2
    var shader = shaderIn
    let all = a + b + c
    guard (all * all).sum().isFinite else { return }
    var area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    guard abs(area) > 1e-12 else { return }
    if area < 0 { swap(&b, &c); area = -area; shader.swapSecondAndThird() }

    // Pixel (i, j) has its centre at (i + 0.5, j + 0.5).
    let w = Double(target.width), h = Double(target.height)
    let minX = max(min(a.x, b.x, c.x) - 0.5, 0), maxX = min(max(a.x, b.x, c.x) - 0.5, w - 1)
    let minY = max(min(a.y, b.y, c.y) - 0.5, 0), maxY = min(max(a.y, b.y, c.y) - 0.5, h - 1)
    guard minX <= maxX, minY <= maxY else { return }
    let x0 = Int(minX.rounded(.up)), x1 = Int(maxX.rounded(.down))
    let y0 = Int(minY.rounded(.up)), y1 = Int(maxY.rounded(.down))
    guard x0 <= x1, y0 <= y1 else { return }

    // Edge function of edge (from, to) at p: (to.x - from.x) * (p.y - from.y) - (to.y - from.y) * (p.x - from.x),
    // positive inside. Written as A * px + B * py + C. The weight of a corner is the edge opposite it.
    let ea = Edge(from: b, to: c), eb = Edge(from: c, to: a), ec = Edge(from: a, to: b)
    let za = a.z / area, zb = b.z / area, zc = c.z / area
    let inverseArea = 1 / area
    let rgbPtr = target.rgb, depthPtr = target.depth
    let left = Double(x0), right = Double(x1)
    for y in y0...y1 {
        let py = Double(y) + 0.5
        let rowA = ea.b * py + ea.c, rowB = eb.b * py + eb.c, rowC = ec.b * py + ec.c
        // Narrow the row to the span where every edge function can be non-negative (a pixel of slack each side;
        // the exact test below decides), so big triangles do not pay for their whole bounding box.
        var lo = left, hi = right
        ea.narrow(rowA, &lo, &hi); eb.narrow(rowB, &lo, &hi); ec.narrow(rowC, &lo, &hi)
        guard lo <= hi else { continue }
        let xs = Int(lo), xe = Int(hi)
        var index = y * target.width + xs
        for x in xs...xe {
            let px = Double(x) + 0.5
            let wa = ea.a * px + rowA, wb = eb.a * px + rowB, wc = ec.a * px + rowC
            if ea.covers(wa) && eb.covers(wb) && ec.covers(wc) {
                let inverseDepth = wa * za + wb * zb + wc * zc
                if inverseDepth > depthPtr[index] {
                    depthPtr[index] = inverseDepth
                    let rgb = shader.rgb(wa * inverseArea, wb * inverseArea, wc * inverseArea)
                    let o = index * 3
                    rgbPtr[o] = rgb.0; rgbPtr[o + 1] = rgb.1; rgbPtr[o + 2] = rgb.2
                }
            }
            index += 1
        }
    }
}

private struct Edge {
    let a: Double, b: Double, c: Double
    /// Top or left edge (screen y points down): pixels exactly on it belong to this triangle.
    let ownsBoundary: Bool

    @inline(__always) init(from p: SIMD3<Double>, to q: SIMD3<Double>) {
        let dx = q.x - p.x, dy = q.y - p.y
        a = -dy
        b = dx
        c = dy * p.x - dx * p.y
        ownsBoundary = dy < 0 || (dy == 0 && dx > 0)
    }

    /// Shrinks [lo, hi] (pixel columns, kept within the bounding box) to the columns whose centres may satisfy
    /// `a * (x + 0.5) + row >= 0`, give or take one pixel.
    @inline(__always) func narrow(_ row: Double, _ lo: inout Double, _ hi: inout Double) {
        // Column x is a candidate when a * (x + 0.5) + row >= 0. Integer truncation stands in for floor/ceil
        // (a libm call per edge and row otherwise): each branch only sees t >= lo - 1 >= -1, where truncating
        // plus one pixel of slack is never tighter than the exact bound. NaN fails every comparison: no change.
        let t = -row / a - 0.5
        if a > 0 {
            // x >= t
            if t > hi + 1 { lo = hi + 1 } else if t > lo + 1 { lo = Double(Int(t)) - 1 }
        } else if a < 0 {
            // x <= t
            if t < lo - 1 { hi = lo - 1 } else if t < hi - 1 { hi = min(hi, Double(Int(t)) + 2) }
        } else if row < 0 {
            hi = lo - 1
        }
    }

    @inline(__always) func covers(_ value: Double) -> Bool {
        value > 0 || (value == 0 && ownsBoundary)
    }
}
