import XCTest
import RobotKit
@testable import Supervisor

/// One test per promise-level behaviour, each with the exact action sequence it expects.
final class BehaviourTests: XCTestCase {
    let drive = TeleopCommand(linear: SIMD3(1, 0, 0), deadman: true)
    let released = TeleopCommand(linear: SIMD3(1, 0, 0), deadman: false)

    // Promise 2
    func testDeadmanReleaseSendsExactlyOneZeroCommandThenHolds() {
        var h = Harness()
        _ = h.sup.teleop(drive)
        let moving = h.tick().sends
        XCTAssertEqual(moving.count, 1)
        XCTAssertEqual(moving[0].0.dx, 0.01, accuracy: 1e-12)   // 50 % of 2 cm
        _ = h.sup.teleop(released)
        let zero = h.tick()
        XCTAssertEqual(zero.sends.count, 1)
        XCTAssertTrue(zero.sends[0].0.isZeroMotion)
        for out in h.ticks(5) {
            XCTAssertTrue(out.sends.isEmpty)
            XCTAssertEqual(out.holds, 1)
        }
    }

    func testStickWithoutDeadmanNeverMoves() {
        var h = Harness()
        for _ in 0..<10 {
            _ = h.sup.teleop(released)
            XCTAssertTrue(h.tick().sends.isEmpty)
        }
        XCTAssertEqual(h.sup.mode, .idle)
    }

    // Promise 3
    func testStaleInputHolds() {
        var h = Harness()
        _ = h.sup.teleop(drive)
        XCTAssertEqual(h.tick().sends.count, 1)
        XCTAssertEqual(h.tick().sends.count, 1)            // 0.2 s old: still fresh
        let stale = h.tick()                                // 0.3 s old: stale → the one zero command
        XCTAssertEqual(stale.sends.count, 1)
        XCTAssertTrue(stale.sends[0].0.isZeroMotion)
        XCTAssertTrue(stale.logs.contains { $0.contains("stale") })
        XCTAssertTrue(h.tick().sends.isEmpty)
    }

    func testLostDeviceNeedsDeadmanReleaseBeforeMotion() {
        var h = Harness()
        _ = h.sup.teleop(drive)
        _ = h.tick()
        _ = h.sup.inputDeviceLost("read error")
        XCTAssertEqual(h.sup.mode, .paused)
        _ = h.sup.inputDeviceRestored()
        _ = h.sup.teleop(drive)                             // axes from before the loss: not a new press
        XCTAssertTrue(h.tick().sends.isEmpty)
        _ = h.sup.teleop(released)
        _ = h.sup.teleop(drive)
        XCTAssertEqual(h.sup.mode, .teleop)
        XCTAssertEqual(h.tick().sends.count, 1)
    }

    // Promise 1
    func testStopLatchesAndRearmAloneNeverMoves() {
        var h = Harness()
        _ = h.sup.teleop(drive)
        _ = h.tick()
        let stop = h.sup.operatorEvent(.stop)
        XCTAssertTrue(stop.hasStop)
        for _ in 0..<3 {
            _ = h.sup.teleop(drive)
            _ = h.sup.operatorEvent(.startAutonomy)
            XCTAssertTrue(h.tick().sends.isEmpty)
        }
        _ = h.sup.operatorEvent(.rearm)
        XCTAssertEqual(h.sup.mode, .idle)
        _ = h.sup.teleop(drive)                             // deadman still held from before the stop
        XCTAssertTrue(h.tick().sends.isEmpty)
        XCTAssertEqual(h.sup.mode, .idle)
        _ = h.sup.teleop(released)
        _ = h.sup.teleop(drive)                             // a fresh press is an explicit start
        XCTAssertEqual(h.tick().sends.count, 1)
    }

    // Promise 7
    func testPadTakesOverAtOnceBumplessAndFlagsIntervention() {
        var h = Harness()
        h.startAutonomy([[0.01, 0, 0, 0, 0.3], [0.01, 0, 0, 0, 0.3], [0.01, 0, 0, 0, 0.3]])
        let auto = h.tick().sends
        XCTAssertEqual(auto.map(\.1), [.autonomy])
        XCTAssertEqual(h.sup.commandedGripper, 0.3)
        // The pad's trigger rests at 1.0 (open); taking over must not snap the gripper open.
        let take = h.sup.teleop(TeleopCommand(linear: SIMD3(0, 1, 0), gripper: 1.0, deadman: true))
        XCTAssertEqual(h.sup.mode, .takeover)
        XCTAssertTrue(take.alerts.contains { $0.message.contains("TAKEOVER") })
        XCTAssertTrue(take.contains(.cancelInference(id: 2)) || h.sup.inferenceInFlight == nil)
        let first = h.tick().sends
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(first[0].1, .teleop)
        XCTAssertTrue(first[0].2, "takeover steps are interventions")
        XCTAssertEqual(first[0].0.gripper, 0.3, "bumpless: the gripper stays where the policy left it")
        XCTAssertEqual(first[0].0.dy, 0.01, accuracy: 1e-12)
        // Once the human moves the trigger, the gripper follows it.
        _ = h.sup.teleop(TeleopCommand(gripper: 0.0, deadman: true))
        XCTAssertEqual(h.tick().sends.first?.0.gripper, 0.0)
        // Hand back: autonomy with the same instruction and a new request id.
        _ = h.sup.teleop(TeleopCommand())
        _ = h.sup.operatorEvent(.handBack)
        XCTAssertEqual(h.sup.mode, .autonomy)
        XCTAssertEqual(h.sup.instruction, "put the red cube in the bin")
        let resumed = h.tick()
        XCTAssertEqual(resumed.requestIds.count, 1)
        XCTAssertGreaterThan(resumed.requestIds[0], 1)
    }

