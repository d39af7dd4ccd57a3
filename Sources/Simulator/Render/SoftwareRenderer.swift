// The CPU renderer for the simulator's cameras (Debian's MuJoCo has no OpenGL): z-buffered shaded triangles.
//
// Pipeline per frame: for each geom, cull its bounding sphere against the view frustum, pick the shape's
// precomputed unit mesh (coarse when it projects small), transform it straight into camera space, drop back
// faces, light with Lambert + ambient (per face for flat shapes, per vertex for round ones), clip against the
// near plane, project, and rasterise with edge functions into an RGB8 frame and a depth buffer holding 1/depth
// (linear in screen space, so interpolating it is perspective-correct).
// Everything runs on the caller's thread over buffers allocated once in `init`: same input, same bytes out.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RobotKit

/// A renderer that cannot be built as asked.
public enum RenderError: Error, Equatable, CustomStringConvertible {
    case badResolution(width: Int, height: Int)

    public var description: String {
        switch self {
        case let .badResolution(w, h):
            return "camera resolution \(w)x\(h) is not supported: width must be 1...\(SoftwareRenderer.maxWidth) "
                + "and height 1...\(SoftwareRenderer.maxHeight) (default 96x72); pick a size within that range"
        }
    }
}

public final class SoftwareRenderer {
    public static let maxWidth = 320
    public static let maxHeight = 240
    public static let defaultWidth = 96
    public static let defaultHeight = 72

    public let width: Int
    public let height: Int
    /// Colour where no geom is drawn (linear RGB 0...1): a pale sky.
    public var background: SIMD3<Double> = SIMD3(0.70, 0.78, 0.86)
    /// Near clipping distance in metres; geometry closer to the camera than this is cut away.
    public var near: Double = 0.01
    /// Triangles that reached the rasteriser in the last frame (after culling and clipping); for benchmarks.
    public private(set) var lastTriangleCount = 0

    /// Inverse depth (1 / metres in front of the camera) per pixel; 0 means nothing drawn yet.
    private let depth: UnsafeMutablePointer<Double>
    /// A geom's vertices in camera space, then their projections (screen x, screen y, 1/depth).
    private let cameraSpace: UnsafeMutablePointer<SIMD3<Double>>
    private let projected: UnsafeMutablePointer<SIMD3<Double>>
    /// Lambert + ambient light factor per vertex of a smooth mesh.
    private let shades: UnsafeMutablePointer<Double>
    private let vertexCapacity: Int
    /// Scratch polygon for near-plane clipping (a triangle cut by one plane has at most 4 corners):
    /// camera-space x, y, z and the light factor.
    private let clipped: UnsafeMutablePointer<SIMD4<Double>>

    /// Throws `RenderError.badResolution` unless width is 1...320 and height 1...240.
    public static func validate(width: Int, height: Int) throws {
        guard (1...maxWidth).contains(width), (1...maxHeight).contains(height) else {
            throw RenderError.badResolution(width: width, height: height)
        }
    }

    public init(width: Int, height: Int) throws {
        try Self.validate(width: width, height: height)
        self.width = width
        self.height = height
        depth = .allocate(capacity: width * height)
        depth.initialize(repeating: 0, count: width * height)
        vertexCapacity = UnitMeshes.all.map(\.positions.count).max() ?? 0
        cameraSpace = .allocate(capacity: vertexCapacity)
        cameraSpace.initialize(repeating: .zero, count: vertexCapacity)
        projected = .allocate(capacity: vertexCapacity)
        projected.initialize(repeating: .zero, count: vertexCapacity)
        shades = .allocate(capacity: vertexCapacity)
        shades.initialize(repeating: 0, count: vertexCapacity)
        clipped = .allocate(capacity: 8)
        clipped.initialize(repeating: .zero, count: 8)
    }

    deinit {
        depth.deallocate()
        cameraSpace.deallocate()
        projected.deallocate()
        shades.deallocate()
        clipped.deallocate()
    }

    /// Draws `geoms` as seen by `camera` into a new frame of this renderer's size.
    public func render(geoms: [RenderGeom], camera: RenderCamera, light: RenderLight = RenderLight()) -> Frame {
        var frame = Frame(width: width, height: height)
        render(geoms: geoms, camera: camera, light: light, into: &frame)
        return frame
    }

