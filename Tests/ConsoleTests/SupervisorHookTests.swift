// The supervision hook driven through the real ConsoleController, tick by tick, with a manual clock and a
// scripted policy on the real PolicyRunner thread (`awaitInference` waits on the runner's condition, no sleeps).
import Foundation
import Input
import Policy
import RobotKit
import Supervisor
import TerminalUI
import XCTest
@testable import Console
@testable import Episodes

/// Returns a fixed chunk; `poison` switches it to NaN actions. Touched by the runner thread only after setup,
/// and `poison` is behind a lock.
final class ScriptedTestPolicy: Policy, @unchecked Sendable {
    // @unchecked: `poisoned` is read and written under `lock`; everything else is immutable.
    let name = "scripted-test"
    let chunkSize = 4
    let row: [Double]
    /// Seconds each chunk takes (a model slower than the tick).
    let delay: Double
    private let lock = NSLock()
    private var poisoned = false
    private(set) var requests = 0
    init(row: [Double], delay: Double = 0) { self.row = row; self.delay = delay }
    func poison() { lock.lock(); poisoned = true; lock.unlock() }
    func reset() {}
    func infer(_ request: PolicyRequest) throws -> ActionChunk {
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        lock.lock(); defer { lock.unlock() }
        requests += 1
        let r = poisoned ? row.map { _ in Double.nan } : row
        return ActionChunk(actions: Array(repeating: r, count: chunkSize), inferenceMs: 3)
    }
}

final class SupervisorHookTests: XCTestCase {
    final class Fixture: ConsoleRig {
        let policy: ScriptedTestPolicy
        let hook: SupervisorHook
        var bells = 0
        let inTickWait: Double?
        init(withPolicy: Bool = true, budget: Double = 10, inTickWait: Double? = nil, policyDelay: Double = 0,
             success: (() -> Bool)? = nil) {
            policy = ScriptedTestPolicy(row: [0.01, 0, 0, 0, 1], delay: policyDelay)
            let clock = ManualClock(100), robot = TestRobot()
            var config = SupervisorConfiguration()
            config.limits = robot.limits
            config.takeoverBudget = budget
            config.inTickReplyWait = inTickWait
            self.inTickWait = inTickWait
            var ring: () -> Void = {}
            hook = SupervisorHook(configuration: config, clock: clock,
                                  runner: withPolicy ? PolicyRunner(policy: policy, clock: clock) : nil,
                                  unavailable: withPolicy ? nil : "no model in this test", world: WorldChecks(isSuccess: success),
                                  bell: { ring() })
            super.init(clock: clock, robot: robot, instruction: "push the cube away")
            ring = { [unowned self] in self.bells += 1 }
            controller.hooks.append(hook)
        }
        /// The policy's reply lands before the next tick, as it would on a fast machine (with an in-tick wait the
        /// tick itself waits, and nothing is awaited here).
        override func afterTick() { if inTickWait == nil { hook.awaitInference() } }
        var mode: OperatingMode { model.snapshot().mode }
        func startAutonomy() throws {
            try tick(2)                                       // the hook has seen an observation
            model.request(.instruction("push the cube away"))
            try tick(6)
        }
    }

    func testEnterStartsAutonomyAndThePolicyDrivesTheRobot() throws {
        let f = Fixture()
        try f.startAutonomy()
        XCTAssertEqual(f.mode, .autonomy)
        XCTAssertEqual(f.robot.sent.last?.dx ?? 0, 0.01, accuracy: 1e-12, "the policy's action reaches the robot")
        XCTAssertGreaterThan(f.policy.requests, 0)
        let panel = try XCTUnwrap(f.model.snapshot().extraPanels.first { $0.title == "Autonomy" })
        let text = panel.lines.map { $0.map(\.text).joined() }.joined(separator: "\n")
        XCTAssertTrue(text.contains("scripted-test") && text.contains("push the cube away") && text.contains("3 ms"), text)
        XCTAssertTrue(text.contains("chunk "), text)
    }

    /// The built-in model's setting: the tick that starts the run asks, waits on the runner thread and sends the
    /// chunk's first action itself; every later tick moves, and each chunk of 4 is asked for on the tick after its
    /// last action.
    func testWithAnInTickWaitTheTickThatAsksSendsTheChunksFirstAction() throws {
        let f = Fixture(inTickWait: 5)
        try f.tick(2)
        f.model.request(.instruction("push the cube away"))
        try f.tick(1)
        XCTAssertEqual(f.mode, .autonomy)
        XCTAssertEqual(f.robot.sent.last?.dx ?? 0, 0.01, accuracy: 1e-12, "the run's first tick already moves")
        try f.tick(9)
        XCTAssertEqual(f.robot.sent.suffix(10).filter { abs($0.dx - 0.01) < 1e-12 }.count, 10, "no tick held for the policy")
        XCTAssertEqual(f.policy.requests, 3, "ticks 1, 5 and 9 ask")
    }

