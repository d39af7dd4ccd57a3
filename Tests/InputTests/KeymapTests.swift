import XCTest
@testable import Input

final class KeymapTests: XCTestCase {
    func testEveryShippedKeymapParsesAndHasADeadman() throws {
        let lib = shippedLibrary()
        XCTAssertEqual(lib.problems, [])
        XCTAssertEqual(lib.keymaps.count, 8)
        for k in lib.keymaps {
            XCTAssertFalse(k.triggers(for: .deadman).isEmpty, k.name)
            XCTAssertEqual(Set(k.axes.keys).isSuperset(of: [.x, .y, .z, .yaw]), true, k.name)
        }
        XCTAssertEqual(lib.keymaps.filter(\.isDefault).map(\.name), ["Linux gamepad (kernel spec)"])
    }

    func testCodeNamesResolveThroughLibevdevIncludingAliases() throws {
        let k = try Keymap.load(fileAt: TestPaths.keymaps + "/xbox-360.toml")
        // xpad's BTN_Y is the kernel's BTN_WEST (0x134): rearm is the top button on an Xbox pad.
        XCTAssertEqual(k.triggers(for: .rearm), [.key(0x134)])
        XCTAssertEqual(k.triggers(for: .stop), [.key(0x131), .key(0x13c)])
        XCTAssertEqual(k.triggers(for: .speedUp), [.axisNegative(code("ABS_HAT0Y"))])
        XCTAssertEqual(k.axes[.x]?.code, code("ABS_Y"))
        XCTAssertEqual(k.axes[.x]?.invert, true)
        XCTAssertEqual(k.axes[.x]?.deadzone, 0.12)
        XCTAssertEqual(k.axes[.x]?.expo, 0.3)
    }

    func testErrorsCarryFileAndLine() {
        let cases: [(String, [Int], String)] = [
            ("[keymap]\nname = \"x\"\n[axes.x]\ncode = \"ABS_NOPE\"\n[buttons]\ndeadman = \"BTN_TL\"\n", [4], "unknown evdev code name `ABS_NOPE`"),
            ("[keymap]\nname = \"x\"\n[buttons]\nstop = \"BTN_EAST\"\n", [3], "no deadman"),
            ("[keymap]\nname = \"x\"\n[buttons]\ndeadman = \"BTN_TL\"\nstop = \"BTN_TL\"\n", [5], "BTN_TL is bound to both `deadman` (line 4) and `stop`"),
            ("[keymap]\nname = \"x\"\n[axes.x]\ncode = \"ABS_X\"\n[axes.y]\ncode = \"ABS_X\"\n[buttons]\ndeadman = \"BTN_TL\"\n", [6], "ABS_X drives both axis `x`"),
            ("[keymap]\nname = \"x\"\n[axes.x]\ncode = \"ABS_X\"\n[buttons]\ndeadman = \"BTN_TL\"\nspeed_up = \"ABS_X+\"\n", [7], "reuses ABS_X"),
            ("[keymap]\nname = \"x\"\n[axes.x]\ncode = \"BTN_SOUTH\"\n[buttons]\ndeadman = \"BTN_TL\"\n", [4], "is a key; axes need an absolute axis"),
            ("[keymap]\nname = \"x\"\n[axes.x]\ncode = \"ABS_X\"\ndeadzone = 1.5\n[buttons]\ndeadman = \"BTN_TL\"\n", [5], "deadzone: expected a number in 0.0..<1.0"),
            ("[keymap]\nname = \"x\"\n[buttons]\ndeadman = \"BTN_TL\"\njump = \"BTN_SOUTH\"\n", [5], "unknown control `jump`"),
            ("[keymap]\nname = \"x\"\n[buttons]\ndeadman = \"BTN_TL\"\n[wheels]\n", [5], "unknown table [wheels]"),
            ("[keymap]\nname = \"x\"\nids = [\"3:45e\"]\n[buttons]\ndeadman = \"BTN_TL\"\n", [3], "not bus:vendor:product"),
            ("[keymap]\nname = \"x\n", [2], "unterminated string"),
            ("[keymap]\nname = \"x\"\nname = \"y\"\n", [3], "key `name` set twice"),
            ("[keymap]\nname = \"x\"\n[buttons]\ndeadman = { code = 1 }\n", [4], "inline tables are not supported"),
            ("[keymap]\nname = \"x\"\n[axes.gripper]\ncode = \"ABS_RZ\"\n[buttons]\ndeadman = \"BTN_TL\"\ngripper_toggle = \"BTN_TR\"\n", [7], "gripper is bound both"),
            ("[keymap]\nname = \"x\"\n[buttons]\ndeadman = [\"BTN_TL\",\n  \"BTN_NOPE\"]\n", [4], "unknown evdev code `BTN_NOPE`"),
        ]
        for (text, lines, fragment) in cases {
            XCTAssertThrowsError(try Keymap.parse(text: text, file: "pad.toml"), fragment) { e in
                guard let e = e as? KeymapError else { return XCTFail("wrong error \(e)") }
                XCTAssertTrue(e.issues.contains { $0.description.contains(fragment) }, "\(e) should contain \(fragment)")
                XCTAssertEqual(e.issues.filter { $0.description.contains(fragment) }.map(\.line), lines, fragment)
                XCTAssertTrue(e.issues.allSatisfy { $0.file == "pad.toml" })
            }
        }
    }

