import XCTest
@testable import Input

final class FrameAssemblerTests: XCTestCase {
    let pad = InputDeviceInfo(name: "pad", id: DeviceID(bus: 3, vendor: 1, product: 2),
                              keys: [code("BTN_SOUTH"), code("BTN_TL")],
                              axes: [code("ABS_X"): AbsInfo(minimum: -100, maximum: 100), code("ABS_Y"): AbsInfo(minimum: -100, maximum: 100)])

    func frames(_ inputs: [GamepadInput]) -> [GamepadFrame] {
        var a = GamepadFrameAssembler()
        var out: [GamepadFrame] = []
        for i in inputs { if case .frame(let f) = a.handle(i) { out.append(f) } }
        return out
    }

    func testSynReportCompletesAFrameWithTheFullState() {
        let f = frames([.connected(pad), abs(1, code("ABS_X"), 50), syn(1), key(2, code("BTN_TL"), 1), syn(2)])
        XCTAssertEqual(f.count, 2)
        XCTAssertEqual(f[1].axes[code("ABS_X")], 50, "state carries over between frames")
        XCTAssertTrue(f[1].isPressed(code("BTN_TL")))
        XCTAssertEqual(f[1].time, 2)
    }

    func testEventsWithoutSynReportAreNotAFrame() {
        XCTAssertEqual(frames([.connected(pad), abs(1, code("ABS_X"), 50)]).count, 0)
    }

    func testSynDroppedDiscardsTheHalfFrameAndEverythingUpToTheNextReport() {
        let f = frames([.connected(pad), abs(1, code("ABS_X"), 10), syn(1),
                        abs(2, code("ABS_X"), 99), dropped(2), abs(2, code("ABS_Y"), 99), syn(2),  // never acted on
                        abs(3, code("ABS_Y"), -5), syn(3)])
        XCTAssertEqual(f.count, 2)
        XCTAssertEqual(f[1].axes[code("ABS_X")], 10)
        XCTAssertEqual(f[1].axes[code("ABS_Y")], -5)
    }

    func testLibevdevResyncCompletesAFrameAfterSynDropped() {
        var a = GamepadFrameAssembler()
        _ = a.handle(.connected(pad))
        _ = a.handle(abs(1, code("ABS_X"), 40))
        _ = a.handle(dropped(1))
        XCTAssertTrue(a.isDiscarding)
        let r = a.handle(.resynced([RawInputEvent(time: 1.5, type: EvdevCodes.evAbs, code: code("ABS_X"), value: 7)]))
        guard case .frame(let f) = r else { return XCTFail("resync must produce a frame, got \(r)") }
        XCTAssertEqual(f.axes[code("ABS_X")], 7)
        XCTAssertFalse(a.isDiscarding)
    }

    func testNothingIsAssembledWhileDisconnectedOrAfterLoss() {
        XCTAssertEqual(frames([abs(1, code("ABS_X"), 5), syn(1)]).count, 0)
        XCTAssertEqual(frames([.connected(pad), abs(1, code("ABS_X"), 5), .lost(reason: "gone"), syn(1)]).count, 0)
    }

    func testAFloodWithoutSynReportIsTreatedAsDropped() {
        var inputs: [GamepadInput] = [.connected(pad)]
        for i in 0..<(GamepadFrameAssembler.maxPendingEvents + 5) { inputs.append(abs(1, code("ABS_X"), Int32(i % 100))) }
        inputs += [syn(1), abs(2, code("ABS_X"), 3), syn(2)]
        let f = frames(inputs)
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].axes[code("ABS_X")], 3)
    }
}
