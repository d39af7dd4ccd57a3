@testable import Console
import Foundation
import RobotKit
import TerminalUI
import XCTest

/// The curses backend writing to a file as an xterm-256color terminal of 40x10.
final class NcursesBackendTests: XCTestCase {
    func withBackend(_ body: (NcursesBackend, () -> Int) throws -> Void) throws {
        setenv("LINES", "10", 1); setenv("COLUMNS", "40", 1)
        defer { unsetenv("LINES"); unsetenv("COLUMNS") }
        let path = NSTemporaryDirectory() + "vlaterm-backend-test-\(getpid()).out"
        guard let out = fopen(path, "w"), let inp = fopen("/dev/null", "r") else { return XCTFail("cannot open files") }
        defer { fclose(out); fclose(inp); unlink(path) }
        let backend = try NcursesBackend(render: .blocks, termName: "xterm-256color", output: out, input: inp)
        defer { backend.end() }
        func size() -> Int { fflush(out); var st = stat(); return stat(path, &st) == 0 ? Int(st.st_size) : 0 }
        try body(backend, size)
    }

    func testOnlyChangedCellsAreWritten() throws {
        try withBackend { backend, bytes in
            XCTAssertEqual(backend.size.width, 40); XCTAssertEqual(backend.size.height, 10)
            var buf = CellBuffer(width: 40, height: 10)
            buf.put("hello", x: 0, y: 0, style: Style(fg: .indexed(2)))
            backend.flush(buf)
            XCTAssertEqual(backend.cellsWritten, 400, "the first frame is a full redraw")
            let afterFirst = bytes()
            backend.flush(buf)
            XCTAssertEqual(backend.cellsWritten, 400, "an identical frame writes nothing")
            XCTAssertLessThan(bytes() - afterFirst, 16)
            buf.put("J", x: 20, y: 5, style: Style(fg: .rgb(255, 0, 0), bg: .rgb(0, 0, 255)))
            let before = bytes()
            backend.flush(buf)
            XCTAssertEqual(backend.cellsWritten, 401)
            let written = bytes() - before
            XCTAssertGreaterThan(written, 0)
            XCTAssertLessThan(written, 60, "one cell: a cursor move, colours and the character")
            backend.invalidate()
            backend.flush(buf)
            XCTAssertEqual(backend.cellsWritten, 801, "invalidate (resize, Ctrl-L) redraws everything")
        }
    }

    func testControlLoopReportsARobotFailure() {
        let clock = MonotonicClock()
        let robot = TestRobot()
        robot.failOnSend = TestRobotError.broken
        let model = ConsoleModel(clock: clock)
        let controller = ConsoleController(robot: robot, sources: [], model: model)
        let loop = ControlLoop(controller: controller, rate: 20)
        loop.start()
        XCTAssertTrue(loop.waitUntilFinished(timeout: 30), "the loop ends on the first tick's error")
        XCTAssertNotNil(loop.failure)
    }
}
