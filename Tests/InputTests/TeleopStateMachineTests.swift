// Safety promises 2 and 3, table-driven: a script of inputs, and what each tick must send.
import XCTest
@testable import Input
import RobotKit

final class TeleopStateMachineTests: XCTestCase {
    enum Step {
        case connect(toggle: Bool)
        case frame(stick: Double, deadman: Bool, buttons: Set<ButtonControl> = [])
        case lost
        /// Expected action at this tick.
        case tick(TeleopTickAction)
        case tickEvents([OperatorEvent])
    }

    static func controls(_ stick: Double, _ deadman: Bool, _ buttons: Set<ButtonControl>) -> MappedControls {
        var m = MappedControls()
        m.linear = SIMD3(stick, 0, 0)
        m.pressed = buttons.union(deadman ? [.deadman] : [])
        return m
    }

    static func moving(_ x: Double, gripper: Double? = nil) -> TeleopTickAction {
        .send(TeleopCommand(linear: SIMD3(x, 0, 0), yaw: 0, gripper: gripper, deadman: true))
    }

    struct Scenario { var name: String; var steps: [Step] }

    let scenarios: [Scenario] = [
        Scenario(name: "nothing before a device", steps: [.tick(.nothing), .frame(stick: 1, deadman: true), .tick(.nothing)]),
        Scenario(name: "motion only while the deadman is held", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false), .tick(.nothing),
            .frame(stick: 0.5, deadman: false), .tick(.nothing),               // stick without deadman: nothing
            .frame(stick: 0.5, deadman: true), .tick(moving(0.5)),
            .tick(moving(0.5)),                                                  // held, no new frame: keeps driving
        ]),
        Scenario(name: "release sends exactly one zero command at the next tick, then nothing", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false), .frame(stick: 0.7, deadman: true), .tick(moving(0.7)),
            .frame(stick: 0.7, deadman: false), .tick(.sendZero(.deadmanReleased)), .tick(.nothing), .tick(.nothing),
        ]),
        Scenario(name: "press and release between two ticks sends nothing at all", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false), .frame(stick: 0.5, deadman: true),
            .frame(stick: 0.5, deadman: false), .tick(.nothing), .tick(.nothing),
        ]),
        Scenario(name: "newest frame at the tick boundary wins", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false),
            .frame(stick: 0.1, deadman: true), .frame(stick: 0.2, deadman: true), .frame(stick: 0.3, deadman: true),
            .tick(moving(0.3)),
        ]),
        Scenario(name: "release and re-press between ticks: newest frame (held) drives, no zero", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false), .frame(stick: 0.4, deadman: true), .tick(moving(0.4)),
            .frame(stick: 0.4, deadman: false), .frame(stick: 0.6, deadman: true), .tick(moving(0.6)), .tick(moving(0.6)),
        ]),
        Scenario(name: "lost mid-motion: one zero (hold), status lost, then nothing", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false), .frame(stick: 0.9, deadman: true), .tick(moving(0.9)),
            .lost, .tick(.sendZero(.inputLost)), .tick(.nothing), .frame(stick: 0.9, deadman: true), .tick(.nothing),
        ]),
        Scenario(name: "lost while idle: no zero needed", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false), .lost, .tick(.nothing),
        ]),
        Scenario(name: "after re-plug: deflected stick + held deadman never moves", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false), .frame(stick: 0.9, deadman: true), .tick(moving(0.9)),
            .lost, .tick(.sendZero(.inputLost)),
            .connect(toggle: false), .frame(stick: 0.9, deadman: true), .tick(.nothing),
            .frame(stick: 0, deadman: true), .tick(.nothing),      // neutral but deadman still held from before
            .frame(stick: 0.9, deadman: false), .tick(.nothing),   // deadman up but stick deflected
            .frame(stick: 0.9, deadman: true), .tick(.nothing),    // pressing now is not enough: never was neutral
            .frame(stick: 0, deadman: false), .tick(.nothing),     // neutral and up: ready
            .frame(stick: 0.3, deadman: true), .tick(moving(0.3)), // fresh press: moves
        ]),
        Scenario(name: "first connect also waits for neutral", steps: [
            .connect(toggle: false), .frame(stick: 0.8, deadman: true), .tick(.nothing),
            .frame(stick: 0, deadman: false), .frame(stick: 0.8, deadman: true), .tick(moving(0.8)),
        ]),
        Scenario(name: "button presses between ticks are all delivered once, in order", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false),
            .frame(stick: 0, deadman: false, buttons: [.record]), .frame(stick: 0, deadman: false),
            .frame(stick: 0, deadman: false, buttons: [.markSuccess]), .frame(stick: 0, deadman: false, buttons: [.markSuccess]),
            .tickEvents([.recordToggle, .markSuccess]), .tickEvents([]),
        ]),
        Scenario(name: "stop works without the deadman; a button held at connect is not a press", steps: [
            .connect(toggle: false), .frame(stick: 0, deadman: false, buttons: [.record]), .tickEvents([]),
            .frame(stick: 0, deadman: false, buttons: [.record, .stop]), .tickEvents([.stop]),
        ]),
        Scenario(name: "gripper toggle flips only while the deadman is held", steps: [
            .connect(toggle: true), .frame(stick: 0, deadman: false),
            .frame(stick: 0, deadman: false, buttons: [.gripperToggle]), .frame(stick: 0, deadman: false), .tick(.nothing),
            .frame(stick: 0, deadman: true), .tick(moving(0, gripper: 1)),
            .frame(stick: 0, deadman: true, buttons: [.gripperToggle]), .tick(moving(0, gripper: 0)),
            .frame(stick: 0, deadman: true), .frame(stick: 0, deadman: true, buttons: [.gripperToggle]), .tick(moving(0, gripper: 1)),
        ]),
    ]

    func testScenarios() {
        for s in scenarios {
            var m = TeleopStateMachine()
            for (i, step) in s.steps.enumerated() {
                switch step {
                case .connect(let t): m.deviceConnected(usesGripperToggle: t)
                case .frame(let x, let d, let b): m.frame(Self.controls(x, d, b))
                case .lost: m.deviceLost()
                case .tick(let want): XCTAssertEqual(m.tick().action, want, "\(s.name), step \(i)")
                case .tickEvents(let want): XCTAssertEqual(m.tick().events, want, "\(s.name), step \(i)")
                }
            }
        }
    }

    func testStatusFollowsTheDevice() {
        var m = TeleopStateMachine()
        XCTAssertEqual(m.status, .none)
        m.deviceConnected(usesGripperToggle: false)
        XCTAssertEqual(m.status, .connected)
        m.deviceLost()
        XCTAssertEqual(m.status, .lost)
        m.deviceConnected(usesGripperToggle: false)
        XCTAssertEqual(m.status, .connected)
        XCTAssertEqual(m.phase, .waitingForNeutral)
    }

    /// Property: whatever the input sequence, a tick never drives motion unless the newest frame holds the deadman,
    /// and a zero command only ever follows motion (one zero per stop, never repeated).
    func testRandomSequencesNeverMoveWithoutDeadman() {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            var m = TeleopStateMachine()
            var deadmanInNewest = false
            var connected = false
            var previousAction: TeleopTickAction = .nothing   // last tick action that was not .nothing
            for _ in 0..<60 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: m.deviceConnected(usesGripperToggle: false); connected = true; deadmanInNewest = false
                case 1: m.deviceLost(); connected = false; deadmanInNewest = false
                case 2...6:
                    let d = Bool.random(using: &rng)
                    m.frame(Self.controls(Bool.random(using: &rng) ? 0 : Double.random(in: -1...1, using: &rng), d, []))
                    if connected { deadmanInNewest = d }
                default:
                    let a = m.tick().action
                    if case .send(let c) = a {
                        XCTAssertTrue(connected && deadmanInNewest && c.deadman)
                    }
                    // A zero only ever ends motion: it follows a motion command, never another zero or silence.
                    if case .sendZero = a {
                        guard case .send = previousAction else { return XCTFail("zero without motion before it") }
                    }
                    if a != .nothing { previousAction = a }
                }
            }
        }
    }
}