    /// A model slower than the tick's wait: that tick holds, the chunk is used from a later tick (aligned), and the
    /// panel says how many chunks came late.
    func testAChunkLaterThanTheInTickWaitHoldsThatTickAndIsCounted() throws {
        let f = Fixture(inTickWait: 0.005, policyDelay: 0.2)
        try f.tick(2)
        f.model.request(.instruction("push the cube away"))
        try f.tick(1)
        XCTAssertEqual(f.mode, .autonomy)
        XCTAssertEqual(f.robot.sent.last?.dx ?? 1, 0, "the tick that asked held")
        XCTAssertEqual(f.hook.loop.inTickChunks.late, 1)
        f.hook.awaitInference()
        try f.tick(1)
        XCTAssertEqual(f.robot.sent.last?.dx ?? 0, 0.01, accuracy: 1e-12, "the late chunk drives")
        let panel = try XCTUnwrap(f.model.snapshot().extraPanels.first { $0.title == "Autonomy" })
        let text = panel.lines.map { $0.map(\.text).joined() }.joined(separator: "\n")
        XCTAssertTrue(text.contains("late chunks 1 of 1"), text)
    }

    func testTeleopKeyTakesOverOnTheNextTickWithoutAJumpAndHandBackResumes() throws {
        let f = Fixture()
        try f.startAutonomy()
        let before = f.robot.sent.count
        let gripperBefore = f.robot.gripper
        f.keyboard.press(.char("a"))                          // +y: a teleop key during autonomy
        try f.tick()
        XCTAssertEqual(f.mode, .takeover, "takeover on the very next tick")
        let a = try XCTUnwrap(f.robot.sent.last)
        XCTAssertEqual(f.robot.sent.count, before + 1)
        XCTAssertEqual(a.dx, 0, accuracy: 1e-12, "no policy motion after the takeover")
        XCTAssertGreaterThan(a.dy, 0, "the human's command moves the robot at once")
        XCTAssertLessThanOrEqual(abs(a.dy), f.robot.limits.maxTranslation + 1e-12, "a per-tick delta from where it is, no jump")
        XCTAssertEqual(a.gripper, gripperBefore, "the gripper keeps its target (bumpless)")
        XCTAssertNotNil(f.model.snapshot().alert)
        XCTAssertGreaterThan(f.bells, 0, "takeover rings the bell")

        try f.tick(20)                                        // the key runs out: the human holds
        XCTAssertEqual(f.mode, .takeover, "control returns to the policy only on an explicit hand-back")
        f.keyboard.press(.char("h"))
        try f.tick(4)
        XCTAssertEqual(f.mode, .autonomy)
        XCTAssertEqual(f.hook.supervisor.instruction, "push the cube away", "same instruction after hand-back")
        XCTAssertEqual(f.robot.sent.last?.dx ?? 0, 0.01, accuracy: 1e-12, "the policy drives again")
    }

    /// Takeover moves at the operator's +/- speed setting (the console's), not at the supervisor's own default level.
    func testTakeoverUsesTheConsolesSpeedSetting() throws {
        for (key, presses, scale) in [("+", 1, 0.75), ("+", 2, 1.0), ("-", 2, 0.1)] {
            let f = Fixture()
            for _ in 0..<presses { f.keyboard.press(.char(Character(key))); try f.tick() }
            XCTAssertEqual(f.controller.speedScale, scale, accuracy: 1e-12)
            try f.startAutonomy()
            f.keyboard.press(.char("a"))                      // +y at full deflection
            try f.tick()
            XCTAssertEqual(f.mode, .takeover)
            XCTAssertEqual(f.robot.sent.last?.dy ?? 0, f.robot.limits.maxTranslation * scale, accuracy: 1e-12,
                           "\(presses) × '\(key)': takeover at \(scale) of the limit")
            XCTAssertEqual(f.hook.supervisor.teleopSpeed, scale, accuracy: 1e-12)
        }
    }

