import XCTest
import RobotKit
@testable import Simulator

/// The simulator's cameras, drawn by the CPU renderer, show what a person (or a policy) needs to see:
/// every object in its own colour, the bin, the table, and the gripper in the wrist view.
final class RenderSimSceneTests: XCTestCase {
    /// True when `pixel` is `rgba` lit by some shade in ambient...1 (per-channel ratio agrees within 2 levels).
    static func isShade(_ pixel: (UInt8, UInt8, UInt8), of rgba: SIMD4<Double>, light: RenderLight = RenderLight()) -> Bool {
        let p = SIMD3(Double(pixel.0), Double(pixel.1), Double(pixel.2))
        let c = SIMD3(rgba.x, rgba.y, rgba.z) * 255
        let s = (p * c).sum() / (c * c).sum()   // least-squares brightness
        guard s >= light.ambient - 0.01, s <= light.ambient + light.diffuse + 0.01 else { return false }
        let residual = p - c * s
        return abs(residual.x) <= 2.5 && abs(residual.y) <= 2.5 && abs(residual.z) <= 2.5
    }

    static func count(_ frame: Frame, matching rgba: SIMD4<Double>) -> Int {
        var n = 0
        for y in 0..<frame.height { for x in 0..<frame.width where isShade(frame.rgb(x: x, y: y), of: rgba) { n += 1 } }
        return n
    }

    func testEveryObjectAndBinShowsInItsColourAtDefaultResolution() throws {
        for seed: UInt64 in [0, 1, 2] {
            let sim = try TabletopSim(seed: seed)
            let front = try sim.frame(camera: "front"), overhead = try sim.frame(camera: "overhead")
            XCTAssertEqual(front.width, 96); XCTAssertEqual(front.height, 72)
            for object in sim.layout.objects {
                let seen = Self.count(front, matching: object.color.rgba) + Self.count(overhead, matching: object.color.rgba)
                XCTAssertGreaterThanOrEqual(seen, 5, "seed \(seed): \(object.name) is not visible")
            }
            for bin in sim.layout.containers {
                XCTAssertGreaterThanOrEqual(Self.count(overhead, matching: bin.color.rgba), 20,
                                            "seed \(seed): \(bin.name) is not visible from above")
            }
        }
    }

    func testOverheadViewIsMostlyTableAndWristViewShowsTheFingers() throws {
        let sim = try TabletopSim(seed: 0)
        let table = try XCTUnwrap(sim.renderGeoms().first { $0.shape == .box(halfExtents: SIMD3(0.45, 0.65, 0.375)) })
        let overhead = try sim.frame(camera: "overhead")
        XCTAssertGreaterThan(Self.count(overhead, matching: table.rgba), overhead.width * overhead.height / 3)
        // Both fingers hang in front of the wrist camera: their dark colour fills part of the lower image.
        let finger = SIMD4(0.25, 0.25, 0.28, 1.0)
        let wrist = try sim.frame(camera: "wrist")
        var lowerLeft = 0, lowerRight = 0
        for y in (wrist.height / 2)..<wrist.height {
            for x in 0..<wrist.width where Self.isShade(wrist.rgb(x: x, y: y), of: finger) {
                if x < wrist.width / 2 { lowerLeft += 1 } else { lowerRight += 1 }
            }
        }
        XCTAssertGreaterThan(lowerLeft, 20)
        XCTAssertGreaterThan(lowerRight, 20)
    }

    func testSameStateSameFramesAcrossSimInstances() throws {
        let a = try TabletopSim(seed: 5), b = try TabletopSim(seed: 5)
        for camera in a.cameras.map(\.name) {
            XCTAssertEqual(try a.frame(camera: camera).pixels, try b.frame(camera: camera).pixels, camera)
        }
    }
}
