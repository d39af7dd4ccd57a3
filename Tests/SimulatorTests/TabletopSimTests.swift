import XCTest
import RobotKit
@testable import Simulator

/// The world, IK, limits and failure handling of the MuJoCo tabletop sim.
final class TabletopSimTests: XCTestCase {
    func testIKSolutionAndServoedArmReachTargetsWithin5mm() throws {
        let sim = try TabletopSim(seed: 7)
        let targets: [(SIMD3<Double>, Double)] = [
            (SIMD3(0.40, 0.10, 0.10), 0.3), (SIMD3(0.30, -0.20, 0.05), -0.8), (SIMD3(0.50, 0.0, 0.20), 1.2),
        ]
        for (target, yaw) in targets {
            let ik = try ArmIK.solve(world: sim.world, scratch: sim.world.scratch, index: sim.index,
                                     q0: sim.jointTarget, target: target, yaw: yaw, maxIterations: 100)
            XCTAssertLessThan(ik.positionError, 0.001, "IK alone for \(target)")
            // Drive the real (servoed, gravity-loaded) arm there with clamped deltas, then let it settle.
            for _ in 0..<80 {
                let d = target - sim.commandedPosition
                try sim.send(Action(dx: d.x, dy: d.y, dz: d.z, dyaw: yaw - sim.commandedYaw, gripper: 1))
            }
            let ee = sim.state().endEffector
            XCTAssertLessThan(length(ee.position - target), 0.005, "end effector \(ee.position) vs target \(target)")
            XCTAssertEqual(ee.yaw, yaw, accuracy: 0.02)
        }
    }

    func testPerTickStepIsClamped() throws {
        let sim = try TabletopSim(seed: 3)
        let before = sim.state().endEffector.position
        let commandedBefore = sim.commandedPosition
        try sim.send(Action(dx: 1.0, dy: -1.0, dz: 0, dyaw: 5, gripper: 7))
        let step = sim.commandedPosition - commandedBefore
        XCTAssertEqual(step.x, sim.limits.maxTranslation, accuracy: 1e-9)
        XCTAssertEqual(step.y, -sim.limits.maxTranslation, accuracy: 1e-9)
        XCTAssertEqual(sim.gripperCommand, 1)
        let moved = sim.state().endEffector.position - before
        XCTAssertLessThanOrEqual(abs(moved.x), sim.limits.maxTranslation + 0.002)
        XCTAssertLessThanOrEqual(abs(moved.y), sim.limits.maxTranslation + 0.002)
    }

    func testJointLimitsHoldUnderWildCommands() throws {
        let sim = try TabletopSim(seed: 5)
        var rng = SeededGenerator(seed: 99)
        let lower = sim.index.lower, upper = sim.index.upper
        for i in 0..<240 {
            // Long runs in one direction push into the reach box and the joint stops.
            let phase = (i / 40) % 6
            let dir: [Double] = [[1, 0, 0, 1], [-1, 0, 1, -1], [0, 1, -1, 1], [0, -1, 1, 1], [1, 1, 1, -1], [-1, -1, -1, 1]][phase]
            let jitter = Double(rng.next() % 100) / 1000
            try sim.send(Action(dx: dir[0] + jitter, dy: dir[1], dz: dir[2], dyaw: dir[3], gripper: 0.5))
            for (j, q) in sim.state().jointPositions.enumerated() {
                XCTAssertGreaterThanOrEqual(q, lower[j] - 0.02, "joint \(j) at tick \(i)")
                XCTAssertLessThanOrEqual(q, upper[j] + 0.02, "joint \(j) at tick \(i)")
            }
            XCTAssertTrue(TabletopSim.reachZ.contains(sim.commandedPosition.z), "the command never aims the fingers into the table")
            for (j, q) in sim.jointTarget.enumerated() {
                XCTAssertTrue((lower[j]...upper[j]).contains(q), "IK target for joint \(j) outside its range")
            }
        }
        // An orientation the tool cannot reach: IK stays inside the limits and reports the miss.
        let ik = try ArmIK.solve(world: sim.world, scratch: sim.world.scratch, index: sim.index,
                                 q0: sim.jointTarget, target: SIMD3(0.9, 0.6, 0.6), yaw: 0)
        XCTAssertGreaterThan(ik.positionError, 0.05)
        for (j, q) in ik.q.enumerated() { XCTAssertTrue((lower[j]...upper[j]).contains(q)) }
    }

