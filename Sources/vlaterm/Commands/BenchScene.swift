import Foundation
import RobotKit
import Simulator

/// The scene the renderer benchmark draws.
struct BenchScene {
    var name: String
    var geoms: [RenderGeom]
    var cameras: [RenderCamera]

    static func tabletop(seed: Int) throws -> BenchScene {
        synthetic(seed: seed)
    }

    /// A stand-in tabletop of about 40 primitive geoms (floor, table, a capsule arm with a gripper, objects, two
    /// bins) seen by front, side and wrist cameras: the renderer's workload without the MuJoCo world.
    static func synthetic(seed: Int) -> BenchScene {
        let identity: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        func box(_ p: SIMD3<Double>, _ h: SIMD3<Double>, _ c: SIMD4<Double>) -> RenderGeom {
            RenderGeom(shape: .box(halfExtents: h), position: p, rotation: identity, rgba: c)
        }
        func yawed(_ a: Double) -> [Double] { [cos(a), -sin(a), 0, sin(a), cos(a), 0, 0, 0, 1] }
        let wood = SIMD4(0.55, 0.42, 0.30, 1.0), metal = SIMD4(0.75, 0.75, 0.78, 1.0), dark = SIMD4(0.2, 0.2, 0.22, 1.0)
        var g: [RenderGeom] = [
            RenderGeom(shape: .plane(halfX: 0, halfY: 0), position: .zero, rotation: identity,
                       rgba: SIMD4(0.45, 0.45, 0.42, 1)),
            box(SIMD3(0.5, 0, 0.38), SIMD3(0.45, 0.6, 0.02), wood),
        ]
        for (x, y) in [(0.1, -0.55), (0.1, 0.55), (0.9, -0.55), (0.9, 0.55)] {
            g.append(box(SIMD3(x, y, 0.18), SIMD3(0.03, 0.03, 0.18), wood))
        }
        // Arm: base, six links as capsules with spheres at the joints, wrist, palm and two fingers.
        g.append(RenderGeom(shape: .cylinder(radius: 0.07, halfLength: 0.04), position: SIMD3(0.15, 0, 0.44),
                            rotation: identity, rgba: dark))
        var joint = SIMD3(0.15, 0.0, 0.48)
        let steps: [SIMD3<Double>] = [SIMD3(0, 0, 0.15), SIMD3(0.12, 0, 0.08), SIMD3(0.12, 0, 0),
                                      SIMD3(0.08, 0, -0.06), SIMD3(0.04, 0, -0.08), SIMD3(0, 0, -0.06)]
        for step in steps {
            let next = joint + step
            let length = (step * step).sum().squareRoot()
            let z = step / length
            let x = abs(z.z) < 0.9 ? SIMD3(z.y, -z.x, 0) / (z.x * z.x + z.y * z.y).squareRoot() : SIMD3(1, 0, 0)
            let y = SIMD3(z.y * x.z - z.z * x.y, z.z * x.x - z.x * x.z, z.x * x.y - z.y * x.x)
            g.append(RenderGeom(shape: .capsule(radius: 0.03, halfLength: length / 2), position: (joint + next) / 2,
                                rotation: [x.x, y.x, z.x, x.y, y.y, z.y, x.z, y.z, z.z], rgba: metal))
            g.append(RenderGeom(shape: .sphere(radius: 0.04), position: joint, rotation: identity, rgba: dark))
            joint = next
        }
        g.append(box(joint + SIMD3(0, 0, -0.01), SIMD3(0.02, 0.05, 0.01), dark))
        g.append(box(joint + SIMD3(0, -0.035, -0.05), SIMD3(0.01, 0.008, 0.035), metal))
        g.append(box(joint + SIMD3(0, 0.035, -0.05), SIMD3(0.01, 0.008, 0.035), metal))
        // Objects at seeded places on the table.
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed))
        let colours: [SIMD4<Double>] = [SIMD4(0.9, 0.1, 0.1, 1), SIMD4(0.1, 0.75, 0.2, 1), SIMD4(0.15, 0.3, 0.9, 1),
                                        SIMD4(0.95, 0.85, 0.1, 1), SIMD4(0.6, 0.2, 0.75, 1), SIMD4(1.0, 0.5, 0.05, 1)]
        for (i, c) in colours.enumerated() {
            let p = SIMD3(0.35 + 0.4 * Double.random(in: 0..<1, using: &rng), -0.35 + 0.35 * Double.random(in: 0..<1, using: &rng), 0.425)
            g.append(i % 2 == 0
                     ? RenderGeom(shape: .box(halfExtents: SIMD3(repeating: 0.025)), position: p,
                                  rotation: yawed(Double.random(in: 0..<1, using: &rng) * 3), rgba: c)
                     : RenderGeom(shape: .cylinder(radius: 0.022, halfLength: 0.025), position: p,
                                  rotation: identity, rgba: c))
        }
        // Two open bins: a floor and four walls each.
        for (centre, colour) in [(SIMD3(0.6, 0.3, 0.4), SIMD4(0.2, 0.35, 0.8, 1.0)),
                                 (SIMD3(0.3, 0.35, 0.4), SIMD4(0.3, 0.65, 0.3, 1.0))] {
            g.append(box(centre + SIMD3(0, 0, 0.005), SIMD3(0.09, 0.09, 0.005), colour))
            g.append(box(centre + SIMD3(0.09, 0, 0.04), SIMD3(0.005, 0.09, 0.04), colour))
            g.append(box(centre + SIMD3(-0.09, 0, 0.04), SIMD3(0.005, 0.09, 0.04), colour))
            g.append(box(centre + SIMD3(0, 0.09, 0.04), SIMD3(0.09, 0.005, 0.04), colour))
            g.append(box(centre + SIMD3(0, -0.09, 0.04), SIMD3(0.09, 0.005, 0.04), colour))
        }
        let cameras = [
            RenderCamera.lookingAt(SIMD3(0.5, 0, 0.45), from: SIMD3(1.6, 0, 1.0), fovy: 50, name: "front"),
            RenderCamera.lookingAt(SIMD3(0.5, 0, 0.42), from: SIMD3(0.5, -1.2, 1.1), fovy: 50, name: "side"),
            RenderCamera.lookingAt(joint + SIMD3(0, 0, -0.3), from: joint + SIMD3(-0.05, 0, 0.02), up: SIMD3(1, 0, 0),
                                   fovy: 70, name: "wrist"),
        ].compactMap { $0 }
        return BenchScene(name: "synthetic tabletop (seed \(seed))", geoms: g, cameras: cameras)
    }
}
