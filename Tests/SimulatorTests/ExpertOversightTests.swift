import XCTest
import RobotKit
@testable import Simulator

/// The scripted expert as a supervisor of a policy (`record --corrections`): it must stay quiet while the work is
/// done right, step in on each kind of mistake, and be able to finish the task from where the mistake left it.
final class ExpertOversightTests: XCTestCase {
    /// The expert's own motion never trips the oversight: whatever it flags, a careful demonstrator does not do.
    func testTheExpertsOwnEpisodesAreNeverFlagged() throws {
        let sim = try TabletopSim(seed: 0)
        for seed: UInt64 in [3, 21, 400] {
            try sim.reset(seed: seed)
            var expert = ScriptedExpert(), oversight = ExpertOversight()
            oversight.patienceTicks = sim.config.maxSteps
            while !sim.isSuccess(), sim.tick < sim.config.maxSteps {
                let a = sim.limits.clamp(expert.action(for: sim))
                XCTAssertNil(oversight.check(sim, proposed: a), "seed \(seed) tick \(sim.tick), expert in \(expert.phase)")
                try sim.send(a)
            }
            XCTAssertTrue(sim.isSuccess(), "seed \(seed)")
        }
    }

    func testClosingTheFingersOverNothingIsCaught() throws {
        let sim = try TabletopSim(seed: 5)
        var oversight = ExpertOversight()
        XCTAssertEqual(oversight.check(sim, proposed: .hold(gripper: 0)), .closeAwayFromObject, "the hand starts far from every object")
    }

    func testGoingDownBesideTheObjectIsCaught() throws {
        let sim = try TabletopSim(seed: 5)
        var oversight = ExpertOversight()
        let o = try XCTUnwrap(sim.objectPoses()[sim.episode.target]).position
        // Move low, 6 cm to the side of the object, then keep going down.
        var reason: ExpertOversight.Reason?
        for _ in 0..<200 where reason == nil {
            let ee = sim.state().endEffector.position
            let goal = SIMD3(o.x + 0.06, o.y, 0.05)
            let d = goal - ee
            let a = sim.limits.clamp(Action(dx: d.x, dy: d.y, dz: min(d.z, -0.001), dyaw: 0, gripper: 1))
            reason = oversight.check(sim, proposed: a)
            try sim.send(a)
        }
        XCTAssertEqual(reason, .descendBesideObject)
        XCTAssertLessThan(sim.state().endEffector.position.z, oversight.lowHeight + 0.01)
    }

    func testAStillRobotIsCaughtAfterTheStallWindow() throws {
        let sim = try TabletopSim(seed: 5)
        var oversight = ExpertOversight()
        for tick in 1...oversight.stallTicks {
            let reason = oversight.check(sim, proposed: .hold(gripper: 1))
            XCTAssertEqual(reason, tick == oversight.stallTicks ? .noProgress : nil, "tick \(tick)")
            try sim.send(.hold(gripper: 1))
        }
    }

    /// Fingers closed on the object and then nothing: the expert would have lifted after 8 ticks.
    func testHoldingTheObjectWithoutLiftingIsCaught() throws {
        let sim = try TabletopSim(seed: 8, task: TaskRequest(object: "red cube"))
        var oversight = ExpertOversight()
        try runExpertUnflagged(sim, until: .lift, &oversight)
        XCTAssertTrue(sim.isTargetGrasped())
        var reason: ExpertOversight.Reason?, ticks = 0
        while reason == nil, ticks < 30 {
            reason = oversight.check(sim, proposed: .hold(gripper: 0))
            try sim.send(.hold(gripper: 0)); ticks += 1
        }
        XCTAssertEqual(reason, .noLift)
        XCTAssertLessThanOrEqual(ticks, oversight.liftTicks + 1, "caught once the hold outlasts the lift window")
    }