    func testSameSeedSameActionsGiveIdenticalState() throws {
        func run() throws -> [Double] {
            let sim = try TabletopSim(seed: 21)
            var expert = ScriptedExpert()
            for _ in 0..<60 { try sim.send(expert.action(for: sim)) }
            let s = sim.state()
            return s.jointPositions + s.jointVelocities + sim.objectPoses().sorted { $0.key < $1.key }
                .flatMap { [$0.value.position.x, $0.value.position.y, $0.value.position.z] }
        }
        XCTAssertEqual(try run(), try run())
        let a = try TabletopSim(seed: 21), b = try TabletopSim(seed: 22)
        XCTAssertNotEqual(a.layout, b.layout, "different seeds should give different layouts")
    }

    func testBadMJCFIsAnErrorWithMuJoCosMessage() {
        let cases = [
            "<mujoco><worldbody><geom type=\"box\" size=\"0.1 0.1 0.1\"></worldbody>",      // malformed XML
            "<mujoco><worldbody><body><joint type=\"spiral\"/></body></worldbody></mujoco>",  // bad attribute value
            "<mujoco><bogus/></mujoco>",                                                       // unknown element
            "",
        ]
        for xml in cases {
            XCTAssertThrowsError(try MuJoCoWorld(mjcf: xml), xml) { error in
                guard case SimError.badModel(let message) = error else {
                    return XCTFail("expected badModel, got \(error)")
                }
                XCTAssertFalse(message.isEmpty)
            }
        }
        // The same process still loads good models afterwards.
        XCTAssertNoThrow(try MuJoCoWorld(mjcf: "<mujoco><worldbody><geom type=\"sphere\" size=\"0.1\"/></worldbody></mujoco>"))
    }

    func testNonFiniteStateIsReportedAsDivergenceAndLatchedUntilReset() throws {
        let sim = try TabletopSim(seed: 4)
        try sim.send(.hold(gripper: 1))
        sim.world.data.pointee.qvel[0] = .nan
        XCTAssertThrowsError(try sim.send(.hold(gripper: 1))) { error in
            guard case SimError.diverged(let why) = error else { return XCTFail("expected diverged, got \(error)") }
            XCTAssertTrue(why.contains("qvel") || why.contains("qacc"), why)
        }
        XCTAssertThrowsError(try sim.send(.hold(gripper: 1)), "a diverged sim must not keep stepping")
        try sim.reset(seed: 4)
        XCTAssertNoThrow(try sim.send(.hold(gripper: 1)))
        XCTAssertThrowsError(try sim.send(Action(dx: .nan, gripper: 1))) { error in
            guard case SimError.badAction = error else { return XCTFail("expected badAction, got \(error)") }
        }
    }

    func testConfigIsValidated() {
        XCTAssertThrowsError(try TabletopSim(config: SimConfig(controlRate: 5), seed: 0))
        XCTAssertThrowsError(try TabletopSim(config: SimConfig(physicsTimestep: 0.01), seed: 0))
        XCTAssertThrowsError(try TabletopSim(config: SimConfig(cameraWidth: 640, cameraHeight: 480), seed: 0))
        XCTAssertEqual(SimConfig(controlRate: 50).substeps, 10)
        XCTAssertEqual(SimConfig().substeps, 25)
        XCTAssertEqual(SimConfig().effectiveTimestep, 0.002, accuracy: 1e-15)
        XCTAssertEqual(SimConfig(controlRate: 30).substeps, 17)
        XCTAssertLessThanOrEqual(SimConfig(controlRate: 30).effectiveTimestep, 0.002)
    }

    func testSimTimeTracksTicksAtAnyControlRate() throws {
        let sim = try TabletopSim(config: SimConfig(controlRate: 30), seed: 2)
        for _ in 0..<30 { try sim.send(.hold(gripper: 1)) }
        XCTAssertEqual(sim.time, 1.0, accuracy: 1e-9, "30 ticks at 30 Hz are one simulated second")
        XCTAssertEqual(sim.tick, 30)
    }

