// Safety promise 8: a `kill -9` while recording loses at most the chunk in flight; earlier episodes and
// session.json stay intact; `sessions repair` recovers the cut-short episode. Uses the real built binary.
import Foundation
import XCTest
@testable import Episodes

final class CrashTests: XCTestCase {
    static var vlaterm: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/vlaterm").path
    }

    func testKillDashNineMidEpisodeKeepsEarlierEpisodesAndRepairRecoversTheRest() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.vlaterm) else {
            throw XCTSkip("\(Self.vlaterm) not built (swift build builds it)")
        }
        let root = try Fixtures.tempDir()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.vlaterm)
        p.arguments = ["record", "--synthetic", "--episodes", "3", "--session", "crash", "--root", root,
                       "--fps", "20", "--size", "32x24", "--stop-mid-episode", "50"]
        let stdin = Pipe(), stderr = Pipe()
        p.standardInput = stdin; p.standardError = stderr; p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Wait (on the pipe, not a timer) until the child says it is holding mid-episode.
        var log = ""
        while !log.contains("holding") {
            let d = stderr.fileHandleForReading.availableData
            if d.isEmpty { break }
            log += String(decoding: d, as: UTF8.self)
        }
        XCTAssertTrue(log.contains("holding"), "child output: \(log)")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)

        let dir = root + "/crash"
        let store = try SessionStore.open(directory: dir)
        XCTAssertEqual(store.manifest.episodes.map(\.index), [0, 1], "finished episodes are listed")
        for e in store.manifest.episodes {
            let ep = try EpisodeReader.read(path: store.path(of: e))
            XCTAssertTrue(ep.read.complete); XCTAssertEqual(ep.steps.count, 60); XCTAssertEqual(ep.outcome, .success)
        }
        XCTAssertEqual(store.unlistedEpisodeFiles(), ["episode-000002.mcap"])
        let cut = try EpisodeReader.read(path: dir + "/episode-000002.mcap")
        XCTAssertFalse(cut.read.complete)
        XCTAssertLessThanOrEqual(cut.steps.count, 50)
        XCTAssertGreaterThanOrEqual(cut.steps.count, 50 - 21, "at most one 1 s chunk (20 steps + 1) is lost")

        let (status, out, err) = try Fixtures.run(Self.vlaterm, ["sessions", "repair", "crash", "--root", root, "--json"])
        XCTAssertEqual(status, 0, err)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(j["repaired"] as? Int, 1)
        let after = try SessionStore.open(directory: dir)
        XCTAssertEqual(after.manifest.episodes.map(\.index), [0, 1, 2])
        XCTAssertEqual(after.manifest.episodes.last?.outcome, .interrupted)
        XCTAssertEqual(after.manifest.episodes.last?.length, cut.steps.count)
        let repaired = try EpisodeReader.read(path: dir + "/episode-000002.mcap")
        XCTAssertTrue(repaired.read.complete)
        XCTAssertEqual(repaired.steps.count, cut.steps.count)
        XCTAssertEqual(after.unlistedEpisodeFiles(), [])
    }
}