    /// A driver with its own speed setting (the console's +/-) sets it; speedUp/speedDown go back to the levels.
    func testTakeoverMovesAtTheDriversSpeedSetting() {
        var h = Harness()
        h.startAutonomy()
        h.sup.setTeleopSpeed(0.8)
        _ = h.sup.teleop(TeleopCommand(linear: SIMD3(1, 0, 0), deadman: true))
        XCTAssertEqual(h.sup.mode, .takeover)
        XCTAssertEqual(h.tick().sends.first?.0.dx ?? 0, 0.02 * 0.8, accuracy: 1e-12)
        h.sup.setTeleopSpeed(.nan)                            // ignored
        XCTAssertEqual(h.sup.teleopSpeed, 0.8)
        _ = h.sup.operatorEvent(.speedUp)                     // 50 % → 100 %, the override is gone
        _ = h.sup.teleop(TeleopCommand(linear: SIMD3(1, 0, 0), deadman: true))
        XCTAssertEqual(h.tick().sends.first?.0.dx ?? 0, 0.02, accuracy: 1e-12)
    }

    func testStickWithoutDeadmanDuringAutonomyStopsThePolicyButDoesNotMove() {
        var h = Harness()
        h.startAutonomy()
        _ = h.sup.teleop(TeleopCommand(linear: SIMD3(0, 0, 1)))
        XCTAssertEqual(h.sup.mode, .takeover)
        let out = h.tick()
        XCTAssertTrue(out.sends.isEmpty)
    }

    func testUnansweredTakeoverRequestEscalatesToStopAfterBudget() {
        var h = Harness()
        h.startAutonomy()
        h.cameraFrozen = true
        var raisedAt: Double?
        var stoppedAt: Double?
        for _ in 0..<200 {
            let out = h.tick()
            if raisedAt == nil, out.takeoverRequested { raisedAt = h.now }
            if out.hasStop { stoppedAt = h.now; break }
        }
        guard let r = raisedAt, let s = stoppedAt else { return XCTFail("no request or no stop") }
        XCTAssertEqual(h.sup.mode, .estop)
        XCTAssertGreaterThanOrEqual(s - r, 10 - 1e-9)
        XCTAssertLessThanOrEqual(s - r, 10 + h.dt + 1e-9)
    }

    func testAnsweredTakeoverRequestDoesNotEscalate() {
        var h = Harness()
        h.startAutonomy()
        h.cameraStalled = true
        for _ in 0..<6 { _ = h.tick() }
        XCTAssertNotNil(h.sup.pendingTakeover)
        _ = h.sup.operatorEvent(.takeOver)
        XCTAssertNil(h.sup.pendingTakeover)
        for out in h.ticks(150) { XCTAssertFalse(out.hasStop) }
        XCTAssertEqual(h.sup.mode, .takeover)
    }

    func testAcknowledgingWithPauseStaysPausedWithoutEscalation() {
        var h = Harness()
        h.startAutonomy()
        _ = h.sup.report(.objectDropped, detail: "cube left the gripper")
        _ = h.sup.operatorEvent(.pauseToggle)
        XCTAssertEqual(h.sup.mode, .paused)
        for out in h.ticks(150) { XCTAssertFalse(out.hasStop); XCTAssertTrue(out.sends.isEmpty) }
    }

    // Ending runs
    func testPolicyDoneAndTaskSuccessEndAndLabelTheRun() {
        var h = Harness()
        h.startAutonomy()
        XCTAssertEqual(h.tick().requestIds, [])
        let ask = h.tick()                                  // sends the last action and asks for the next chunk
        XCTAssertEqual(ask.sends.count, 1)
        guard let id = ask.requestIds.first else { return XCTFail("expected a request with the last action: \(ask)") }
        let done = h.sup.policyReply(requestId: id, actions: [[0, 0, 0, 0, 1]], done: true)
        XCTAssertEqual(done.outcomes, [.policyDone])
        XCTAssertEqual(h.sup.mode, .idle)
        XCTAssertTrue(h.tick().sends.isEmpty)

        var g = Harness()
        g.startAutonomy()
        XCTAssertEqual(g.sup.taskSucceeded().outcomes, [.success])
        XCTAssertEqual(g.sup.mode, .idle)
    }

