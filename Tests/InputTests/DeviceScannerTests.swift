// Real nodes cannot exist here (no /dev/input), but the scanning and opening code must still behave on
// whatever it finds: numeric order, non-evdev files reported (never a crash), permission errors with the fix.
import XCTest
@testable import Input

final class DeviceScannerTests: XCTestCase {
    func testScanListsEventNodesInNumericOrderAndReportsNonEvdevFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-input-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for n in ["event10", "event2", "mouse0", "eventX"] {
            try Data("not a device".utf8).write(to: dir.appendingPathComponent(n))
        }
        XCTAssertEqual(DeviceScanner.eventNodes(in: dir.path).map { ($0 as NSString).lastPathComponent }, ["event2", "event10"])
        let scanned = DeviceScanner.scan(in: dir.path)
        XCTAssertEqual(scanned.count, 2)
        XCTAssertTrue(scanned.allSatisfy { $0.info == nil && ($0.error ?? "").contains("not an evdev device") }, "\(scanned)")
    }

    func testPermissionDeniedExplainsTheInputGroupAndUdev() {
        let msg = InputDeviceError.permissionDenied(path: "/dev/input/event3").description
        XCTAssertTrue(msg.contains("input` group"))
        XCTAssertTrue(msg.contains("udev rule"))
        XCTAssertTrue(msg.hasPrefix("/dev/input/event3"))
    }

    func testOpeningSomethingThatIsNotAnInputDeviceThrows() {
        XCTAssertThrowsError(try EvdevDevice(path: "/proc/self/status")) { e in
            guard case InputDeviceError.notAnInputDevice = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try EvdevDevice(path: "/nonexistent/event0")) { e in
            guard case InputDeviceError.openFailed(_, let errno) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(errno, ENOENT)
        }
    }
}