    /// Lifted and on the way, then down again before the object is over the container: caught while lowering.
    func testLoweringTheObjectOutsideTheContainerIsCaught() throws {
        let sim = try TabletopSim(seed: 8, task: TaskRequest(object: "red cube"))
        var oversight = ExpertOversight()
        try runExpertUnflagged(sim, until: .carry, &oversight)
        XCTAssertTrue(sim.isTargetGrasped())
        XCTAssertGreaterThan(sim.state().endEffector.position.z, oversight.carryFloor, "lifted to the carry height")
        var reason: ExpertOversight.Reason?, ticks = 0
        let down = Action(dx: 0, dy: 0, dz: -0.01, dyaw: 0, gripper: 0)
        while reason == nil, ticks < 30 {
            reason = oversight.check(sim, proposed: down)
            if reason == nil { try sim.send(down) }
            ticks += 1
        }
        XCTAssertEqual(reason, .lowerOutsideContainer)
        XCTAssertLessThan(sim.state().endEffector.position.z, oversight.carryFloor)
        XCTAssertTrue(sim.isTargetGrasped(), "caught before anything was dropped")
    }

    /// Lifted off the table but carried across below the carry height, or rising only a little: caught, because the
    /// object swings into a bin wall that way. Rising at the expert's pace is fine.
    func testCarryingTheObjectLowIsCaught() throws {
        let sim = try TabletopSim(seed: 8, task: TaskRequest(object: "red cube"))
        var oversight = ExpertOversight()
        try runExpertUnflagged(sim, until: .lift, &oversight)
        let up = Action(dx: 0, dy: 0, dz: 0.015, dyaw: 0, gripper: 0)
        while sim.state().endEffector.position.z < oversight.liftHeight + 0.01, sim.tick < 300 {
            XCTAssertNil(oversight.check(sim, proposed: up), "rising straight up at tick \(sim.tick)")
            try sim.send(up)
        }
        XCTAssertTrue(sim.isTargetGrasped())
        XCTAssertLessThan(sim.state().endEffector.position.z, oversight.carryFloor)
        XCTAssertNil(oversight.check(sim, proposed: up))
        XCTAssertEqual(oversight.check(sim, proposed: Action(dx: 0.01, dy: -0.01, dz: 0, dyaw: 0, gripper: 0)), .carryTooLow)
        XCTAssertEqual(oversight.check(sim, proposed: Action(dx: 0, dy: 0, dz: 0.002, dyaw: 0, gripper: 0)), .carryTooLow)
        XCTAssertEqual(oversight.check(sim, proposed: Action(dx: 0, dy: 0, dz: -0.01, dyaw: 0, gripper: 0)), .lowerOutsideContainer)
    }