    /// Draws into `frame`, reusing its pixel storage when it already has this renderer's size and no other owner
    /// (the control loop's way to render without allocating).
    public func render(geoms: [RenderGeom], camera: RenderCamera, light: RenderLight = RenderLight(),
                       into frame: inout Frame) {
        if frame.width != width || frame.height != height || frame.pixels.count != width * height * 3 {
            frame = Frame(width: width, height: height)
        }
        let view = CameraView(camera: camera, width: width, height: height)
        let toLight = view.rotateIntoCamera(normalizedOrZero(-light.direction))
        let bg = (byte(background.x), byte(background.y), byte(background.z))
        depth.update(repeating: 0, count: width * height)
        lastTriangleCount = 0
        frame.pixels.withUnsafeMutableBufferPointer { px in
            guard let rgb = px.baseAddress else { return }
            var i = 0
            while i < width * height * 3 {
                rgb[i] = bg.0; rgb[i + 1] = bg.1; rgb[i + 2] = bg.2
                i += 3
            }
            let target = RasterTarget(rgb: rgb, depth: depth, width: width, height: height)
            guard view.isValid else { return }
            for geom in geoms {
                draw(geom, view: view, toLight: toLight, light: light, target: target)
            }
        }
    }

    private func draw(_ geom: RenderGeom, view: CameraView, toLight: SIMD3<Double>, light: RenderLight,
                      target: RasterTarget) {
        guard geom.rgba.w > 0, geom.rotation.count == 9 else { return }   // MuJoCo's invisible geoms have alpha 0
        var (mesh, scale, offsetScale) = Self.meshAndScale(geom.shape, coarse: false)
        // Zero, negative or non-finite sizes: nothing sensible to draw (and normals would divide by zero).
        guard scale.x > 0, scale.y > 0, scale.z > 0, (scale * scale).sum().isFinite, offsetScale.isFinite else { return }
        // Geom frame → camera frame: rotation columns, then per-axis scale folded in.
        let r = geom.rotation
        let gx = view.rotateIntoCamera(SIMD3(r[0], r[3], r[6]))
        let gy = view.rotateIntoCamera(SIMD3(r[1], r[4], r[7]))
        let gz = view.rotateIntoCamera(SIMD3(r[2], r[5], r[8]))
        let origin = view.pointIntoCamera(geom.position)
        guard (origin * origin).sum().isFinite, ((gx + gy + gz) * (gx + gy + gz)).sum().isFinite else { return }
        let largestScale = max(abs(scale.x), abs(scale.y), abs(scale.z))
        let radius = mesh.boundingRadius * largestScale + abs(offsetScale)
        guard view.sphereMayBeVisible(centre: origin, radius: radius, near: near) else { return }
        // A round shape only a few pixels across gets the coarse mesh (same look, a quarter of the triangles).
        if let round = Self.roundRadius(geom.shape), view.focal * round < Self.coarseBelowPixels * (near - origin.z) {
            (mesh, scale, offsetScale) = Self.meshAndScale(geom.shape, coarse: true)
        }

        let cx = gx * scale.x, cy = gy * scale.y, cz = gz * scale.z, oz = gz * offsetScale
        let colour = SIMD3(min(max(geom.rgba.x, 0), 1), min(max(geom.rgba.y, 0), 1), min(max(geom.rgba.z, 0), 1))
        mesh.positions.withUnsafeBufferPointer { pos in
            mesh.offsets.withUnsafeBufferPointer { off in
                for k in 0..<pos.count {
                    let p = pos[k]
                    let v = origin + cx * p.x + cy * p.y + cz * p.z + oz * off[k]
                    cameraSpace[k] = v
                    projected[k] = view.project(v)
                }
            }
        }
        if mesh.isSmooth {
            // Normals stretch inversely to the geometry: divide by the scale before rotating into the camera frame.
            let nx = gx / scale.x, ny = gy / scale.y, nz = gz / scale.z
            mesh.normals.withUnsafeBufferPointer { normals in
                for k in 0..<normals.count {
                    let n = normals[k]
                    let v = nx * n.x + ny * n.y + nz * n.z
                    let length = (v * v).sum().squareRoot()
                    let lambert = length > 0 ? max(0, (v * toLight).sum() / length) : 0
                    shades[k] = light.ambient + light.diffuse * lambert
                }
            }
        }
        mesh.triangles.withUnsafeBufferPointer { tri in
            var t = 0
            while t + 2 < tri.count {
                let i0 = Int(tri[t]), i1 = Int(tri[t + 1]), i2 = Int(tri[t + 2])
                t += 3
                let v0 = cameraSpace[i0], v1 = cameraSpace[i1], v2 = cameraSpace[i2]
                let n = cross(v1 - v0, v2 - v0)
                // Back face: the outward normal points away from the camera at the origin.
                guard (n * v0).sum() < 0 else { continue }
                let length = (n * n).sum().squareRoot()
                guard length > 0 else { continue }
                let lit: SIMD3<Double>
                if mesh.isSmooth {
                    lit = SIMD3(shades[i0], shades[i1], shades[i2])
                } else {
                    let lambert = max(0, (n * toLight).sum() / length)
                    lit = SIMD3(repeating: light.ambient + light.diffuse * lambert)
                }
                let zLimit = -near
                if v0.z < zLimit && v1.z < zLimit && v2.z < zLimit {
                    lastTriangleCount += 1
                    rasterize(projected[i0], projected[i1], projected[i2], light: lit, colour: colour, target)
                } else if v0.z < zLimit || v1.z < zLimit || v2.z < zLimit {
                    clipAndRasterize(SIMD4(v0, lit.x), SIMD4(v1, lit.y), SIMD4(v2, lit.z), colour: colour,
                                     view: view, target: target)
                }
            }
        }
    }

