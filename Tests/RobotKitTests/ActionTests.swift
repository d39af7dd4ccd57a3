import XCTest
@testable import RobotKit

final class ActionTests: XCTestCase {
    func testVectorRoundTrip() {
        let a = Action(dx: 0.01, dy: -0.02, dz: 0.003, dyaw: 0.1, gripper: 0.5)
        XCTAssertEqual(Action(vector: a.vector), a)
        XCTAssertNil(Action(vector: [1, 2, 3]))
    }

    func testLimitsClampEachAxisAndGripper() {
        let lim = ActionLimits(maxTranslation: 0.01, maxYaw: 0.05)
        let c = lim.clamp(Action(dx: 0.5, dy: -0.5, dz: 0.001, dyaw: -1, gripper: 3))
        XCTAssertEqual(c, Action(dx: 0.01, dy: -0.01, dz: 0.001, dyaw: -0.05, gripper: 1))
        XCTAssertFalse(lim.contains(Action(dx: 0.5, gripper: 0)))
        XCTAssertTrue(lim.contains(c))
    }

    func testNonFiniteIsDetected() {
        XCTAssertFalse(Action(dx: .nan, gripper: 0).isFinite)
        XCTAssertTrue(Action(gripper: 1).isFinite)
    }

    func testYawFromQuaternion() {
        let half = 0.3
        let p = Pose(position: .zero, quaternion: SIMD4(cos(half), 0, 0, sin(half)))
        XCTAssertEqual(p.yaw, 0.6, accuracy: 1e-12)
    }

    func testSeededGeneratorIsReproducible() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let xs = (0..<5).map { _ in a.next() }
        XCTAssertEqual(xs, (0..<5).map { _ in b.next() })
        XCTAssertNotEqual(xs, (0..<5).map { _ in c.next() })
    }
}