    func testStateAndSceneViews() throws {
        let sim = try TabletopSim(seed: 12)
        let s = sim.state()
        XCTAssertEqual(s.jointPositions.count, 6)
        XCTAssertEqual(s.gripper, 1, accuracy: 0.05, "the gripper starts open")
        XCTAssertEqual(sim.renderCameras().map(\.name), ["front", "overhead", "wrist"])
        XCTAssertEqual(sim.cameras.map(\.name), ["front", "overhead", "wrist"])
        XCTAssertThrowsError(try sim.frame(camera: "nope")) { error in
            guard case SimError.unknownCamera = error else { return XCTFail("\(error)") }
        }
        let poses = sim.objectPoses()
        XCTAssertEqual(poses.count, sim.layout.objects.count)
        XCTAssertTrue((3...6).contains(poses.count))
        // The target's geom is drawn where the object is, in its colour.
        let target = try XCTUnwrap(sim.layout.object(named: sim.episode.target))
        let p = try XCTUnwrap(poses[target.name]).position
        XCTAssertTrue(sim.renderGeoms().contains { length($0.position - p) < 1e-6 && length(SIMD3($0.rgba.x - target.color.rgba.x, $0.rgba.y - target.color.rgba.y, $0.rgba.z - target.color.rgba.z)) < 1e-6 })
        XCTAssertEqual(p.z, target.halfHeight, accuracy: 0.003, "objects rest on the table")
        XCTAssertEqual(sim.time, 0)
        XCTAssertFalse(sim.isSuccess())
    }

    func testCamerasRenderTheSceneDeterministically() throws {
        let sim = try TabletopSim(seed: 30), twin = try TabletopSim(seed: 30)
        for camera in sim.cameras {
            let f = try sim.frame(camera: camera.name)
            XCTAssertEqual(f.width, 96); XCTAssertEqual(f.height, 72)
            XCTAssertGreaterThan(Set(f.pixels).count, 8, "\(camera.name) should show more than a flat colour")
            XCTAssertEqual(f, try twin.frame(camera: camera.name), "same state, same pixels")
        }
        // The wrist camera moves with the hand; the fixed overhead view still changes as the arm moves under it.
        let wrist = try sim.frame(camera: "wrist"), overhead = try sim.frame(camera: "overhead")
        for _ in 0..<10 { try sim.send(Action(dx: 0.01, dy: 0.01, gripper: 1)) }
        XCTAssertNotEqual(try sim.frame(camera: "wrist").pixels, wrist.pixels)
        XCTAssertNotEqual(try sim.frame(camera: "overhead").pixels, overhead.pixels)
        XCTAssertGreaterThan(try sim.frame(camera: "front").sequence, wrist.sequence)
    }
}

/// MuJoCo's fatal errors come back as SimError through the shim's trap instead of exit().
final class MuJoCoErrorTrapTests: XCTestCase {
    func testMuJoCoErrorInsideStepThrowsAndTheProcessCarriesOn() throws {
        // Use up MuJoCo's stack so its next mj_stackAlloc inside mj_step raises mju_error("... insufficient memory").
        let world = try MuJoCoWorld(mjcf: """
            <mujoco><worldbody><geom type="plane" size="1 1 0.1"/>
              <body pos="0 0 0.1"><joint type="free"/><geom type="box" size="0.1 0.1 0.1"/></body>
            </worldbody></mujoco>
            """)
        world.data.pointee.pstack = world.data.pointee.nstack - 1
        XCTAssertThrowsError(try world.step()) { error in
            guard case SimError.mujoco(let message) = error else { return XCTFail("expected .mujoco, got \(error)") }
            XCTAssertTrue(message.contains("mj_step"), message)
            XCTAssertTrue(message.lowercased().contains("stack") || message.lowercased().contains("memory"), message)
        }
        // Still alive, and a healthy model steps fine afterwards.
        let sim = try TabletopSim(seed: 1)
        XCTAssertNoThrow(try sim.send(.hold(gripper: 1)))
    }
}