    func testTOMLSubsetKeepsLinesAndTypes() throws {
        let doc = try TOMLDocument.parse("""
        # comment
        [a]
        s = "q\\"uote" # trailing
        n = -1_000
        h = 0x1F
        f = 2.5e-1
        b = false
        arr = [ "x",   # inside an array
                'lit', ]

        [a.b]
        "quoted key" = 1
        """, file: "t.toml")
        let a = try XCTUnwrap(doc.table("a"))
        XCTAssertEqual(a.line, 2)
        XCTAssertEqual(a["s"]?.value, .string("q\"uote"))
        XCTAssertEqual(a["n"]?.value, .integer(-1000))
        XCTAssertEqual(a["h"]?.value, .integer(31))
        XCTAssertEqual(a["f"]?.value, .float(0.25))
        XCTAssertEqual(a["b"]?.value, .bool(false))
        XCTAssertEqual(a["arr"]?.value, .array([.string("x"), .string("lit")]))
        XCTAssertEqual(a["arr"]?.line, 8)
        XCTAssertEqual(doc.table("a.b")?["quoted key"]?.line, 12)
    }

    func testMatchingByIdThenNameThenKernelSpecDefault() throws {
        let lib = shippedLibrary()
        func pad(_ name: String, _ bus: UInt16, _ v: UInt16, _ p: UInt16, spec: Bool = true) -> InputDeviceInfo {
            InputDeviceInfo(name: name, id: DeviceID(bus: bus, vendor: v, product: p),
                            keys: spec ? [code("BTN_SOUTH"), code("BTN_TL")] : [code("BTN_TRIGGER")],
                            axes: [0: AbsInfo(minimum: 0, maximum: 255), 1: AbsInfo(minimum: 0, maximum: 255)])
        }
        XCTAssertEqual(lib.match(pad("whatever", 5, 0x054c, 0x0ce6))?.keymap.name, "DualSense")
        XCTAssertEqual(lib.match(pad("whatever", 5, 0x054c, 0x0ce6))?.reason, .id)
        XCTAssertEqual(lib.match(pad("Generic X-Box 360 pad clone", 3, 0x1234, 0x0001))?.keymap.name, "Xbox 360 (xpad)")
        XCTAssertEqual(lib.match(pad("Generic X-Box 360 pad clone", 3, 0x1234, 0x0001))?.reason, .name)
        XCTAssertEqual(lib.match(pad("Unknown Pad", 3, 0x1234, 0x0001))?.reason, .defaultForGamepadSpec)
        XCTAssertNil(lib.match(pad("Unknown Joystick", 3, 0x1234, 0x0001, spec: false)))
    }

    func testUserFolderReplacesAShippedFileWithTheSameNameAndAddsNewOnes() throws {
        let user = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-keymaps-\(getpid())")
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: user) }
        try "[keymap]\nname = \"My DS4\"\nids = [\"0003:054c:09cc\"]\n[buttons]\ndeadman = \"BTN_TR\"\n"
            .write(to: user.appendingPathComponent("dualshock4.toml"), atomically: true, encoding: .utf8)
        try "[keymap]\nname = \"Broken\"\n".write(to: user.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        let lib = KeymapLibrary.load(shipped: TestPaths.keymaps, user: user.path)
        XCTAssertEqual(lib.keymaps.count, 8, "replaced, not added; the broken file is not used")
        XCTAssertFalse(lib.keymaps.contains { $0.name == "DualShock 4" })
        let ds4 = InputDeviceInfo(name: "Sony Interactive Entertainment Wireless Controller", id: DeviceID(bus: 3, vendor: 0x054c, product: 0x09cc),
                                  keys: [code("BTN_SOUTH")], axes: [:])
        XCTAssertEqual(lib.match(ds4)?.keymap.name, "My DS4")
        XCTAssertEqual(lib.problems.count, 1)
        XCTAssertTrue(lib.problems[0].description.contains("broken.toml:2: no deadman") || lib.problems[0].description.contains("broken.toml:1: no deadman"))
    }

    func testAxisMathDeadzoneExpoInvertScale() {
        let info = AbsInfo(minimum: 0, maximum: 200)
        var b = AxisBinding(axis: .x, code: 0, deadzone: 0.2, scale: 1, invert: false, expo: 0, line: 1)
        XCTAssertEqual(b.map(raw: 100, info: info), 0)
        XCTAssertEqual(b.map(raw: 119, info: info), 0, "inside the deadzone")
        XCTAssertEqual(b.map(raw: 200, info: info), 1)
        XCTAssertEqual(b.map(raw: 160, info: info), 0.5, accuracy: 1e-12)   // n = 0.6 → (0.6-0.2)/0.8
        b.expo = 1
        XCTAssertEqual(b.map(raw: 160, info: info), 0.125, accuracy: 1e-12) // cubic
        b.invert = true
        XCTAssertEqual(b.map(raw: 160, info: info), -0.125, accuracy: 1e-12)
        b.scale = 10
        XCTAssertEqual(b.map(raw: 0, info: info), 1, "scaled then clamped")
        let g = AxisBinding(axis: .gripper, code: 5, deadzone: 0, line: 1)
        XCTAssertEqual(g.map(raw: 0, info: AbsInfo(minimum: 0, maximum: 1023)), 1, "released trigger = open")
        XCTAssertEqual(g.map(raw: 1023, info: AbsInfo(minimum: 0, maximum: 1023)), 0, "pulled = closed")
    }
}