    func testActionsPerChunkLimitsOpenLoopExecution() {
        var cfg = SupervisorConfiguration()
        cfg.actionsPerChunk = 2
        var h = Harness(cfg)
        h.startAutonomy(Array(repeating: [0.001, 0, 0, 0, 1], count: 10))
        XCTAssertEqual(h.tick().sends.count, 1)
        XCTAssertEqual(h.tick().requestIds.count, 1, "asks again after 2 of 10")
    }

    /// Action i of a chunk is for the i-th tick after its observation: a reply that arrives for the next tick starts
    /// at its second action, one that took three ticks at its fourth; never past the last.
    func testAlignedChunksSkipTheTicksThatWentByWhileTheyWereComputed() {
        var cfg = SupervisorConfiguration()
        cfg.alignChunksToObservation = true
        cfg.actionsPerChunk = 2
        let rows = (0..<6).map { i in [0.001 * Double(i + 1), 0, 0, 0, 1] }
        var h = Harness(cfg)
        h.startAutonomy(rows)   // requested on the first tick, answered before the second
        XCTAssertEqual(h.tick().sends.map(\.0.dx), [0.002], "the first action was meant for the tick that asked")
        let out = h.tick()
        XCTAssertEqual(out.sends.map(\.0.dx), [0.003], "actionsPerChunk counts from the aligned start")
        let id = try! XCTUnwrap(out.requestIds.first)
        _ = h.ticks(2)   // two ticks held while the reply is computed
        _ = h.sup.policyReply(requestId: id, actions: rows)
        XCTAssertEqual(h.tick().sends.map(\.0.dx), [0.004], "three ticks after its observation: the fourth action")

        var late = Harness(cfg)
        _ = late.sup.submitInstruction("put the red cube in the bin")
        let first = try! XCTUnwrap(late.tick().requestIds.first)
        _ = late.ticks(10)
        _ = late.sup.policyReply(requestId: first, actions: Array(rows.prefix(3)))
        XCTAssertEqual(late.tick().sends.map(\.0.dx), [0.003], "a reply later than its whole chunk still runs its last action")

        var plain = Harness()
        plain.startAutonomy(rows)
        XCTAssertEqual(plain.tick().sends.map(\.0.dx), [0.001], "without alignment a chunk starts at its first action")
    }

    /// With `inTickReplyWait` the request goes out at the start of the tick whose observation it carries, and a
    /// reply handed over before `tick` is executed from its first action on that same tick — eval's timing. The
    /// last action of a chunk asks for nothing; a reply that misses its tick is aligned like any late one.
    func testInTickRepliesStartAtTheChunksFirstActionOnTheTickOfItsObservation() throws {
        var cfg = SupervisorConfiguration()
        cfg.alignChunksToObservation = true
        cfg.actionsPerChunk = 2
        cfg.inTickReplyWait = 0.02
        let rows = (0..<6).map { i in [0.001 * Double(i + 1), 0, 0, 0, 1] }
        var h = Harness(cfg)
        XCTAssertEqual(h.sup.requestAtTickStart().requestIds, [], "no run, no request")
        _ = h.sup.submitInstruction("put the red cube in the bin")
        let first = try XCTUnwrap(h.sup.requestAtTickStart().requestIds.first)
        XCTAssertEqual(h.sup.requestAtTickStart().requestIds, [], "one request in flight at a time")
        _ = h.sup.policyReply(requestId: first, actions: rows)
        let t1 = h.tick()
        XCTAssertEqual(t1.sends.map(\.0.dx), [0.001], "the chunk's first action goes out on its observation's tick")
        XCTAssertEqual(t1.requestIds, [])
        XCTAssertEqual(h.sup.requestAtTickStart().requestIds, [], "the chunk is not used up yet")
        let t2 = h.tick()
        XCTAssertEqual(t2.sends.map(\.0.dx), [0.002])
        XCTAssertEqual(t2.requestIds, [], "the last action does not ask: the next tick does, with its own observation")

        // The next chunk misses its tick: the robot holds, and the reply is used from its second action.
        let second = try XCTUnwrap(h.sup.requestAtTickStart().requestIds.first)
        let missed = h.tick()
        XCTAssertEqual(missed.sends.count, 0)
        XCTAssertEqual(missed.holds, 1)
        XCTAssertEqual(h.sup.requestAtTickStart().requestIds, [], "still waiting for the request in flight")
        _ = h.sup.policyReply(requestId: second, actions: rows)
        XCTAssertEqual(h.tick().sends.map(\.0.dx), [0.002], "one tick late: the action meant for this tick")
    }

    func testNewInstructionDuringARunInterruptsIt() {
        var h = Harness()
        h.startAutonomy()
        let out = h.sup.submitInstruction("wipe the table")
        XCTAssertEqual(out.outcomes, [.interrupted])
        XCTAssertEqual(h.sup.instruction, "wipe the table")
        XCTAssertNil(h.sup.inferenceInFlight)
    }

    func testFrameHashSeesOnePixel() {
        var f = Frame(width: 5, height: 3)
        let a = f.contentHash
        f.pixels[44] = 1
        XCTAssertNotEqual(a, f.contentHash)
        XCTAssertEqual(Frame(width: 5, height: 3).contentHash, a)
    }
}
