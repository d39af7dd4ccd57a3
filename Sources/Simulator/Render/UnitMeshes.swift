// Unit triangle meshes of MuJoCo's primitive shapes, built once and only transformed per frame.
//
// A vertex in geom-local coordinates is `position * scale + (0, 0, offset * offsetScale)`: the per-axis scale
// covers box, sphere, cylinder and plane, and the z offset lets a capsule's hemispheres slide apart by its
// half length while keeping their radius. Triangles wind counter-clockwise seen from outside, so a camera-space
// cross product gives the outward normal used for back-face culling and flat Lambert shading.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct UnitMesh: Sendable {
    var positions: [SIMD3<Double>]
    /// Multiplier of the shape's offset scale along local z (capsule caps: +1 / -1, everything else 0).
    var offsets: [Double]
    /// Index triples, counter-clockwise seen from outside.
    var triangles: [Int32]
    /// Radius of a sphere around the origin holding every `position` (before scale; offsets add on top).
    var boundingRadius: Double
    /// Per-vertex normals of a curved surface (shaded smoothly, Gouraud); empty for flat-faced meshes, which are
    /// shaded per face.
    var normals: [SIMD3<Double>]

    var isSmooth: Bool { !normals.isEmpty }

    var triangleCount: Int { triangles.count / 3 }

    init(positions: [SIMD3<Double>], offsets: [Double]? = nil, triangles: [Int32], normals: [SIMD3<Double>] = []) {
        precondition(normals.isEmpty || normals.count == positions.count, "UnitMesh: one normal per vertex")
        self.positions = positions
        self.normals = normals
        self.offsets = offsets ?? [Double](repeating: 0, count: positions.count)
        self.triangles = triangles
        var r = 0.0
        for p in positions { r = max(r, (p * p).sum().squareRoot()) }
        self.boundingRadius = r
    }
}

/// Round shapes come in two levels of detail: 16 segments around, enough for a sphere to read as round up
/// to ~25 px radius (silhouette within half a pixel), and 8 segments for shapes a few pixels across, where
/// more triangles cost time and show nothing (the renderer picks by projected radius).
struct RoundDetail: Sendable {
    var segments: Int
    var sphereRings: Int
    var capRings: Int

    static let fine = RoundDetail(segments: 16, sphereRings: 8, capRings: 4)
    static let coarse = RoundDetail(segments: 8, sphereRings: 4, capRings: 2)
}

enum UnitMeshes {

    static let plane = UnitMesh(
        positions: [SIMD3(-1, -1, 0), SIMD3(1, -1, 0), SIMD3(1, 1, 0), SIMD3(-1, 1, 0)],
        triangles: [0, 1, 2, 0, 2, 3])