    /// A policy carried the object over the bin, went down 1.5 cm off the middle and stopped. The expert taking over
    /// from there lowers and lets go; it does not climb back to the carry height first (rising there taught the
    /// policy the opposite of the demonstrations in the same views). Far from the bin it still lifts first.
    func testHoveringOverTheContainerIsCaughtAndTheExpertLowersFromThere() throws {
        let sim = try TabletopSim(seed: 8, task: TaskRequest(object: "red cube"))
        var oversight = ExpertOversight()
        try runExpertUnflagged(sim, until: .carry, &oversight)
        XCTAssertEqual(ScriptedExpert(resumingFrom: sim).phase, .lift, "grasped, away from the bin: lift and carry")
        let place = try XCTUnwrap(sim.family.placeGoal(sim))
        let inHand = sim.state().endEffector.position - (try XCTUnwrap(sim.objectPoses()[sim.episode.target])).position
        let hover = SIMD3(place.x + 0.015, place.y, 0.11) + SIMD3(inHand.x, inHand.y, 0)
        for _ in 0..<150 { try steer(sim, toward: hover, gripper: 0) }
        XCTAssertTrue(sim.isTargetGrasped())
        // Holding still there is caught once it outlasts the lift window; going down is not.
        var reason: ExpertOversight.Reason?, ticks = 0
        XCTAssertNil(oversight.check(sim, proposed: Action(dx: 0, dy: 0, dz: -0.01, dyaw: 0, gripper: 0)))
        while reason == nil, ticks < 30 { reason = oversight.check(sim, proposed: .hold(gripper: 0)); ticks += 1 }
        XCTAssertEqual(reason, .hoverOverContainer)
        XCTAssertEqual(ticks, oversight.liftTicks + 1)
        // Bobbing down and up there is caught too, after `hoverTicks` in all.
        var bobbing = ExpertOversight(), bobs = 0
        reason = nil
        while reason == nil, bobs < 60 {
            reason = bobbing.check(sim, proposed: Action(dx: 0, dy: 0, dz: bobs % 2 == 0 ? -0.01 : 0.01, dyaw: 0, gripper: 0))
            bobs += 1
        }
        XCTAssertEqual(reason, .hoverOverContainer)
        XCTAssertEqual(bobs, bobbing.hoverTicks + 1)
        var expert = ScriptedExpert(resumingFrom: sim)
        XCTAssertEqual(expert.phase, .lower)
        var highest = 0.0
        while !sim.isSuccess(), sim.tick < 400 {
            try sim.send(sim.limits.clamp(expert.action(for: sim)))
            highest = max(highest, sim.state().endEffector.position.z)
        }
        XCTAssertTrue(sim.isSuccess(), "the object ends in the bin")
        XCTAssertLessThan(highest, 0.115, "never back up toward the carry height (\(expert.carryHeight) m) before letting go")
    }

    func testLettingGoOutsideTheContainerIsCaught() throws {
        let sim = try TabletopSim(seed: 8, task: TaskRequest(object: "red cube"))
        var expert = ScriptedExpert(), oversight = ExpertOversight()
        while expert.phase != .carry, sim.tick < 200 { try sim.send(expert.action(for: sim)) }
        XCTAssertTrue(sim.isTargetGrasped())
        XCTAssertEqual(oversight.check(sim, proposed: .hold(gripper: 1)), .openOutsideContainer)
        XCTAssertNil(oversight.check(sim, proposed: .hold(gripper: 0)), "keeping hold of it is fine")
    }

    /// A policy that went down early and stopped a couple of centimetres off the object, fingertips above its top
    /// (where policies stall): the expert slides over at that height and goes down, instead of first rising to the
    /// hover height, a move a policy sees contradicted by the descents in the same views.
    func testTheExpertSlidesOverFromJustBesideTheObject() throws {
        let sim = try TabletopSim(seed: 11)
        let o = try XCTUnwrap(sim.objectPoses()[sim.episode.target]).position
        let spec = try XCTUnwrap(sim.layout.object(named: sim.episode.target))
        let stall = SIMD3(o.x + 0.02, o.y - 0.01, o.z + spec.halfHeight + 0.05)
        for _ in 0..<80 { try steer(sim, toward: stall, gripper: 1) }
        XCTAssertLessThan(length(sim.state().endEffector.position - stall), 0.005)
        var expert = ScriptedExpert(resumingFrom: sim)
        let start = sim.tick
        var highest = 0.0
        while !sim.isSuccess(), sim.tick < start + 300 {
            if expert.phase == .approach { highest = max(highest, sim.state().endEffector.position.z) }
            try sim.send(expert.action(for: sim))
        }
        XCTAssertTrue(sim.isSuccess(), "expert ended in \(expert.phase) after \(expert.attempts) attempt(s)")
        XCTAssertEqual(expert.attempts, 1, "one grasp")
        XCTAssertLessThan(highest, stall.z + 0.005, "no rise to the hover height (\(expert.hoverHeight) m)")

        // Lower, fingertips down to the object's top: up first, straight, until they clear it.
        try sim.reset(seed: 11)
        let low = SIMD3(o.x + 0.02, o.y - 0.01, o.z + spec.halfHeight + 0.015)
        for tick in 0..<100 { try steer(sim, toward: tick < 60 ? SIMD3(low.x, low.y, 0.12) : low, gripper: 1) }
        var resumed = ScriptedExpert(resumingFrom: sim)
        let clearance = o.z + spec.halfHeight + resumed.slideClearance
        XCTAssertLessThan(sim.state().endEffector.position.z, clearance - 0.01)
        var upTicks = 0
        while sim.state().endEffector.position.z < clearance, upTicks < 10 {
            let a = resumed.action(for: sim)
            XCTAssertEqual(a.dx, 0, accuracy: 1e-9, "straight up"); XCTAssertEqual(a.dy, 0, accuracy: 1e-9, "straight up")
            XCTAssertGreaterThan(a.dz, 0)
            try sim.send(a)
            upTicks += 1
        }
        XCTAssertLessThan(upTicks, 10, "clear of the object's top within 10 ticks")
        let slide = resumed.action(for: sim)
        XCTAssertGreaterThan(length(SIMD3(slide.dx, slide.dy, 0)), 0.005, "then over to the object")
        XCTAssertEqual(slide.dz, 0, accuracy: 1e-9, "at that height")
    }

