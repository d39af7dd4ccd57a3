import XCTest
import RobotKit
@testable import Supervisor

/// Each exception kind: how it is provoked, and that it holds, alerts with a bell and never sends the bad action.
final class ExceptionTests: XCTestCase {
    // Promise 4: the bad chunk never reaches the robot.
    func testBadChunksAreRejectedWhole() {
        let cases: [(String, [[Double]], SupervisorException)] = [
            ("NaN", [[0.01, 0, 0, 0, 1], [.nan, 0, 0, 0, 1]], .nonFiniteAction),
            ("infinity", [[0, 0, .infinity, 0, 1]], .nonFiniteAction),
            ("7-D row", [[0, 0, 0, 0, 0, 0, 1]], .wrongShapeAction),
            ("empty", [], .wrongShapeAction),
            ("metres not centimetres", [[0.5, 0, 0, 0, 1]], .outOfRangeAction),
            ("yaw in degrees", [[0, 0, 0, 45, 1]], .outOfRangeAction),
            ("gripper -1 convention", [[0, 0, 0, 0, -1]], .outOfRangeAction),
            ("too long", Array(repeating: [0, 0, 0, 0, 1], count: 513), .wrongShapeAction),
        ]
        for (name, rows, kind) in cases {
            var h = Harness()
            _ = h.sup.submitInstruction("pick")
            guard let id = h.tick().requestIds.first else { XCTFail(name); continue }
            let out = h.sup.policyReply(requestId: id, actions: rows)
            XCTAssertEqual(out.alerts.first?.exception, kind, name)
            XCTAssertTrue(out.takeoverRequested, name)
            XCTAssertTrue(out.alerts.first?.bell ?? false, name)
            XCTAssertEqual(h.sup.mode, .paused, name)
            for t in h.ticks(3) { XCTAssertTrue(t.sends.isEmpty, name) }
        }
    }

    func testOversizedStepIsClampedLoggedAndSent() {
        var h = Harness()
        h.startAutonomy([[0.05, -0.03, 0, 0.3, 1.1]])
        let out = h.tick()
        XCTAssertEqual(out.sends.first?.0, Action(dx: 0.02, dy: -0.02, dz: 0, dyaw: 0.1, gripper: 1))
        XCTAssertTrue(out.logs.contains { $0.contains("clamped") })
        XCTAssertEqual(h.sup.mode, .autonomy)
    }

    // Promise 5
    func testMissedDeadlineHoldsAndTheLateReplyIsNeverExecuted() {
        var h = Harness()
        _ = h.sup.submitInstruction("pick")
        guard let id = h.tick().requestIds.first else { return XCTFail() }
        var raised: [SupervisorAction] = []
        for _ in 0..<10 { raised += h.tick() }             // 1.0 s: exactly at the deadline, not past it
        XCTAssertFalse(raised.takeoverRequested)
        let miss = h.tick()
        XCTAssertEqual(miss.alerts.first?.exception, .missedDeadline)
        XCTAssertEqual(h.sup.mode, .paused)
        let late = h.sup.policyReply(requestId: id, actions: [[0.01, 0, 0, 0, 1]])
        XCTAssertTrue(late.logs.contains { $0.contains("dropped") })
        _ = h.sup.operatorEvent(.handBack)                  // even back in autonomy the old reply stays dead
        let again = h.sup.policyReply(requestId: id, actions: [[0.01, 0, 0, 0, 1]])
        XCTAssertTrue(again.logs.contains { $0.contains("dropped") })
        XCTAssertTrue(h.tick().sends.isEmpty)
    }

    func testAReplyArrivingAfterItsDeadlineIsDroppedEvenBeforeTheTickNotices() {
        var h = Harness()
        _ = h.sup.submitInstruction("pick")
        guard let id = h.tick().requestIds.first else { return XCTFail() }
        h.clock.advance(by: 1.5)
        let out = h.sup.policyReply(requestId: id, actions: [[0.01, 0, 0, 0, 1]])
        XCTAssertEqual(out.alerts.first?.exception, .missedDeadline)
        XCTAssertTrue(h.tick().sends.isEmpty)
    }

