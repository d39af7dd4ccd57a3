// SDL GameControllerDB lines (written from the format: GUID,name,key:value…,platform:Linux,) turned into keymaps.
import XCTest
@testable import Input

final class SDLImportTests: XCTestCase {
    let x360 = "030000005e0400008e02000014010000,X360 Controller,a:b0,b:b1,back:b6,dpdown:h0.4,dpleft:h0.8,dpright:h0.2,"
        + "dpup:h0.1,guide:b8,leftshoulder:b4,leftstick:b9,lefttrigger:a2,leftx:a0,lefty:a1,rightshoulder:b5,rightstick:b10,"
        + "righttrigger:a5,rightx:a3,righty:a4,start:b7,x:b2,y:b3,platform:Linux,"
    let ps4 = "050000004c050000cc09000000810000,PS4 Controller,a:b0,b:b1,back:b8,dpdown:h0.4,dpleft:h0.8,dpright:h0.2,"
        + "dpup:h0.1,guide:b10,leftshoulder:b4,leftstick:b11,lefttrigger:a2,leftx:a0,lefty:a1,rightshoulder:b5,rightstick:b12,"
        + "righttrigger:a5,rightx:a3,righty:a4,start:b9,x:b3,y:b2,platform:Linux,"
    let dualAction = "030000006d04000016c2000010010000,Logitech Dual Action,a:b1,b:b2,back:b8,dpdown:h0.4,dpleft:h0.8,"
        + "dpright:h0.2,dpup:h0.1,leftshoulder:b4,leftstick:b10,lefttrigger:b6,leftx:a0,lefty:a1,rightshoulder:b5,"
        + "rightstick:b11,righttrigger:b7,rightx:a2,righty:a3,start:b9,x:b0,y:b3,platform:Linux,"

    func testXbox360LineWithTheAssumedXpadLayoutGivesTheShippedCodes() throws {
        let k = try Keymap.parse(text: try SDLMappingImport.keymapTOML(fromLine: x360), file: "x360.toml")
        let shipped = try Keymap.load(fileAt: TestPaths.keymaps + "/xbox-360.toml")
        XCTAssertEqual(k.ids.map(\.description), ["0003:045e:028e"])
        for c in ButtonControl.allCases { XCTAssertEqual(Set(k.triggers(for: c)), Set(shipped.triggers(for: c)), c.rawValue) }
        for a in MotionAxis.allCases {
            XCTAssertEqual(k.axes[a]?.code, shipped.axes[a]?.code, a.rawValue)
            XCTAssertEqual(k.axes[a]?.invert, shipped.axes[a]?.invert, a.rawValue)
        }
    }