    /// A policy closed its fingers low beside the object: the expert resumed from that state opens, rises clear,
    /// and completes the task; one that took over with the object in the hand carries on without dropping it.
    func testTheExpertFinishesFromAPolicysMistakes() throws {
        let sim = try TabletopSim(seed: 11)
        let o = try XCTUnwrap(sim.objectPoses()[sim.episode.target]).position
        for tick in 0..<100 {
            // Above a spot 6 cm beside the object, then down, fingers closed: a grasp aimed at the wrong place.
            try steer(sim, toward: SIMD3(o.x + 0.06, o.y, tick < 50 ? 0.15 : 0.05), gripper: 0)
        }
        var expert = ScriptedExpert(resumingFrom: sim)
        XCTAssertEqual(expert.phase, .approach)
        XCTAssertLessThan(length(try XCTUnwrap(sim.objectPoses()[sim.episode.target]).position - o), 0.005, "the mistake left the object alone")
        let start = sim.tick
        while !sim.isSuccess(), sim.tick < start + 300 { try sim.send(expert.action(for: sim)) }
        XCTAssertTrue(sim.isSuccess(), "expert ended in \(expert.phase) after \(expert.attempts) attempt(s)")

        try sim.reset(seed: 8, task: TaskRequest(object: "red cube"))
        var first = ScriptedExpert()
        while first.phase != .carry, sim.tick < 200 { try sim.send(first.action(for: sim)) }
        var resumed = ScriptedExpert(resumingFrom: sim)
        XCTAssertEqual(resumed.phase, .lift, "the object is in the hand")
        let held = sim.tick
        while !sim.isSuccess(), sim.tick < held + 300 { try sim.send(resumed.action(for: sim)) }
        XCTAssertTrue(sim.isSuccess())
        XCTAssertEqual(resumed.attempts, 1, "carried on, never dropped it")
    }

    /// The expert drives (its actions checked by `oversight`, which must never object) until it enters `phase`.
    private func runExpertUnflagged(_ sim: TabletopSim, until phase: ScriptedExpert.Phase, _ oversight: inout ExpertOversight,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        var expert = ScriptedExpert()
        while expert.phase != phase, sim.tick < 200 {
            let a = sim.limits.clamp(expert.action(for: sim))
            XCTAssertNil(oversight.check(sim, proposed: a), "the expert's own work, tick \(sim.tick) in \(expert.phase)", file: file, line: line)
            try sim.send(a)
        }
        XCTAssertEqual(expert.phase, phase, file: file, line: line)
    }

    /// One tick of a scripted "policy": straight toward `goal` (within the robot's limits), yaw held.
    private func steer(_ sim: TabletopSim, toward goal: SIMD3<Double>, gripper: Double) throws {
        let d = goal - sim.state().endEffector.position
        try sim.send(sim.limits.clamp(Action(dx: d.x, dy: d.y, dz: d.z, dyaw: 0, gripper: gripper)))
    }
}
