import Foundation
import RobotKit
import TerminalUI
import XCTest
@testable import Console
@testable import Episodes

final class ReplayScreenTests: XCTestCase {
    func episode() throws -> RecordedEpisode {
        let cams = [CameraSpec(name: "front", width: 16, height: 12), CameraSpec(name: "wrist", width: 16, height: 12)]
        let src = SyntheticSource(cameras: cams, fps: 10)
        let sink = MemorySink()
        let w = try EpisodeFileWriter(sink: sink, cameras: cams, task: "stack the cubes", startNanos: 0)
        let jpeg = JPEGCodec()
        for i in 0..<20 {
            var images: [String: [UInt8]] = [:]
            for (k, c) in cams.enumerated() { images[c.name] = try jpeg.encode(src.frame(c, step: i, salt: k)) }
            try w.write(StepRecord(time: Double(i) / 10, state: src.state(step: i), action: src.action(step: i),
                                   source: i >= 10 ? .teleop : .autonomy, intervention: i == 10, images: images))
        }
        try w.finish(outcome: .success)
        return try EpisodeReader.read(bytes: sink.bytes)
    }

    func testCursorPlaysStepsAndSeeks() {
        var c = ReplayCursor(times: (0..<20).map { Double($0) / 10 })
        c.advance(by: 0.35)
        XCTAssertEqual(c.index, 3)
        c.step(1); XCTAssertEqual(c.index, 4); XCTAssertFalse(c.playing)
        c.advance(by: 5); XCTAssertEqual(c.index, 4, "paused cursors stay")
        c.seek(by: 1); XCTAssertEqual(c.index, 14)
        c.seek(to: .infinity); XCTAssertEqual(c.index, 19)
        c.togglePause(); XCTAssertTrue(c.playing); XCTAssertEqual(c.index, 0, "play at the end restarts")
        c.speed = 2; c.advance(by: 10); XCTAssertEqual(c.index, 19); XCTAssertFalse(c.playing, "stops at the last step")
        c.step(-30); XCTAssertEqual(c.index, 0)
    }

    func testScreenShowsCamerasStateTimelineAndInterventions() throws {
        let ep = try episode()
        let app = ReplayApp(episode: ep, title: "demo #0: stack the cubes")
        var cursor = ReplayCursor(times: ep.steps.map(\.time))
        cursor.seek(to: 1.0)
        let screen = ReplayScreen(theme: .mono(glyphs: .ascii), blitMode: .ascii, depth: .mono)
        var buf = CellBuffer(width: 90, height: 30)
        screen.render(app.view(cursor), into: &buf)
        let text = buf.text
        XCTAssertTrue(text.contains("stack the cubes"))
        XCTAssertTrue(text.contains("step 11/20"), text)
        XCTAssertTrue(text.contains("TELEOP")); XCTAssertTrue(text.contains("INTERVENTION"))
        XCTAssertTrue(text.contains(" front ")); XCTAssertTrue(text.contains(" wrist "))
        XCTAssertTrue(text.contains("[success]"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let timeline = String(lines[28])
        XCTAssertEqual(timeline.filter { $0 == "!" }.count, 0, "the play head sits on the intervention at step 10")
        // The camera box holds ASCII-ramp pixels, not blanks.
        let camRows = lines[3..<10].joined()
        XCTAssertGreaterThan(camRows.filter { "@%#*+=-:.".contains($0) }.count, 20)
        cursor.step(-5)
        screen.render(app.view(cursor), into: &buf)
        XCTAssertEqual(String(buf.text.split(separator: "\n", omittingEmptySubsequences: false)[28]).filter { $0 == "!" }.count, 1, buf.text)
        XCTAssertFalse(buf.text.contains("INTERVENTION"))
    }
}
