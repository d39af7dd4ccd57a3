import TerminalUI
import XCTest

final class CellBufferTests: XCTestCase {
    func testPutClipsAndReplacesControlAndWideCharacters() {
        var b = CellBuffer(width: 6, height: 2)
        XCTAssertEqual(b.put("ab\u{7}c日é", x: 0, y: 0), 6)
        XCTAssertEqual(b.put("overflow", x: 3, y: 1), 3)
        b.put("x", x: -1, y: 0); b.put("x", x: 0, y: 5)     // off the grid: ignored
        XCTAssertEqual(b.text, "ab?c?é\n   ove\n")
    }

    func testBoxAndBarDrawWithinTheirRectangle() {
        var b = CellBuffer(width: 8, height: 3)
        let inner = b.box(b.bounds, title: "t", theme: .mono())
        XCTAssertEqual(inner, Rect(x: 1, y: 1, width: 6, height: 1))
        b.bar(x: 1, y: 1, width: 6, fraction: 0.5, theme: .mono())
        XCTAssertEqual(b.text, "+ t ---+\n|###...|\n+------+\n")
        b.bar(x: 1, y: 1, width: 6, fraction: .nan, theme: .mono())
        XCTAssertEqual(b.text.split(separator: "\n")[1], "|......|")
    }

    func testNumberFormatting() {
        XCTAssertEqual(signed(0.4123), "+0.412")
        XCTAssertEqual(signed(-0.0004), "+0.000")
        XCTAssertEqual(signed(-1.25, 1), "-1.3")
        XCTAssertEqual(fixed(29.96, 1), "30.0")
        XCTAssertEqual(signed(.infinity), "nan")
    }
}
