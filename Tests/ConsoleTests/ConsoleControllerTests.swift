@testable import Console
import Input
import RobotKit
import TerminalUI
import XCTest

final class ConsoleControllerTests: XCTestCase {
    typealias Fixture = ConsoleRig

    func testMovementKeyDrivesTheRobotInTeleopAndReturnsToIdle() throws {
        let f = Fixture()
        try f.tick()
        XCTAssertEqual(f.model.snapshot().mode, .idle)
        f.keyboard.press(.char("w"))
        try f.tick()
        let a = try XCTUnwrap(f.robot.sent.last)
        XCTAssertEqual(a.dx, 0.02 * 0.5, accuracy: 1e-12)      // full deflection x limit x default speed 50%
        XCTAssertEqual(f.model.snapshot().mode, .teleop)
        XCTAssertGreaterThan(f.model.snapshot().state?.endEffector.position.x ?? 0, 0.4)
        try f.tick(60)                                            // 3 s without keys
        XCTAssertEqual(f.robot.sent.last?.dx, 0)
        XCTAssertEqual(f.model.snapshot().mode, .idle)
    }

    func testStopLatchesAndOnlyRearmUnlatchesWithoutMotion() throws {
        let f = Fixture()
        f.keyboard.press(.char(" "))
        try f.tick()
        XCTAssertEqual(f.model.snapshot().mode, .estop)
        f.keyboard.press(.char("w"))
        try f.tick(3)
        XCTAssertTrue(f.robot.sent.suffix(3).allSatisfy(\.isZeroMotion), "no motion while stopped")
        XCTAssertEqual(f.model.snapshot().mode, .estop)
        f.keyboard.press(.char("R"))
        try f.tick()
        XCTAssertEqual(f.model.snapshot().mode, .idle)
        XCTAssertTrue(f.robot.sent.last?.isZeroMotion ?? false, "re-arm never restarts motion by itself")
        XCTAssertTrue(f.model.snapshot().log.contains { $0.text.contains("E-STOP latched") })
        try f.tick(12)                                      // the held key runs out: neutral once
        f.keyboard.press(.char("w"))
        try f.tick()
        XCTAssertGreaterThan(f.robot.sent.last?.dx ?? 0, 0, "a fresh command after re-arm moves")
    }

    func testSpeedScaleStepsAndClamps() throws {
        let f = Fixture()
        for _ in 0..<10 { f.keyboard.press(.char("+")) }
        try f.tick()
        XCTAssertEqual(f.controller.speedScale, 1.0)
        for _ in 0..<10 { f.keyboard.press(.char("-")) }
        try f.tick()
        XCTAssertEqual(f.controller.speedScale, 0.1)
    }

    func testInstructionRequestReachesHooksAndUnhandledEventsAreLogged() throws {
        final class Hook: ConsoleTickHook {
            var seen: [OperatorEvent] = []
            func beforeSend(_ ctx: inout TickContext) throws {
                seen += ctx.events
                ctx.events.removeAll { $0 == .startAutonomy }
            }
        }
        let f = Fixture()
        let hook = Hook()
        f.controller.hooks.append(hook)
        f.model.request(.instruction("put the red cube in the bin"))
        f.model.request(.operatorEvent(.markSuccess))
        try f.tick()
        XCTAssertEqual(hook.seen, [.startAutonomy, .markSuccess])
        XCTAssertEqual(f.controller.instruction, "put the red cube in the bin")
        let log = f.model.snapshot().log.map(\.text)
        XCTAssertTrue(log.contains("markSuccess: not available in this build"))
        XCTAssertFalse(log.contains { $0.hasPrefix("startAutonomy") })
    }

    func testRobotErrorsPropagateOutOfTheTick() {
        let f = Fixture()
        f.robot.failOnSend = TestRobotError.broken
        XCTAssertThrowsError(try f.controller.tick())
    }

    func testSnapshotCarriesFramesTimingAndDevices() throws {
        let f = Fixture()
        try f.tick(25)
        let s = f.model.snapshot()
        XCTAssertEqual(s.cameras.map(\.name), ["front", "side"])
        XCTAssertNotNil(s.cameras[0].frame)
        XCTAssertEqual(s.timing.controlTarget, 20)
        XCTAssertEqual(s.timing.controlAchieved, 20, accuracy: 1e-6)   // ticks 50 ms apart in manual time
        XCTAssertEqual(s.devices.first?.name, "keyboard")
    }
}

final class RenderChoiceTests: XCTestCase {
    func caps(_ term: String?, _ colorterm: String? = nil, colors: Int, utf8: Bool = true) -> TerminalCapabilities {
        TerminalCapabilities(term: term, colorTerm: colorterm, colors: colors, utf8: utf8)
    }

    func testAutoPicksFromTheTerminal() {
        XCTAssertEqual(RenderChoice.choose(.auto, caps: caps("xterm-256color", "truecolor", colors: 256)),
                       RenderChoice(mode: .blocks, depth: .truecolor, unicode: true))
        XCTAssertEqual(RenderChoice.choose(.auto, caps: caps("xterm-256color", colors: 256)),
                       RenderChoice(mode: .blocks, depth: .palette256, unicode: true))
        XCTAssertEqual(RenderChoice.choose(.auto, caps: caps("dumb", colors: 0)).mode, .ascii)
        XCTAssertEqual(RenderChoice.choose(.auto, caps: caps("vt100", colors: 0)).mode, .ascii)
        XCTAssertEqual(RenderChoice.choose(.auto, caps: caps("xterm-256color", colors: 256, utf8: false)),
                       RenderChoice(mode: .ascii, depth: .palette256, unicode: false))
        XCTAssertEqual(RenderChoice.choose(.auto, caps: caps("linux", colors: 8)).depth, .palette16)
        XCTAssertEqual(RenderChoice.choose(.braille, caps: caps("xterm", colors: 8)).mode, .braille)
    }
}