    func testPS4LineWithTheRecordedPadDrivesTheFixtureLikeTheShippedKeymap() throws {
        let rec = try EvemuParser.parse(fileAt: TestPaths.fixture("dualshock4.evemu"))
        let text = try SDLMappingImport.keymapTOML(fromLine: ps4, device: rec.device)
        let k = try Keymap.parse(text: text, file: "ps4.toml")   // what `keymap check` runs
        XCTAssertEqual(k.ids.map(\.description), ["0005:054c:09cc"])
        XCTAssertEqual(k.triggers(for: .rearm), [.key(code("BTN_NORTH"))], "y:b2 is the third key the pad reports")
        XCTAssertEqual(k.triggers(for: .discard), [.key(code("BTN_WEST"))])
        XCTAssertEqual(k.triggers(for: .pause), [.key(code("BTN_SELECT"))], "back:b8 skips BTN_TL2/TR2 at b6/b7")
        XCTAssertEqual(k.axes[.gripper]?.code, code("ABS_RZ"))
        func run(_ keymap: Keymap) throws -> [TeleopTickAction] {
            let t = GamepadTeleop(source: try ReplayGamepadSource(recording: rec, label: "ds4"), library: KeymapLibrary(keymaps: []), keymap: keymap)
            return (0...26).map { t.poll(now: Double($0) * 0.05).action }
        }
        let shipped = try Keymap.load(fileAt: TestPaths.keymaps + "/dualshock4.toml")
        // Same codes; deadzones differ (import uses 0.12, the DS4 file 0.1), so compare which ticks move and the signs.
        let a = try run(k), b = try run(shipped)
        XCTAssertEqual(a.map { $0.command == nil }, b.map { $0.command == nil })
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.command.map { $0.linear.x.sign }, y.command.map { $0.linear.x.sign })
            XCTAssertEqual(x.command.map { $0.linear.z.sign }, y.command.map { $0.linear.z.sign })
        }
    }

    func testJoystickClassPadEnumeratesFromBTNJoystickAndDigitalTriggerBecomesAToggle() throws {
        let keys = (0x120...0x12b).map { UInt16($0) }   // BTN_TRIGGER … BTN_BASE6
        let axis = AbsInfo(minimum: 0, maximum: 255), hat = AbsInfo(minimum: -1, maximum: 1)
        let dev = InputDeviceInfo(name: "Logitech Logitech Dual Action", id: DeviceID(bus: 3, vendor: 0x046d, product: 0xc216),
                                  keys: keys, axes: [code("ABS_X"): axis, code("ABS_Y"): axis, code("ABS_Z"): axis,
                                                     code("ABS_RZ"): axis, code("ABS_HAT0X"): hat, code("ABS_HAT0Y"): hat])
        let k = try Keymap.parse(text: try SDLMappingImport.keymapTOML(fromLine: dualAction, device: dev), file: "da.toml")
        XCTAssertEqual(k.axes[.yaw]?.code, code("ABS_Z"), "rightx:a2 is the third non-hat axis")
        XCTAssertEqual(k.axes[.z]?.code, code("ABS_RZ"))
        XCTAssertNil(k.axes[.gripper])
        XCTAssertEqual(k.triggers(for: .gripperToggle), [.key(code("BTN_BASE2"))], "righttrigger:b7 = 0x120 + 7")
        XCTAssertEqual(k.triggers(for: .record), [.key(code("BTN_THUMB"))], "a:b1")
        XCTAssertEqual(k.triggers(for: .deadman), [.key(code("BTN_TOP2"))], "leftshoulder:b4")
        XCTAssertEqual(k.triggers(for: .speedUp), [.axisNegative(code("ABS_HAT0Y"))])
        XCTAssertEqual(k.missingCodes(on: dev), [])
    }

    func testBadLinesAreRejectedWithWhatWasExpected() {
        let cases: [(String, String)] = [
            ("nothex,Pad,a:b0", "not a 32-hex-digit SDL GUID"),
            ("030000005e0400008e02000014010000,Pad,a:b42", "button b42 does not exist"),
            ("030000005e0400008e02000014010000,Pad,dpup:h0.3", "hat direction mask"),
            ("030000005e0400008e02000014010000,Pad,a:q7", "expected bN, aN"),
            ("030000005e0400008e02000014010000,Pad", "expected `GUID,Name,a:b0,...`"),
            ("030000005e0400008e02000014010000,Pad,+leftx:a0", "half-axis outputs"),
        ]
        for (line, fragment) in cases {
            XCTAssertThrowsError(try SDLMappingImport.keymapTOML(fromLine: line)) { e in
                XCTAssertTrue("\(e)".contains(fragment), "\(e) should contain \(fragment)")
            }
        }
    }

    func testALineWithoutADeadmanButtonFailsTheCheck() throws {
        let text = try SDLMappingImport.keymapTOML(fromLine: "030000005e0400008e02000014010000,Pad,a:b0,leftx:a0,lefty:a1,platform:Linux,")
        XCTAssertThrowsError(try Keymap.parse(text: text, file: "p.toml")) { e in
            XCTAssertTrue("\(e)".contains("no deadman"))
        }
    }
}