    func testSupersededRequestsReplyIsDropped() {
        var h = Harness()
        _ = h.sup.submitInstruction("pick")
        guard let first = h.tick().requestIds.first else { return XCTFail() }
        _ = h.sup.submitInstruction("place")               // new run: request `first` is superseded
        guard let second = h.tick().requestIds.first else { return XCTFail() }
        XCTAssertNotEqual(first, second)
        XCTAssertTrue(h.sup.policyReply(requestId: first, actions: [[0.02, 0, 0, 0, 1]]).logs.contains { $0.contains("dropped") })
        XCTAssertTrue(h.tick().sends.isEmpty)
        _ = h.sup.policyReply(requestId: second, actions: [[0.001, 0, 0, 0, 1]])
        XCTAssertEqual(h.tick().sends.first?.0.dx, 0.001)
    }

    func testPolicyErrorHoldsWithItsMessage() {
        var h = Harness()
        _ = h.sup.submitInstruction("pick")
        guard let id = h.tick().requestIds.first else { return XCTFail() }
        let out = h.sup.policyError(requestId: id, message: "server error: Traceback (most recent call last)")
        XCTAssertEqual(out.alerts.first?.exception, .policyFailed)
        XCTAssertTrue(out.alerts.first?.message.contains("Traceback") ?? false)
    }

    // Promise 6 and the observation checks: (setup, expected kind, ticks allowed before it fires).
    func testObservationExceptions() {
        var ws = SupervisorConfiguration()
        ws.workspace = Workspace(min: SIMD3(0, -0.5, 0), max: SIMD3(0.6, 0.5, 0.5))
        ws.jointLimits = [-1...1, -1...1, -1...1]
        let cases: [(String, SupervisorConfiguration, (inout Harness) -> Void, SupervisorException, Int)] = [
            ("stale camera", .init(), { $0.cameraStalled = true }, .staleCamera, 6),
            ("frozen camera", .init(), { $0.cameraFrozen = true }, .frozenCamera, 31),
            ("contact force", .init(), { $0.contactForce = 55 }, .contactForce, 1),
            ("dropped", .init(), { $0.objectIncident = ObjectIncident(.dropped, detail: "slipped") }, .objectDropped, 1),
            ("pushed", .init(), { $0.objectIncident = ObjectIncident(.pushed, detail: "moved 5 cm") }, .objectPushed, 1),
            ("workspace", ws, { $0.position = SIMD3(0.7, 0, 0.2) }, .workspaceBounds, 1),
            ("joint limit", ws, { $0.joints = [0, 1.2, 0] }, .jointLimits, 1),
            ("no progress", .init(), { $0.dt = 1 }, .noProgress, 12),
        ]
        for (name, cfg, provoke, kind, within) in cases {
            var h = Harness(cfg)
            // Zero-motion chunk so the robot does not move (needed for "no progress"), answered every time.
            _ = h.sup.submitInstruction("pick")
            provoke(&h)
            var got: SupervisorAlert?
            var ticks = 0
            while got == nil && ticks < within + 2 {
                let out = h.tick()
                ticks += 1
                for id in out.requestIds { _ = h.sup.policyReply(requestId: id, actions: [[0, 0, 0, 0, 1]]) }
                got = out.alerts.first(where: { $0.takeoverRequested })
                if got != nil { XCTAssertTrue(out.sends.isEmpty, name) }
            }
            XCTAssertEqual(got?.exception, kind, name)
            XCTAssertLessThanOrEqual(ticks, within, name)
            XCTAssertEqual(h.sup.mode, .paused, name)
        }
    }

    func testAutonomyStepThatWouldLeaveTheWorkspaceIsNotSent() {
        var cfg = SupervisorConfiguration()
        cfg.workspace = Workspace(min: SIMD3(0, -0.5, 0), max: SIMD3(0.405, 0.5, 0.5))
        var h = Harness(cfg)
        h.startAutonomy([[0.01, 0, 0, 0, 1]])
        let out = h.tick()
        XCTAssertTrue(out.sends.isEmpty)
        XCTAssertEqual(out.alerts.first?.exception, .workspaceBounds)
    }

    func testTeleopCannotPushOutOfTheWorkspace() {
        var cfg = SupervisorConfiguration()
        cfg.workspace = Workspace(min: SIMD3(0, -0.5, 0), max: SIMD3(0.405, 0.5, 0.5))
        var h = Harness(cfg)
        _ = h.sup.teleop(TeleopCommand(linear: SIMD3(1, 1, 0), deadman: true))
        let a = h.tick().sends.first?.0
        XCTAssertEqual(a?.dx, 0)
        XCTAssertEqual(a?.dy ?? 0, 0.01, accuracy: 1e-12)
    }
}
