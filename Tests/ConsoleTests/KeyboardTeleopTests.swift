import Input
import RobotKit
import XCTest

final class KeyboardTeleopTests: XCTestCase {
    func testSingleTapHoldsForTheInitialWindowThenStops() {
        var k = KeyboardTeleop(initialHold: 0.5, repeatHold: 0.15)
        XCTAssertEqual(k.press(.char("w"), at: 10.0), .motion)
        XCTAssertEqual(k.command(at: 10.0).linear, SIMD3(1, 0, 0))
        XCTAssertTrue(k.command(at: 10.49).deadman)
        let after = k.command(at: 10.51)
        XCTAssertTrue(after.isNeutral)
        XCTAssertFalse(after.deadman)
    }

    func testAutoRepeatKeepsMovingAndStopsShortlyAfterTheLastRepeat() {
        var k = KeyboardTeleop(initialHold: 0.5, repeatHold: 0.15)
        k.press(.char("r"), at: 0)
        // Terminal auto-repeat: first repeat after 0.4 s, then every 33 ms until 2.0 s.
        var t = 0.4
        while t <= 2.0 {
            k.press(.char("r"), at: t)
            XCTAssertEqual(k.command(at: t + 0.03).linear.z, 1, "still held at \(t)")
            t += 0.033
        }
        let last = t - 0.033
        XCTAssertEqual(k.command(at: last + 0.14).linear.z, 1)
        XCTAssertEqual(k.command(at: last + 0.16).linear.z, 0)
    }

    func testOppositeKeyTakesOverTheAxisAndAxesCombine() {
        var k = KeyboardTeleop()
        k.press(.char("w"), at: 0); k.press(.char("a"), at: 0.01); k.press(.char("q"), at: 0.02)
        XCTAssertEqual(k.command(at: 0.05).linear, SIMD3(1, 1, 0))
        XCTAssertEqual(k.command(at: 0.05).yaw, 1)
        k.press(.char("s"), at: 0.1)
        XCTAssertEqual(k.command(at: 0.11).linear.x, -1)
        k.press(.down, at: 0.2)                 // the arrow is bound to the same control as "s"
        XCTAssertEqual(k.command(at: 0.21).linear.x, -1)
    }

    func testStopDropsHeldKeysAndReportsTheEvent() {
        var k = KeyboardTeleop()
        k.press(.char("d"), at: 0)
        XCTAssertEqual(k.press(.char(" "), at: 0.1), .event(.stop))
        XCTAssertTrue(k.command(at: 0.1).isNeutral)
        XCTAssertEqual(k.takeEvents(), [.stop])
        XCTAssertEqual(k.takeEvents(), [])
    }

    func testGripperToggleAndSpeedEventsAndUnboundKeys() {
        var k = KeyboardTeleop()
        k.syncGripper(0.9)
        XCTAssertEqual(k.press(.char("g"), at: 0), .gripper)
        XCTAssertEqual(k.command(at: 0).gripper, 0)
        k.press(.char("g"), at: 1)
        XCTAssertEqual(k.command(at: 1).gripper, 1)
        XCTAssertFalse(k.command(at: 1).deadman, "the gripper alone is no motion")
        k.press(.char("+"), at: 2); k.press(.char("-"), at: 2)
        XCTAssertEqual(k.takeEvents(), [.speedUp, .speedDown])
        XCTAssertEqual(k.press(.char("z"), at: 3), .unbound)
    }

    func testStandardKeymapIsConsistentAndDescribesItself() {
        let m = KeyboardKeymap.standard
        XCTAssertEqual(m.duplicateKeys, [])
        let rows = m.helpRows
        XCTAssertEqual(rows.count, m.bindings.count)
        XCTAssertTrue(rows.contains { $0.keys == "space" && $0.action.contains("STOP") })
        for axis in TeleopAxis.allCases {
            for sign in [1, -1] { XCTAssertNotNil(m.bindings.first { $0.control == .move(axis, sign) }, "\(axis) \(sign)") }
        }
        XCTAssertTrue(KeyboardTeleop().holdNote.contains("150 ms"))
    }
}
