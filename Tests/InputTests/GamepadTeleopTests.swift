// The whole path with a scripted source: re-plug, keymap matching, status and the live view.
import XCTest
@testable import Input
import RobotKit

final class GamepadTeleopTests: XCTestCase {
    let xbox = InputDeviceInfo(name: "Microsoft X-Box 360 pad", id: DeviceID(bus: 3, vendor: 0x045e, product: 0x028e),
                               keys: [0x130, 0x131, 0x133, 0x134, 0x136, 0x137, 0x13a, 0x13b, 0x13c, 0x13d, 0x13e],
                               axes: [0: AbsInfo(minimum: -32768, maximum: 32767), 1: AbsInfo(minimum: -32768, maximum: 32767),
                                      3: AbsInfo(minimum: -32768, maximum: 32767), 4: AbsInfo(minimum: -32768, maximum: 32767),
                                      2: AbsInfo(minimum: 0, maximum: 255), 5: AbsInfo(minimum: 0, maximum: 255),
                                      16: AbsInfo(minimum: -1, maximum: 1), 17: AbsInfo(minimum: -1, maximum: 1)])
    let tl = code("BTN_TL"), y = code("ABS_Y")

    func testAfterReplugNothingMovesUntilNeutralAndAFreshDeadmanPress() {
        let s = ScriptedSource([
            (0.00, .connected(xbox)), (0.00, abs(0, y, 0)), (0.00, syn(0)),
            (0.10, key(0.1, tl, 1)), (0.10, abs(0.1, y, -32768)), (0.10, syn(0.1)),   // deadman + full forward
            (0.20, .lost(reason: "unplugged")),
            (0.30, .connected(xbox)), (0.30, key(0.3, tl, 1)), (0.30, abs(0.3, y, -32768)), (0.30, syn(0.3)), // still held
            (0.40, key(0.4, tl, 0)), (0.40, syn(0.4)),                  // deadman up, stick still forward
            (0.50, abs(0.5, y, 0)), (0.50, syn(0.5)),                   // stick neutral: ready
            (0.60, key(0.6, tl, 1)), (0.60, abs(0.6, y, -32768)), (0.60, syn(0.6)),   // fresh press
        ])
        let t = GamepadTeleop(source: s, library: shippedLibrary())
        var actions: [TeleopTickAction] = []
        var statuses: [InputStatus] = []
        for i in 0...13 {
            actions.append(t.poll(now: Double(i) * 0.05).action)
            statuses.append(t.status)
        }
        XCTAssertEqual(actions[2].command?.linear.x, 1, "driving before the unplug")
        XCTAssertEqual(actions[4], .sendZero(.inputLost), "the hold at the first tick after the loss")
        XCTAssertEqual(statuses[4], .lost)
        XCTAssertEqual(t.view.keymapName, "Xbox 360 (xpad)")
        for i in 5...11 { XCTAssertEqual(actions[i], .nothing, "tick \(i): no motion until neutral + fresh press") }
        XCTAssertEqual(statuses[6], .connected)
        XCTAssertEqual(actions[12].command?.linear.x, 1)
        XCTAssertEqual(t.view.phase, .moving)
    }

    func testAPadWithoutAKeymapNeverMovesAndSaysWhy() {
        let odd = InputDeviceInfo(name: "Odd Joystick", id: DeviceID(bus: 3, vendor: 1, product: 1), keys: [0x120],
                                  axes: [0: AbsInfo(minimum: 0, maximum: 255), 1: AbsInfo(minimum: 0, maximum: 255)])
        let s = ScriptedSource([(0, .connected(odd)), (0, key(0, 0x120, 1)), (0, abs(0, 0, 255)), (0, syn(0))])
        let t = GamepadTeleop(source: s, library: shippedLibrary())
        XCTAssertEqual(t.poll(now: 0).action, .nothing)
        XCTAssertTrue(t.view.problem?.contains("no keymap matches Odd Joystick") ?? false)
    }

    func testLiveViewShowsRawAndMappedValues() {
        let s = ScriptedSource([(0, .connected(xbox)), (0, abs(0, y, -32768)), (0, key(0, tl, 1)), (0, syn(0))])
        let t = GamepadTeleop(source: s, library: shippedLibrary())
        _ = t.poll(now: 0)
        let v = t.view
        XCTAssertEqual(v.deviceName, "Microsoft X-Box 360 pad")
        XCTAssertEqual(v.axes.first { $0.code == "ABS_Y" }?.raw, -32768)
        XCTAssertEqual(v.pressedKeys, ["BTN_TL"])
        XCTAssertEqual(v.mapped.linear.x, 1)
        XCTAssertTrue(v.mapped.pressed.contains(.deadman))
        XCTAssertEqual(v.status, .connected)
    }

    func testNoDeviceDirectoryMeansStatusNoneAndNoCrash() {
        let live = LiveGamepadSource(path: "/nonexistent/event0")
        let t = GamepadTeleop(source: live, library: shippedLibrary())
        XCTAssertEqual(t.poll(now: 0).action, .nothing)
        XCTAssertEqual(t.status, .none)
        XCTAssertNotNil(live.lastProblem)
    }
}

final class GamepadSelectionTests: XCTestCase {
    func testFlagsMapToSelections() {
        XCTAssertEqual(GamepadSelection(gamepad: nil, replay: nil), .auto)
        XCTAssertEqual(GamepadSelection(gamepad: "none", replay: nil), .none)
        XCTAssertEqual(GamepadSelection(gamepad: "/dev/input/event7", replay: nil), .path("/dev/input/event7"))
        XCTAssertEqual(GamepadSelection(gamepad: "none", replay: "pad.evemu"), .replay("pad.evemu"))
    }

    func testReplaySelectionDrivesAndBadRecordingThrowsWithFileAndLine() throws {
        let t = try XCTUnwrap(try GamepadSelection.replay(TestPaths.fixture("dualsense.evemu")).makeTeleop(library: shippedLibrary()))
        let actions = (0...14).map { t.poll(now: Double($0) * 0.05).action }
        XCTAssertEqual(actions[13].command?.linear.x, 1)
        XCTAssertNil(try GamepadSelection.none.makeTeleop(library: shippedLibrary()))
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).evemu").path
        try "N: pad\nI: 0003 0001 0002 0003\nE: x\n".write(toFile: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        XCTAssertThrowsError(try GamepadSelection.replay(bad).makeTeleop(library: shippedLibrary())) { e in
            XCTAssertEqual((e as? EvemuParseError)?.line, 3)
        }
    }
}
