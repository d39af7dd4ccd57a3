import RobotKit
import Simulator
import XCTest

final class FaultAPITests: XCTestCase {
    func testPushMovesTheObjectAndRejectsUnknownNamesAndNaN() throws {
        let sim = try TabletopSim(seed: 3)
        let name = sim.episode.target
        let before = try XCTUnwrap(sim.objectPoses()[name]).position
        XCTAssertFalse(sim.push(object: "no such thing", velocity: SIMD3(0.5, 0, 0)))
        XCTAssertFalse(sim.push(object: name, velocity: SIMD3(.nan, 0, 0)))
        XCTAssertTrue(sim.push(object: name, velocity: SIMD3(0, 0.4, 0.3)))
        for _ in 0..<5 { try sim.send(.hold(gripper: 1)) }
        let after = try XCTUnwrap(sim.objectPoses()[name]).position
        XCTAssertGreaterThan(after.y - before.y, 0.01, "the shove moved it along +y")
    }

    func testJointRangesMatchTheArmAndContainItsPose() throws {
        let sim = try TabletopSim(seed: 3)
        let q = sim.state().jointPositions
        XCTAssertEqual(sim.jointRanges.count, q.count)
        for (r, v) in zip(sim.jointRanges, q) {
            XCTAssertLessThan(r.lowerBound, r.upperBound)
            XCTAssertTrue(r.contains(v), "\(v) in \(r)")
        }
    }
}
