// Every shipped keymap has an evemu recording of its pad (Fixtures/*.evemu, evemu-record format). Each is
// replayed through the production path (ReplayGamepadSource → frame assembler → keymap → deadman state
// machine) with a manual clock ticking at 20 Hz, and the commands must be exactly what the keymap says.
// Expected numbers were computed independently (Python, from the formulas in keymaps/README.md) from
// the raw values in each recording:
//   t=0.512 deadman down; t=0.612 left stick fully up + part right; t=0.712 right stick half up, a little
//   right (inside the deadzone), right trigger 60 %; t=0.812 sticks back to rest; t=0.912 deadman up;
//   t=1.012/1.062 south button pressed/released (record).
import XCTest
@testable import Input
import RobotKit

final class FixtureReplayTests: XCTestCase {
    struct Case {
        var fixture: String
        var keymap: String
        var x1: Double, y1: Double       // after the 0.612 frame
        var z2: Double                   // after the 0.712 frame (yaw stays 0: inside the deadzone)
        var gripper2: Double             // gripper target after 0.712
        var gripper3: Double             // gripper target after 0.812 (differs only with a toggle)
    }

    let cases: [Case] = [
        Case(fixture: "xbox-360.evemu", keymap: "Xbox 360 (xpad)", x1: 1, y1: -0.38749037646103446, z2: 0.3264211481665714,
             gripper2: 0.42105263157894746, gripper3: 0.42105263157894746),
        Case(fixture: "xbox-one-series.evemu", keymap: "Xbox One / Series (xpad)", x1: 1, y1: -0.38749037646103446,
             z2: 0.3264211481665714, gripper2: 0.4208468385038844, gripper3: 0.4208468385038844),
        Case(fixture: "dualshock4.evemu", keymap: "DualShock 4", x1: 1, y1: -0.3986490060415038, z2: 0.33553808528726,
             gripper2: 0.42105263157894746, gripper3: 0.42105263157894746),
        Case(fixture: "dualsense.evemu", keymap: "DualSense", x1: 1, y1: -0.3986490060415038, z2: 0.33553808528726,
             gripper2: 0.42105263157894746, gripper3: 0.42105263157894746),
        Case(fixture: "8bitdo-xinput.evemu", keymap: "8BitDo (X-input)", x1: 1, y1: -0.38749037646103446,
             z2: 0.3264211481665714, gripper2: 0.42105263157894746, gripper3: 0.42105263157894746),
        Case(fixture: "8bitdo-dinput.evemu", keymap: "8BitDo (D-input)", x1: 1, y1: -0.3986490060415038,
             z2: 0.33553808528726, gripper2: 0.42105263157894746, gripper3: 0.42105263157894746),
        Case(fixture: "logitech-f310.evemu", keymap: "Logitech F310 (X-input)", x1: 1, y1: -0.38749037646103446,
             z2: 0.3264211481665714, gripper2: 0.42105263157894746, gripper3: 0.42105263157894746),
        // Switch Pro Controller: no keymap names it, so the kernel-spec default applies; gripper is a toggle
        // (right shoulder pressed at 0.822 while the deadman is held → closed).
        Case(fixture: "linux-gamepad.evemu", keymap: "Linux gamepad (kernel spec)", x1: 1, y1: -0.38751539809993396,
             z2: 0.3264437202250248, gripper2: 1, gripper3: 0),
    ]

    /// Replays a fixture, ticking every 50 ms from 0 to 1.3 s; returns the tick actions and events by tick index.
    func replay(_ file: String) throws -> (GamepadTeleop, [TeleopTick]) {
        let rec = try EvemuParser.parse(fileAt: TestPaths.fixture(file))
        let source = try ReplayGamepadSource(recording: rec, label: file)
        let teleop = GamepadTeleop(source: source, library: shippedLibrary())
        var ticks: [TeleopTick] = []
        for i in 0...26 { ticks.append(teleop.poll(now: Double(i) * 0.05)) }
        return (teleop, ticks)
    }

    func assertCommand(_ a: TeleopTickAction, x: Double, y: Double, z: Double, yaw: Double, gripper: Double,
                       _ msg: String, line: UInt = #line) {
        guard case .send(let c) = a else { return XCTFail("\(msg): expected a motion command, got \(a)", line: line) }
        XCTAssertTrue(c.deadman, msg, line: line)
        XCTAssertEqual(c.linear.x, x, accuracy: 1e-9, "\(msg) x", line: line)
        XCTAssertEqual(c.linear.y, y, accuracy: 1e-9, "\(msg) y", line: line)
        XCTAssertEqual(c.linear.z, z, accuracy: 1e-9, "\(msg) z", line: line)
        XCTAssertEqual(c.yaw, yaw, accuracy: 1e-9, "\(msg) yaw", line: line)
        XCTAssertEqual(c.gripper ?? -1, gripper, accuracy: 1e-9, "\(msg) gripper", line: line)
    }

