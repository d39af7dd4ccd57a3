import XCTest
@testable import Input

final class EvemuParserTests: XCTestCase {
    func testParsesADeviceDescriptionAndEventsAsEvemuRecordWritesThem() throws {
        let r = try EvemuParser.parse(fileAt: TestPaths.fixture("xbox-360.evemu"))
        XCTAssertEqual(r.device.name, "Microsoft X-Box 360 pad")
        XCTAssertEqual(r.device.id, DeviceID(bus: 3, vendor: 0x045e, product: 0x028e, version: 0x0114))
        XCTAssertEqual(r.device.keys.map { EvdevCodes.name(type: EvdevCodes.evKey, code: $0) },
                       ["BTN_SOUTH", "BTN_EAST", "BTN_NORTH", "BTN_WEST", "BTN_TL", "BTN_TR", "BTN_SELECT", "BTN_START",
                        "BTN_MODE", "BTN_THUMBL", "BTN_THUMBR"])
        XCTAssertEqual(r.device.axes[code("ABS_X")], AbsInfo(minimum: -32768, maximum: 32767, fuzz: 16, flat: 128))
        XCTAssertEqual(r.device.axes[code("ABS_RZ")], AbsInfo(minimum: 0, maximum: 255))
        XCTAssertEqual(r.device.axes.count, 8)
        XCTAssertEqual(r.events.first, RawInputEvent(time: 0, type: EvdevCodes.evAbs, code: code("ABS_X"), value: -213))
        XCTAssertTrue(r.events.last?.isSynReport ?? false)
        XCTAssertEqual(r.events.filter(\.isSynReport).count, 8)
        // The same description, rebuilt inside libevdev, reads back identically.
        XCTAssertEqual(try EvdevDevice(describing: r.device).info, r.device)
    }

    func testOlderFilesWithoutResolutionAndExtraWhitespaceParse() throws {
        let text = "# EVEMU 1.2\nN: Old Pad\nI: 0003 1234 5678 0100\nB: 03 03 00 00 00 00 00 00 00\nA: 00 0 255 0 15\nA: 01 0 255 0 15\n"
            + "E: 12.5 0003 0000 200\r\nE: 12.500100 0000 0000 0\n"
        let r = try EvemuParser.parse(text: text, file: "old.evemu")
        XCTAssertEqual(r.device.axes[code("ABS_Y")]?.flat, 15)
        XCTAssertEqual(r.events.count, 2)
        XCTAssertEqual(r.events[0].time, 12.5, accuracy: 1e-9)
        XCTAssertEqual(r.events[1].time, 12.5001, accuracy: 1e-9)
    }

    func testMalformedFilesNameFileLineAndWhatWasExpected() {
        let header = "N: Pad\nI: 0003 1234 5678 0100\n"
        let cases: [(String, Int, String)] = [
            (header + "E: 0.1 0003 0000\n", 3, "expected `E: <sec>.<usec> <type hex> <code hex> <value>`"),
            (header + "E: 0.2 0003 0000 1\nE: 0.1 0003 0000 2\n", 4, "goes backwards"),
            (header + "I: 3 4\n", 3, "four hex numbers"),
            (header + "A: 00 10 5 0 0 0\n", 3, "minimum 10 is above maximum 5"),
            (header + "A: zz 0 1 0 0 0\n", 3, "expected `A: <code hex>"),
            (header + "B: 01 00 00\n", 3, "8 hex bytes"),
            (header + "B: 99 00 00 00 00 00 00 00 00\n", 3, "unknown event type"),
            (header + "X: what\n", 3, "unknown line tag"),
            (header + "hello\n", 3, "expected a line starting with"),
            ("I: 0003 1234 5678 0100\n", 0, "no `N:` device name line"),
            ("N: Pad\n", 0, "no `I:` id line"),
            (header + "B: 03 01 00 00 00 00 00 00 00\n", 0, "there is no `A:` line"),
            (header + "E: 99999999999999.1 0003 0000 1\n", 3, "expected `E:"),
        ]
        for (text, line, fragment) in cases {
            XCTAssertThrowsError(try EvemuParser.parse(text: text, file: "bad.evemu"), fragment) { e in
                guard let e = e as? EvemuParseError else { return XCTFail("wrong error type \(e)") }
                XCTAssertEqual(e.file, "bad.evemu")
                XCTAssertEqual(e.line, line, "\(fragment): \(e)")
                XCTAssertTrue(e.description.contains(fragment), "\(e.description) should mention \(fragment)")
                XCTAssertTrue(e.description.hasPrefix("bad.evemu:\(line): "))
            }
        }
    }

    func testHostileSizesAreBounded() {
        let long = "N: Pad\nI: 0003 1234 5678 0100\n# " + String(repeating: "x", count: EvemuParser.maxLineBytes + 1) + "\n"
        XCTAssertThrowsError(try EvemuParser.parse(text: long, file: "long.evemu")) { e in
            XCTAssertEqual((e as? EvemuParseError)?.line, 3)
        }
        // A KEY bitmask longer than KEY_MAX allows.
        var mask = "N: Pad\nI: 0003 1234 5678 0100\n"
        for _ in 0..<13 { mask += "B: 01 ff ff ff ff ff ff ff ff\n" }
        XCTAssertThrowsError(try EvemuParser.parse(text: mask, file: "mask.evemu")) { e in
            XCTAssertEqual((e as? EvemuParseError)?.line, 15)
        }
        XCTAssertThrowsError(try EvemuParser.parse(fileAt: "/nonexistent/pad.evemu"))
    }
}
