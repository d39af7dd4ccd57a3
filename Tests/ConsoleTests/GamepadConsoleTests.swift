// Issue 4's "done when": a recorded evemu session of a shipped pad drives the robot through the console's
// control tick exactly as the keymap says, and unplugging ends in a hold with INPUT LOST on screen.
@testable import Console
import Foundation
import Input
import RobotKit
import TerminalUI
import XCTest

final class GamepadConsoleTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ n: String) -> String { repo.appendingPathComponent("Tests/InputTests/Fixtures/\(n)").path }

    func makeConsole(_ file: String, cutAfter: Double? = nil) throws -> (ConsoleController, TestRobot, ManualClock, GamepadSource) {
        let clock = ManualClock(0)
        var rec = try EvemuParser.parse(fileAt: Self.fixture(file))
        if let cutAfter { rec.events = rec.events.filter { $0.time <= cutAfter } }
        let library = KeymapLibrary.load(shipped: Self.repo.appendingPathComponent("keymaps").path, user: nil)
        let pad = GamepadSource(teleop: GamepadTeleop(source: try ReplayGamepadSource(recording: rec, label: file), library: library))
        let robot = TestRobot()
        let model = ConsoleModel(clock: clock)
        let controller = ConsoleController(robot: robot, sources: [KeyboardSource(clock: clock), pad], model: model)
        controller.hooks.append(GamepadAlertHook(source: pad, model: model))
        return (controller, robot, clock, pad)
    }

    func testDualShockRecordingDrivesTheRobotAsItsKeymapSays() throws {
        let (c, robot, clock, pad) = try makeConsole("dualshock4.evemu")
        var sent: [Action] = []
        for _ in 0...26 { try c.tick(); sent.append(robot.sent.last ?? Action(gripper: 1)); clock.advance(by: 0.05) }
        let scale = 0.02 * 0.5   // TestRobot's max translation × the console's default speed
        XCTAssertEqual(sent[10].dx, 0, "deadman pressed at 0.512: nothing yet")
        XCTAssertEqual(sent[13].dx, 1 * scale, accuracy: 1e-12)                       // left stick fully up
        XCTAssertEqual(sent[13].dy, -0.3986490060415038 * scale, accuracy: 1e-12)    // and part right
        XCTAssertEqual(sent[14].dz, 0, "the SYN_DROPPED half-frame at 0.662 is never acted on")
        XCTAssertEqual(sent[15].dz, 0.33553808528726 * scale, accuracy: 1e-12)
        XCTAssertEqual(sent[15].gripper, 0.42105263157894746, accuracy: 1e-12)       // R2 at 60 %
        XCTAssertTrue(sent[19...].allSatisfy(\.isZeroMotion), "deadman released at 0.912: hold")
        XCTAssertEqual(c.model.snapshot().devices.first { $0.name == "gamepad" }?.status, "INPUT LOST", "recording over")
        XCTAssertEqual(pad.help().title, "gamepad: DualShock 4")
        XCTAssertEqual(c.model.snapshot().help.first { $0.title.hasPrefix("gamepad") }?.rows.first { $0.action == "deadman" }?.keys,
                       "BTN_TL", "the help overlay lists the matched keymap's bindings")
    }

    func testUnplugMidMotionHoldsAndShowsInputLost() throws {
        let (c, robot, clock, pad) = try makeConsole("xbox-360.evemu", cutAfter: 0.62)
        for _ in 0...13 { try c.tick(); clock.advance(by: 0.05) }
        XCTAssertEqual(robot.sent.last?.dx ?? 0, 0.01, accuracy: 1e-12, "moving when the pad vanishes")
        XCTAssertNotNil(pad.panel(), "live values panel while connected")
        try c.tick(); clock.advance(by: 0.05)
        XCTAssertTrue(robot.sent.last?.isZeroMotion ?? false, "hold at the first tick after the loss")
        try c.tick()
        let snap = c.model.snapshot()
        XCTAssertEqual(snap.alert, GamepadAlertHook.text)
        XCTAssertEqual(snap.devices.first { $0.name == "gamepad" }?.role, .bad)
        XCTAssertTrue(robot.sent.last?.isZeroMotion ?? false)
        XCTAssertTrue(pad.panel()?.lines.contains { $0.contains { $0.text == "INPUT LOST" } } ?? false)
    }
}