    /// Cuts a triangle (camera-space corners with their light factor in w) to the part in front of the near
    /// plane (Sutherland–Hodgman, one plane) and draws it as a fan.
    private func clipAndRasterize(_ v0: SIMD4<Double>, _ v1: SIMD4<Double>, _ v2: SIMD4<Double>,
                                  colour: SIMD3<Double>, view: CameraView, target: RasterTarget) {
        let zLimit = -near
        var count = 0
        for k in 0..<3 {
            // Edges v0→v1, v1→v2, v2→v0, without building an array on this hot path.
            let a = k == 0 ? v0 : (k == 1 ? v1 : v2)
            let b = k == 0 ? v1 : (k == 1 ? v2 : v0)
            let aIn = a.z < zLimit, bIn = b.z < zLimit
            if aIn { clipped[count] = a; count += 1 }
            if aIn != bIn {
                let s = (zLimit - a.z) / (b.z - a.z)
                var p = a + (b - a) * s
                p.z = zLimit
                clipped[count] = p; count += 1
            }
        }
        guard count >= 3 else { return }
        let first = clipped[0]
        for k in 1..<(count - 1) {
            lastTriangleCount += 1
            let b = clipped[k], c = clipped[k + 1]
            rasterize(view.project(SIMD3(first.x, first.y, first.z)), view.project(SIMD3(b.x, b.y, b.z)),
                      view.project(SIMD3(c.x, c.y, c.z)), light: SIMD3(first.w, b.w, c.w), colour: colour, target)
        }
    }

    /// Round shapes whose radius projects to fewer pixels than this (at their centre's depth) use the coarse mesh:
    /// an 8-gon of radius 6 px strays at most 0.46 px from the circle.
    static let coarseBelowPixels = 6.0

    /// The radius that decides how round a shape must look; nil for flat-faced shapes.
    static func roundRadius(_ shape: RenderShape) -> Double? {
        switch shape {
        case .plane, .box: return nil
        case let .sphere(r), let .cylinder(r, _), let .capsule(r, _): return r
        }
    }

    /// The unit mesh of a shape and how to stretch it: per-axis scale, and the capsule's cap offset.
    static func meshAndScale(_ shape: RenderShape, coarse: Bool) -> (UnitMesh, SIMD3<Double>, Double) {
        switch shape {
        case let .plane(hx, hy):
            // MuJoCo's size 0 means an infinite plane: draw it large enough to reach any horizon in view.
            let big = 50.0
            return (UnitMeshes.plane, SIMD3(hx > 0 ? hx : big, hy > 0 ? hy : big, 1), 0)
        case let .box(h):
            return (UnitMeshes.box, h, 0)
        case let .sphere(r):
            return (coarse ? UnitMeshes.coarseSphere : UnitMeshes.sphere, SIMD3(repeating: r), 0)
        case let .cylinder(r, h):
            return (coarse ? UnitMeshes.coarseCylinder : UnitMeshes.cylinder, SIMD3(r, r, h), 0)
        case let .capsule(r, h):
            return (coarse ? UnitMeshes.coarseCapsule : UnitMeshes.capsule, SIMD3(repeating: r), h)
        }
    }
}

/// A colour channel in 0...1 to a byte (clamped, rounded half up).
@inline(__always) func byte(_ v: Double) -> UInt8 {
    guard v > 0 else { return 0 }   // also maps NaN to 0
    guard v < 1 else { return 255 }
    return UInt8(v * 255 + 0.5)
}

@inline(__always) func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

func normalizedOrZero(_ v: SIMD3<Double>) -> SIMD3<Double> {
    let l = (v * v).sum().squareRoot()
    return l > 0 && l.isFinite ? v / l : .zero
}