    func testTakeoverStepsAreFlaggedInterventionInTheRecording() throws {
        let root = NSTemporaryDirectory() + "vlaterm-suphook-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let f = Fixture()
        let store = try SessionStore.openOrCreate(root: root, name: "s", robot: f.robot.name, cameras: f.robot.cameras, fps: 20)
        let rec = SessionRecorder(session: store, capacity: 512)
        f.controller.hooks.append(RecordingHook(recorder: rec, sessionName: "s", limits: f.robot.limits, resetSeconds: 1))
        try f.tick(2)
        f.model.request(.operatorEvent(.recordToggle))
        f.model.request(.instruction("push the cube away"))
        try f.tick(6)
        f.keyboard.press(.char("a"))
        try f.tick(3)
        f.keyboard.press(.char("h"))
        try f.tick(4)
        f.model.request(.operatorEvent(.markSuccess))
        try f.tick()
        rec.drain(); rec.close()
        let m = try SessionStore.open(directory: root + "/s").manifest
        let ep = try EpisodeReader.read(path: root + "/s/" + m.episodes[0].file)
        let flags = ep.steps.map(\.intervention)
        XCTAssertTrue(flags.contains(true), "takeover steps are flagged")
        XCTAssertTrue(flags.contains(false), "policy steps are not")
        XCTAssertTrue(ep.steps.filter(\.intervention).allSatisfy { $0.source == .teleop })
        XCTAssertTrue(ep.steps.contains { $0.source == .autonomy && !$0.intervention })
    }

    func testNaNActionsNeverReachTheRobotAndAnUnansweredRequestStops() throws {
        let f = Fixture(budget: 2)
        try f.startAutonomy()
        f.policy.poison()
        let from = f.robot.sent.count
        try f.tick(10)
        XCTAssertNotEqual(f.mode, .autonomy, "a NaN chunk holds")
        XCTAssertTrue(f.model.snapshot().alert?.contains("non-finite") ?? false, f.model.snapshot().alert ?? "no alert")
        XCTAssertTrue(f.model.snapshot().log.contains { $0.text.contains("nonFiniteAction") })
        XCTAssertGreaterThan(f.bells, 0)
        try f.tick(50)                                        // 2.5 s > the 2 s budget, nobody answers
        XCTAssertEqual(f.mode, .estop, "an unanswered takeover request ends in a stop")
        let after = f.robot.sent[from...]
        XCTAssertTrue(after.allSatisfy { $0.isFinite }, "no NaN reached the robot")
        XCTAssertTrue(f.robot.sent.suffix(50).allSatisfy(\.isZeroMotion), "held still from the exception on")
        // Latched: Enter does not restart; re-arm goes to IDLE without motion.
        f.model.request(.instruction("push the cube away"))
        try f.tick(3)
        XCTAssertEqual(f.mode, .estop)
        f.keyboard.press(.char("R"))
        try f.tick(3)
        XCTAssertEqual(f.mode, .idle)
        XCTAssertTrue(f.robot.sent.suffix(3).allSatisfy(\.isZeroMotion))
    }

    func testPauseAndStopDuringAutonomy() throws {
        let f = Fixture()
        try f.startAutonomy()
        f.keyboard.press(.char("p"))
        try f.tick(3)
        XCTAssertEqual(f.mode, .paused)
        XCTAssertTrue(f.robot.sent.suffix(2).allSatisfy(\.isZeroMotion))
        f.keyboard.press(.char("p"))
        try f.tick(4)
        XCTAssertEqual(f.mode, .autonomy, "resume goes back to the run")
        f.keyboard.press(.char(" "))
        try f.tick(3)
        XCTAssertEqual(f.mode, .estop)
        XCTAssertEqual(f.hook.supervisor.mode, .estop, "the controller's stop reaches the supervisor")
        XCTAssertTrue(f.robot.sent.suffix(2).allSatisfy(\.isZeroMotion))
    }

    func testTaskSuccessEndsTheRun() throws {
        var done = false
        let f = Fixture(success: { done })
        try f.startAutonomy()
        done = true
        try f.tick(2)
        XCTAssertEqual(f.mode, .idle)
        XCTAssertEqual(f.hook.lastOutcome, .success)
        XCTAssertTrue(f.robot.sent.last?.isZeroMotion ?? false)
    }

    func testWithoutAPolicyEnterLogsWhyAndStaysIdle() throws {
        let f = Fixture(withPolicy: false)
        try f.startAutonomy()
        XCTAssertEqual(f.mode, .idle)
        XCTAssertTrue(f.model.snapshot().log.contains { $0.text.contains("no model in this test") })
        XCTAssertTrue(f.robot.sent.allSatisfy(\.isZeroMotion))
    }

    func testLosingTheGamepadDuringAutonomyHoldsAndRequestsATakeover() throws {
        let f = Fixture()
        var lost: String?
        f.hook.inputLost = { lost }
        try f.startAutonomy()
        lost = "gamepad unplugged"
        try f.tick(3)
        XCTAssertNotEqual(f.mode, .autonomy)
        XCTAssertEqual(f.hook.supervisor.pendingTakeover?.exception, .inputDeviceLost)
        XCTAssertTrue(f.robot.sent.suffix(2).allSatisfy(\.isZeroMotion))
        XCTAssertGreaterThan(f.bells, 0)
    }
}