    func testEveryShippedKeymapHasAFixtureThatDrivesExactlyAsTheKeymapSays() throws {
        let shipped = try FileManager.default.contentsOfDirectory(atPath: TestPaths.keymaps).filter { $0.hasSuffix(".toml") }
        XCTAssertEqual(Set(shipped.map { $0.replacingOccurrences(of: ".toml", with: ".evemu") }), Set(cases.map(\.fixture)),
                       "one fixture per shipped keymap")
        for c in cases {
            let (teleop, ticks) = try replay(c.fixture)
            let name = c.fixture
            // Keymap chosen through libevdev's view of the recorded device.
            XCTAssertEqual(teleop.view.keymapName, c.keymap, name)
            // 0.00 … 0.50: pad at rest, deadman up → nothing at all.
            for i in 0...10 { XCTAssertEqual(ticks[i].action, .nothing, "\(name) tick \(i)") }
            // 0.55, 0.60: deadman held, sticks at rest → zero motion but deadman true; gripper open.
            for i in 11...12 { assertCommand(ticks[i].action, x: 0, y: 0, z: 0, yaw: 0, gripper: 1, "\(name) tick \(i)") }
            // 0.65, 0.70: left stick.
            for i in 13...14 { assertCommand(ticks[i].action, x: c.x1, y: c.y1, z: 0, yaw: 0, gripper: 1, "\(name) tick \(i)") }
            // 0.75, 0.80: right stick + trigger.
            for i in 15...16 { assertCommand(ticks[i].action, x: c.x1, y: c.y1, z: c.z2, yaw: 0, gripper: c.gripper2, "\(name) tick \(i)") }
            // 0.85, 0.90: sticks at rest again, deadman still held.
            for i in 17...18 { assertCommand(ticks[i].action, x: 0, y: 0, z: 0, yaw: 0, gripper: c.gripper3, "\(name) tick \(i)") }
            // 0.95: deadman released at 0.912 → exactly one zero command; then nothing.
            XCTAssertEqual(ticks[19].action, .sendZero(.deadmanReleased), name)
            XCTAssertEqual(ticks[19].action.command, TeleopCommand(deadman: false), name)
            for i in 20...26 { XCTAssertEqual(ticks[i].action, .nothing, "\(name) tick \(i)") }
            // 1.05: the south button (record) was pressed at 1.012 → one recordToggle, no motion.
            XCTAssertEqual(ticks.flatMap(\.events), [.recordToggle], name)
            XCTAssertEqual(ticks[21].events, [.recordToggle], name)
            // After the last event the recording ends like an unplugged pad.
            XCTAssertEqual(teleop.status, .lost, name)
        }
    }

    func testSynDroppedHalfFrameInTheDualShockRecordingIsNeverActedOn() throws {
        // dualshock4.evemu has, at 0.662, "ABS_RY 0 (right stick fully up), SYN_DROPPED, ABS_RX 0, SYN_REPORT".
        // Had any of it been applied, z would be +1 at the 0.70 tick.
        let (_, ticks) = try replay("dualshock4.evemu")
        assertCommand(ticks[14].action, x: 1, y: -0.3986490060415038, z: 0, yaw: 0, gripper: 1, "tick 0.70")
    }

    func testUnplugMidMotionHoldsOnceAndReportsInputLost() throws {
        // The Xbox recording cut right after the stick frame at 0.612: the pad vanishes while moving.
        var rec = try EvemuParser.parse(fileAt: TestPaths.fixture("xbox-360.evemu"))
        rec.events = Array(rec.events.prefix { $0.time <= 0.62 })
        let teleop = GamepadTeleop(source: try ReplayGamepadSource(recording: rec, label: "cut"), library: shippedLibrary())
        var actions: [TeleopTickAction] = []
        for i in 0...20 { actions.append(teleop.poll(now: Double(i) * 0.05).action) }
        assertCommand(actions[13], x: 1, y: -0.38749037646103446, z: 0, yaw: 0, gripper: 1, "last frame still drives")
        // The read after the last event reports the loss: one zero command (hold), then nothing.
        XCTAssertEqual(actions[14], .sendZero(.inputLost))
        XCTAssertEqual(Array(actions[15...]), Array(repeating: .nothing, count: 6))
        XCTAssertEqual(teleop.status, .lost)
        XCTAssertEqual(teleop.view.phase, .lost)
    }
}
