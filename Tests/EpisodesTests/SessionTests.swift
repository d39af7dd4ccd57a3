import Foundation
import RobotKit
import XCTest
@testable import Episodes

final class SessionTests: XCTestCase {
    let cams = SyntheticSource.cameras(width: 24, height: 16)

    func testRecorderWritesEpisodesAndSessionJSONThroughItsWriterThread() throws {
        let root = try Fixtures.tempDir()
        let store = try SessionStore.openOrCreate(root: root, name: "demo", robot: "sim", cameras: cams, fps: 20)
        var opts = MCAPWriter.Options(); opts.syncEachChunk = false
        let rec = SessionRecorder(session: store, capacity: 1000, options: opts, wallNanos: { 1_000_000_000 })
        let src = SyntheticSource(cameras: cams, fps: 20)
        let tasks = ["stack the blocks", "open the drawer", "push the cube left"]
        for (e, task) in tasks.enumerated() {
            rec.startEpisode(instruction: task, seed: UInt64(e))
            for i in 0..<(30 + e) {
                XCTAssertTrue(rec.record(src.observation(step: i, time: 100 + Double(i) / 20), action: src.action(step: i),
                                         source: i < 20 ? .autonomy : .teleop, intervention: i == 20))
            }
            if e == 1 { rec.setInstruction("open the drawer fully") }
            if e == 2 { rec.discardEpisode() } else { rec.finishEpisode(outcome: e == 0 ? .success : .failure, note: "n\(e)") }
        }
        rec.drain()
        let st = rec.currentStats
        XCTAssertNil(st.lastError)
        XCTAssertEqual(st.stepsDropped, 0)
        XCTAssertEqual(st.stepsWritten, 30 + 31 + 32)
        XCTAssertEqual(st.episodesFinished, 2); XCTAssertEqual(st.episodesDiscarded, 1)
        rec.close()

        let reopened = try SessionStore.open(directory: root + "/demo")
        XCTAssertEqual(reopened.manifest.episodes.map(\.task), ["stack the blocks", "open the drawer"])
        XCTAssertEqual(reopened.manifest.episodes.map(\.outcome), [.success, .failure])
        XCTAssertEqual(reopened.manifest.episodes.map(\.length), [30, 31])
        XCTAssertEqual(reopened.manifest.episodes.map(\.file), ["episode-000000.mcap", "episode-000001.mcap"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/demo/episode-000002.mcap"), "discarded file is deleted")
        XCTAssertEqual(reopened.unlistedEpisodeFiles(), [])
        let ep1 = try EpisodeReader.read(path: root + "/demo/episode-000001.mcap")
        XCTAssertEqual(ep1.steps.count, 31)
        XCTAssertEqual(ep1.instructions.map(\.text), ["open the drawer", "open the drawer fully"])
        XCTAssertEqual(ep1.steps[20].intervention, true); XCTAssertEqual(ep1.steps[21].source, .teleop)
        XCTAssertEqual(ep1.steps[0].time, 0, accuracy: 1e-9)
        XCTAssertEqual(ep1.steps[30].time, 1.5, accuracy: 1e-6)
        XCTAssertEqual(ep1.facts["seed"], "1")
        XCTAssertEqual(ep1.steps[3].state, src.state(step: 3))
        XCTAssertEqual(Set(ep1.steps[3].images.keys), ["front", "wrist", "side"])
    }

    func testFullQueueDropsStepsInsteadOfBlocking() throws {
        let root = try Fixtures.tempDir()
        let store = try SessionStore.openOrCreate(root: root, name: "tiny", robot: "sim", cameras: cams, fps: 20)
        let rec = SessionRecorder(session: store, capacity: 2)
        let src = SyntheticSource(cameras: cams, fps: 20)
        rec.startEpisode(instruction: "x")
        // 500 steps pushed back-to-back into a 2-slot queue: the writer cannot keep up, so some must be dropped,
        // and each record() call returns (the test would hang otherwise).
        let obs = src.observation(step: 0)
        var accepted = 0
        for i in 0..<500 {
            var o = obs; o.time = Double(i) / 20
            if rec.record(o, action: src.action(step: i), source: .teleop, intervention: false) { accepted += 1 }
        }
        rec.finishEpisode(outcome: .unlabelled)
        rec.drain()
        let st = rec.currentStats
        XCTAssertEqual(st.stepsDropped + accepted, 500)
        XCTAssertEqual(st.stepsWritten, accepted)
        XCTAssertEqual(try SessionStore.open(directory: root + "/tiny").manifest.episodes.first?.length, accepted)
        rec.close()
    }

    func testSessionJSONIsValidatedAsUntrustedInput() throws {
        let root = try Fixtures.tempDir()
        try FileManager.default.createDirectory(atPath: root + "/bad", withIntermediateDirectories: true)
        let cases = [
            "{not json",
            #"{"version":1,"name":"bad","robot":"sim","cameras":[],"fps":20,"created":"x","episodes":[{"index":0,"task":"t","outcome":"success","length":3,"file":"../../etc/passwd"}]}"#,
            #"{"version":1,"name":"bad","robot":"sim","cameras":[],"fps":-1,"created":"x","episodes":[]}"#,
            #"{"version":1,"name":"bad","robot":"sim","cameras":[],"created":"x","episodes":[]}"#,
        ]
        for c in cases {
            try Data(c.utf8).write(to: URL(fileURLWithPath: root + "/bad/session.json"))
            XCTAssertThrowsError(try SessionStore.open(directory: root + "/bad")) { e in
                XCTAssertTrue("\(e)".contains("session.json"), "error names the file: \(e)")
            }
        }
        XCTAssertThrowsError(try SessionStore.validate(name: "../x"))
        XCTAssertThrowsError(try SessionStore.validate(name: ".hidden"))
        XCTAssertNoThrow(try SessionStore.validate(name: "pick-place_2026.11"))
    }
}