    static let box: UnitMesh = {
        var pos: [SIMD3<Double>] = []
        var tri: [Int32] = []
        // Each face gets its own four corners so faces stay independent quads.
        // (normal axis, sign): u × v = sign * axis keeps the winding outward.
        for axis in 0..<3 {
            for sign in [-1.0, 1.0] {
                let u = (axis + 1) % 3, v = (axis + 2) % 3
                let base = Int32(pos.count)
                for (a, b) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
                    var p = SIMD3<Double>(repeating: 0)
                    p[axis] = sign; p[u] = a; p[v] = b
                    pos.append(p)
                }
                // e_u × e_v = +e_axis for cyclic (axis, u, v).
                if sign > 0 { tri += [base, base + 1, base + 2, base, base + 2, base + 3] }
                else { tri += [base, base + 2, base + 1, base, base + 3, base + 2] }
            }
        }
        return UnitMesh(positions: pos, triangles: tri)
    }()

    static let sphere = makeSphere(.fine), coarseSphere = makeSphere(.coarse)
    static let cylinder = makeCylinder(.fine), coarseCylinder = makeCylinder(.coarse)
    static let capsule = makeCapsule(.fine), coarseCapsule = makeCapsule(.coarse)
    static let all = [plane, box, sphere, coarseSphere, cylinder, coarseCylinder, capsule, coarseCapsule]

    static func makeSphere(_ detail: RoundDetail) -> UnitMesh {
        var pos: [SIMD3<Double>] = []
        var tri: [Int32] = []
        var unusedOffsets: [Double] = []
        appendLatLongPatch(into: &pos, offsets: &unusedOffsets, tri: &tri, fromLat: -.pi / 2, toLat: .pi / 2,
                           rings: detail.sphereRings, segments: detail.segments, offset: 0)
        return UnitMesh(positions: pos, triangles: tri, normals: pos)
    }

    static func makeCylinder(_ detail: RoundDetail) -> UnitMesh {
        var pos: [SIMD3<Double>] = []
        var tri: [Int32] = []
        appendTube(into: &pos, tri: &tri, zLow: -1, zHigh: 1, segments: detail.segments)
        appendDisc(into: &pos, tri: &tri, z: 1, up: true, segments: detail.segments)
        appendDisc(into: &pos, tri: &tri, z: -1, up: false, segments: detail.segments)
        // Radial normals on the wall, axial on the caps (which have their own vertices).
        let wall = 2 * detail.segments
        let normals = pos.enumerated().map { k, p in k < wall ? SIMD3(p.x, p.y, 0) : SIMD3(0, 0, p.z) }
        return UnitMesh(positions: pos, triangles: tri, normals: normals)
    }

    static func makeCapsule(_ detail: RoundDetail) -> UnitMesh {
        var pos: [SIMD3<Double>] = []
        var offs: [Double] = []
        var tri: [Int32] = []
        // Side: a unit-radius tube of zero height whose rims are pushed apart by the offsets.
        appendTube(into: &pos, tri: &tri, zLow: 0, zHigh: 0, segments: detail.segments)
        for i in 0..<pos.count { offs.append(i % 2 == 0 ? -1 : 1) }
        appendLatLongPatch(into: &pos, offsets: &offs, tri: &tri, fromLat: 0, toLat: .pi / 2,
                           rings: detail.capRings, segments: detail.segments, offset: 1)
        appendLatLongPatch(into: &pos, offsets: &offs, tri: &tri, fromLat: -.pi / 2, toLat: 0,
                           rings: detail.capRings, segments: detail.segments, offset: -1)
        // The tube's vertices sit at z = 0 and the caps' on the unit sphere: each position is its own normal.
        return UnitMesh(positions: pos, offsets: offs, triangles: tri, normals: pos)
    }

    /// Side wall of a unit-radius tube; vertices alternate (low, high) around the circle.
    private static func appendTube(into pos: inout [SIMD3<Double>], tri: inout [Int32], zLow: Double, zHigh: Double,
                                   segments n: Int) {
        let base = Int32(pos.count)
        for i in 0..<n {
            let a = 2 * Double.pi * Double(i) / Double(n)
            pos.append(SIMD3(cos(a), sin(a), zLow))
            pos.append(SIMD3(cos(a), sin(a), zHigh))
        }
        for i in 0..<n {
            let j = (i + 1) % n
            let l0 = base + Int32(2 * i), h0 = l0 + 1
            let l1 = base + Int32(2 * j), h1 = l1 + 1
            // Going around counter-clockwise (seen from +z), outward is radial: l0, l1, h1 then l0, h1, h0.
            tri += [l0, l1, h1, l0, h1, h0]
        }
    }

    private static func appendDisc(into pos: inout [SIMD3<Double>], tri: inout [Int32], z: Double, up: Bool,
                                   segments n: Int) {
        let centre = Int32(pos.count)
        pos.append(SIMD3(0, 0, z))
        for i in 0..<n {
            let a = 2 * Double.pi * Double(i) / Double(n)
            pos.append(SIMD3(cos(a), sin(a), z))
        }
        for i in 0..<n {
            let a = centre + 1 + Int32(i), b = centre + 1 + Int32((i + 1) % n)
            tri += up ? [centre, a, b] : [centre, b, a]
        }
    }

    /// A band of a unit sphere between two latitudes (radians), rings of `segments` vertices each.
    private static func appendLatLongPatch(into pos: inout [SIMD3<Double>], offsets: inout [Double],
                                           tri: inout [Int32], fromLat: Double, toLat: Double,
                                           rings: Int, segments n: Int, offset: Double) {
        let base = Int32(pos.count)
        for r in 0...rings {
            let lat = fromLat + (toLat - fromLat) * Double(r) / Double(rings)
            for i in 0..<n {
                let a = 2 * Double.pi * Double(i) / Double(n)
                pos.append(SIMD3(cos(lat) * cos(a), cos(lat) * sin(a), sin(lat)))
                offsets.append(offset)
            }
        }
        func isPole(_ ring: Int) -> Bool {
            abs(abs(fromLat + (toLat - fromLat) * Double(ring) / Double(rings)) - .pi / 2) < 1e-9
        }
        for r in 0..<rings {
            for i in 0..<n {
                let j = (i + 1) % n
                let a = base + Int32(r * n + i), b = base + Int32(r * n + j)
                let c = base + Int32((r + 1) * n + j), d = base + Int32((r + 1) * n + i)
                // Latitude rises from a to d; counter-clockwise seen from outside is a, b, c then a, c, d.
                // A ring at a pole collapses to one point: skip the triangle that would have zero area there.
                if !isPole(r) { tri += [a, b, c] }
                if !isPole(r + 1) { tri += [a, c, d] }
            }
        }
    }
}
