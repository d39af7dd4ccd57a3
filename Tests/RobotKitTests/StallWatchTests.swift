import RobotKit
import XCTest

final class StallWatchTests: XCTestCase {
    /// Down 4 mm, then back up in three steps: the dithering the built-in model does over the bin.
    let dither: [[Double]] = [[0, 0, -0.004, 0, 0], [0, 0, 0.001, 0, 0], [0, 0, 0.0015, 0, 0], [0, 0, 0.0015, 0, 0]]

    func testAFullWindowThatWentNowhereIsAStallOnceThenTheWindowStartsOver() {
        var w = StallWatch(rule: StallRule(window: 8, distance: 0.005))
        for row in dither { w.record(row) }
        XCTAssertFalse(w.takeStall(), "half a window is not enough to tell")
        for row in dither { w.record(row) }
        XCTAssertTrue(w.takeStall())
        XCTAssertEqual(w.commits, 1)
        XCTAssertFalse(w.takeStall(), "the window starts over after a stall")
        for row in dither + dither { w.record(row) }
        XCTAssertTrue(w.takeStall())
        XCTAssertEqual(w.commits, 2)
        w.reset()
        XCTAssertEqual(w.commits, 0)
        XCTAssertFalse(w.takeStall())
    }

    func testSlowSteadyMotionIsNotAStallButTheNetCountsNotThePathLength() {
        var slow = StallWatch(rule: StallRule(window: 30, distance: 0.005))
        for _ in 0..<30 { slow.record([0.0002, 0, 0, 0, 1]) }   // 6 mm in 30 ticks: slow, but going somewhere
        XCTAssertFalse(slow.takeStall())

        var zigzag = StallWatch(rule: StallRule(window: 30, distance: 0.005))
        for i in 0..<30 { zigzag.record([i % 2 == 0 ? 0.01 : -0.01, 0, 0, 0, 1]) }   // 30 cm of path, nets 0
        XCTAssertTrue(zigzag.takeStall())

        var old = StallWatch(rule: StallRule(window: 4, distance: 0.005))
        old.record([0.05, 0, 0, 0, 1])                     // a big move long ago leaves the window
        for _ in 0..<4 { old.record([0, 0, 0, 0, 1]) }
        XCTAssertTrue(old.takeStall(), "only the last window's actions count")
    }

    func testRestartWindowKeepsTheCountAndOddRowsCountAsNoMotion() {
        var w = StallWatch(rule: StallRule(window: 2, distance: 0.005))
        w.record([.nan, 0, 0]); w.record([0.0])
        XCTAssertTrue(w.takeStall(), "non-finite or short rows are no motion, never a crash")
        w.record([0, 0, 0]); w.restartWindow(); w.record([0, 0, 0])
        XCTAssertFalse(w.takeStall(), "a restart needs a whole new window")
        XCTAssertEqual(w.commits, 1)
        XCTAssertEqual(StallRule(window: 0, distance: -1), StallRule(window: 1, distance: 0), "out-of-range rules are clamped")
    }
}
