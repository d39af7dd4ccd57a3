// Test helpers: synthetic frames and text snapshots (Tests/TerminalUITests/Snapshots/*.txt, found via #filePath;
// re-record with VLATERM_RECORD_SNAPSHOTS=1).
import Foundation
import RobotKit
import TerminalUI
import XCTest

/// A frame filled by a per-pixel function.
func makeFrame(width: Int, height: Int, _ f: (Int, Int) -> (UInt8, UInt8, UInt8)) -> Frame {
    var px = [UInt8](); px.reserveCapacity(width * height * 3)
    for y in 0..<height { for x in 0..<width { let (r, g, b) = f(x, y); px += [r, g, b] } }
    return Frame(width: width, height: height, pixels: px)
}

/// A 96x72 "camera" image: a vertical grey gradient with a bright square whose place depends on `seed`.
func sceneFrame(seed: Int) -> Frame {
    makeFrame(width: 96, height: 72) { x, y in
        let sx = 10 + seed * 25, sy = 20 + seed * 8
        if x >= sx && x < sx + 24 && y >= sy && y < sy + 24 { return (250, 240, 60) }
        if y > 54 { return (40, 40, 140) }            // "table"
        let g = UInt8(30 + y * 2)
        return (g, g, g)
    }
}

func assertSnapshot(_ buffer: CellBuffer, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
    let url = dir.appendingPathComponent(name + ".txt")
    let actual = buffer.text
    let record = ProcessInfo.processInfo.environment["VLATERM_RECORD_SNAPSHOTS"] == "1"
    if record || !FileManager.default.fileExists(atPath: url.path) {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        if !record { XCTFail("snapshot \(name) was missing and has been recorded; check it and re-run", file: file, line: line) }
        return
    }
    let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    if expected != actual {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDiff = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
        XCTFail("snapshot \(name) differs at row \(firstDiff):\n expected: \(firstDiff < e.count ? String(e[firstDiff]) : "<none>")\n actual:   \(firstDiff < a.count ? String(a[firstDiff]) : "<none>")\n(re-record with VLATERM_RECORD_SNAPSHOTS=1)", file: file, line: line)
    }
}
