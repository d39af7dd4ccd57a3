import XCTest
import RobotKit
@testable import Supervisor

/// Every (mode, input) pair → the mode after it, as one table.
final class TransitionTableTests: XCTestCase {
    enum Input: String, CaseIterable {
        case stop, rearm, takeOver, handBack, startAutonomy, pauseToggle
        case padDeadman, padStickNoDeadman, instruction, inputLost, taskSuccess, markFailure
    }

    /// Reaches `mode` the way an operator would.
    func harness(in mode: OperatingMode) -> Harness {
        var h = Harness()
        switch mode {
        case .idle: break
        case .teleop: _ = h.sup.teleop(TeleopCommand(linear: SIMD3(1, 0, 0), deadman: true))
        case .autonomy: h.startAutonomy()
        case .paused: h.startAutonomy(); _ = h.sup.operatorEvent(.pauseToggle)
        case .takeover: h.startAutonomy(); _ = h.sup.operatorEvent(.takeOver)
        case .estop: _ = h.sup.operatorEvent(.stop)
        }
        XCTAssertEqual(h.sup.mode, mode, "recipe for \(mode)")
        return h
    }

    func apply(_ input: Input, to h: inout Harness) -> [SupervisorAction] {
        switch input {
        case .stop: h.sup.operatorEvent(.stop)
        case .rearm: h.sup.operatorEvent(.rearm)
        case .takeOver: h.sup.operatorEvent(.takeOver)
        case .handBack: h.sup.operatorEvent(.handBack)
        case .startAutonomy: h.sup.operatorEvent(.startAutonomy)
        case .pauseToggle: h.sup.operatorEvent(.pauseToggle)
        case .padDeadman: h.sup.teleop(TeleopCommand(linear: SIMD3(0, 1, 0), deadman: true))
        case .padStickNoDeadman: h.sup.teleop(TeleopCommand(linear: SIMD3(0, 1, 0), deadman: false))
        case .instruction: h.sup.submitInstruction("stack the blocks")
        case .inputLost: h.sup.inputDeviceLost("unplugged")
        case .taskSuccess: h.sup.taskSucceeded()
        case .markFailure: h.sup.operatorEvent(.markFailure)
        }
    }

    // Columns in Input.allCases order:
    //          stop    rearm   takeOver handBack start  pause   deadman stick  instr  lost   success failure
    let table: [OperatingMode: [OperatingMode]] = [
        .idle:     [.estop, .idle, .teleop, .idle, .idle, .idle, .teleop, .idle, .autonomy, .idle, .idle, .idle],
        .teleop:   [.estop, .teleop, .teleop, .teleop, .teleop, .teleop, .teleop, .teleop, .autonomy, .paused, .teleop, .teleop],
        .autonomy: [.estop, .autonomy, .takeover, .autonomy, .autonomy, .paused, .takeover, .takeover, .autonomy, .paused, .idle, .idle],
        .paused:   [.estop, .paused, .takeover, .autonomy, .autonomy, .autonomy, .takeover, .paused, .autonomy, .paused, .idle, .idle],
        .takeover: [.estop, .takeover, .takeover, .autonomy, .autonomy, .paused, .takeover, .takeover, .autonomy, .paused, .idle, .idle],
        .estop:    [.estop, .idle, .estop, .estop, .estop, .estop, .estop, .estop, .estop, .estop, .estop, .estop],
    ]

    func testEveryModeAndInput() {
        for mode in OperatingMode.allCases {
            guard let row = table[mode] else { XCTFail("no row for \(mode)"); continue }
            XCTAssertEqual(row.count, Input.allCases.count)
            for (input, expected) in zip(Input.allCases, row) {
                var h = harness(in: mode)
                let out = apply(input, to: &h)
                XCTAssertEqual(h.sup.mode, expected, "\(mode) + \(input)")
                // A mode change is always announced, and announced truthfully.
                let changes = out.compactMap { if case .modeChanged(let f, let t) = $0 { (f, t) } else { nil } }
                if expected != mode {
                    XCTAssertEqual(changes.last?.1, expected, "\(mode) + \(input) announces its new mode")
                } else {
                    XCTAssertTrue(changes.isEmpty || changes.last?.1 == mode, "\(mode) + \(input): \(changes)")
                }
                // Whatever happened, the next tick makes exactly one motion decision, and a stop never moves.
                let next = h.tick()
                XCTAssertEqual(next.motionDecisions, 1, "\(mode) + \(input) then tick: \(next)")
                if h.sup.mode == .estop || h.sup.mode == .idle || h.sup.mode == .paused {
                    XCTAssertTrue(next.sends.isEmpty, "\(mode) + \(input): no motion in \(h.sup.mode)")
                }
            }
        }
    }

    func testStopEndsARunningEpisodeAsStopped() {
        var h = harness(in: .autonomy)
        let out = h.sup.operatorEvent(.stop)
        XCTAssertEqual(out.outcomes, [.stopped])
        XCTAssertTrue(out.hasStop)
    }

    func testInputLostDuringAutonomyRequestsATakeover() {
        var h = harness(in: .autonomy)
        let out = h.sup.inputDeviceLost("event5 vanished")
        XCTAssertTrue(out.takeoverRequested)
        XCTAssertEqual(h.sup.pendingTakeover?.exception, .inputDeviceLost)
        XCTAssertTrue(out.alerts.contains { $0.bell && $0.message.contains("event5 vanished") })
    }
}
