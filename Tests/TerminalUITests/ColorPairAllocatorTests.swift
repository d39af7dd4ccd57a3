import RobotKit
import TerminalUI
import XCTest

final class ColorPairAllocatorTests: XCTestCase {
    func testReusesPairsAndStaysWithinCapacity() {
        var a = ColorPairAllocator(capacity: 4)
        let p1 = a.pair(fg: 1, bg: 2)
        XCTAssertEqual(p1, .init(pair: 1, needsInit: true, evicted: false, exact: true))
        XCTAssertEqual(a.pair(fg: 1, bg: 2), .init(pair: 1, needsInit: false, evicted: false, exact: true))
        _ = a.pair(fg: 3, bg: 4); _ = a.pair(fg: 5, bg: 6); _ = a.pair(fg: 7, bg: 8)
        XCTAssertEqual(a.count, 4)
        // Full of this frame's pairs: no eviction, the nearest existing pair instead.
        let over = a.pair(fg: 1, bg: 3)
        XCTAssertFalse(over.exact); XCTAssertFalse(over.needsInit)
        XCTAssertEqual(over.pair, 1)        // (1,2) is closest to (1,3) in the palette
        XCTAssertEqual(a.count, 4)
    }

    func testEvictsOnlyPairsUnusedInTheCurrentFrame() {
        var a = ColorPairAllocator(capacity: 3)
        _ = a.pair(fg: 1, bg: 1); _ = a.pair(fg: 2, bg: 2); _ = a.pair(fg: 3, bg: 3)
        a.beginFrame()
        XCTAssertEqual(a.pair(fg: 1, bg: 1).pair, 1)    // keep (1,1) alive in this frame
        let n = a.pair(fg: 4, bg: 4)
        XCTAssertTrue(n.needsInit); XCTAssertTrue(n.evicted); XCTAssertTrue(n.exact)
        XCTAssertNotEqual(n.pair, 1)
        XCTAssertEqual(a.evictions, 1)
    }

    func testRandomLoadNeverAliasesWithinAFrameNorExceedsCapacity() {
        var rng = SeededGenerator(seed: 42)
        let cap = 16
        var a = ColorPairAllocator(capacity: cap, firstPair: 1)
        for _ in 0..<200 {
            a.beginFrame()
            var meaning: [Int32: Int64] = [:]           // pair -> combination, exact lookups this frame
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                let fg = Int32.random(in: 0..<24, using: &rng), bg = Int32.random(in: 0..<4, using: &rng)
                let l = a.pair(fg: fg, bg: bg)
                XCTAssertTrue((1...Int32(cap)).contains(l.pair))
                guard l.exact else { continue }
                let k = Int64(fg) << 32 | Int64(bg)
                if let m = meaning[l.pair] { XCTAssertEqual(m, k, "pair \(l.pair) means two colours in one frame") }
                meaning[l.pair] = k
            }
            XCTAssertLessThanOrEqual(a.count, cap)
        }
        XCTAssertGreaterThan(a.evictions, 0)
    }
}
