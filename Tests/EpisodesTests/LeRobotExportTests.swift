import Foundation
import RobotKit
import XCTest
@testable import Episodes

final class LeRobotExportTests: XCTestCase {
    let cams = [CameraSpec(name: "front", width: 20, height: 14), CameraSpec(name: "wrist", width: 12, height: 10)]

    /// Two episodes recorded at 20 fps: 21 steps (1.0 s) and 11 steps (0.5 s) with an instruction change and
    /// an intervention; plus a discarded-free failure episode that the outcome filter can exclude.
    func recordSession(root: String) throws -> SessionStore {
        let store = try SessionStore.openOrCreate(root: root, name: "lr", robot: "sim", cameras: cams, fps: 20)
        var opts = MCAPWriter.Options(); opts.syncEachChunk = false
        let rec = SessionRecorder(session: store, capacity: 1000, options: opts, wallNanos: { 5_000_000_000 })
        let src = SyntheticSource(cameras: cams, fps: 20)
        rec.startEpisode(instruction: "pick up the red cube")
        for i in 0...20 { rec.record(src.observation(step: i), action: src.action(step: i), source: .autonomy, intervention: false) }
        rec.finishEpisode(outcome: .success)
        rec.startEpisode(instruction: "open the drawer")
        for i in 0...10 {
            if i == 6 { rec.setInstruction("close the drawer") }
            rec.record(src.observation(step: i), action: src.action(step: i), source: i >= 4 ? .teleop : .autonomy, intervention: i == 4)
        }
        rec.finishEpisode(outcome: .failure)
        rec.close()
        XCTAssertNil(rec.currentStats.lastError)
        return try SessionStore.open(directory: root + "/lr")
    }

    func testResamplingStatsAndFooterOfTheExport() throws {
        let root = try Fixtures.tempDir()
        let store = try recordSession(root: root)
        let out = root + "/ds"
        let report = try LeRobotExport.export(session: store, to: out, fps: 10)
        XCTAssertEqual(report.episodes, 2)
        XCTAssertEqual(report.frames, 11 + 6, "1.0 s and 0.5 s at 10 fps, both ends included")
        XCTAssertEqual(report.tasks, ["pick up the red cube", "open the drawer", "close the drawer"])
        let data = try ParquetFooter.read(try DurableFile.read(out + "/data/chunk-000/file-000.parquet"))
        XCTAssertEqual(data.numRows, 17)
        XCTAssertEqual(data.topLevelNames, ["observation.state", "action", "observation.images.front", "observation.images.wrist",
                                            "timestamp", "frame_index", "episode_index", "index", "task_index", "next.done",
                                            "complementary_info.is_intervention"])
        XCTAssertNotNil(data.keyValue["huggingface"])
        let tasks = try ParquetFooter.read(try DurableFile.read(out + "/meta/tasks.parquet"))
        XCTAssertTrue(tasks.keyValue["pandas"]?.contains(#""index_columns": ["task"]"#) ?? false)
        // Only successes: one episode.
        let only = try LeRobotExport.export(session: store, to: root + "/ds2", outcomes: [.success])
        XCTAssertEqual(only.episodes, 1); XCTAssertEqual(only.frames, 21)
        // Stats: quantiles of 0...10 frame indexes of episode 0 and 0...5 of episode 1 (numpy linear method).
        let s = FeatureStats(rows: [0.0, 1, 2, 3, 4].map { [$0] })
        XCTAssertEqual(s.quantiles["q50"], [2]); XCTAssertEqual(s.quantiles["q10"]?.first ?? 0, 0.4, accuracy: 1e-12)
        XCTAssertEqual(s.std.first ?? 0, 2.0.squareRoot(), accuracy: 1e-12)
    }

    func testPyarrowReadsTheExportAndEveryInvariantHolds() throws {
        guard let python = Fixtures.python else { throw XCTSkip(".venv missing: run scripts/setup.sh (make test does)") }
        let root = try Fixtures.tempDir()
        let store = try recordSession(root: root)
        _ = try LeRobotExport.export(session: store, to: root + "/ds", fps: 10)
        let (status, out, err) = try Fixtures.run(python, [Fixtures.interopDir + "/check_lerobot.py", root + "/ds"])
        XCTAssertEqual(status, 0, err)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(j["errors"] as? [String], [])
        let info = try XCTUnwrap(j["info"] as? [String: Any])
        XCTAssertEqual(info["codebase_version"] as? String, "v3.0")
        XCTAssertEqual(info["fps"] as? Int, 10)
        XCTAssertEqual(info["total_episodes"] as? Int, 2); XCTAssertEqual(info["total_frames"] as? Int, 17)
        XCTAssertEqual(info["total_tasks"] as? Int, 3)
        XCTAssertEqual(info["splits"] as? [String: String], ["train": "0:2"])
        XCTAssertEqual(info["data_path"] as? String, "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet")
        let features = try XCTUnwrap(info["features"] as? [String: [String: Any]])
        XCTAssertEqual(features["observation.images.front"]?["dtype"] as? String, "image")
        XCTAssertEqual(features["observation.images.front"]?["shape"] as? [Int], [14, 20, 3])
        XCTAssertEqual(features["observation.state"]?["shape"] as? [Int], [11])
        XCTAssertEqual(features["action"]?["names"] as? [String], ["dx", "dy", "dz", "dyaw", "gripper"])
        XCTAssertEqual(j["tasks_index_columns"] as? [String], ["task"])
        XCTAssertEqual(j["tasks"] as? [String: Int], ["pick up the red cube": 0, "open the drawer": 1, "close the drawer": 2])
        XCTAssertEqual(j["frames"] as? Int, 17)
        let cols = try XCTUnwrap(j["episode_columns"] as? [String])
        for c in ["episode_index", "tasks", "length", "data/chunk_index", "data/file_index", "dataset_from_index", "dataset_to_index",
                  "meta/episodes/chunk_index", "meta/episodes/file_index", "stats/action/mean", "stats/action/q99", "stats/action/count"] {
            XCTAssertTrue(cols.contains(c), "episodes table lacks \(c)")
        }
        let eps = try XCTUnwrap(j["episodes"] as? [[String: Any]])
        XCTAssertEqual(eps.map { $0["length"] as? Int }, [11, 6])
        XCTAssertEqual(eps.map { $0["dataset_from_index"] as? Int }, [0, 11])
        XCTAssertEqual(eps.last?["tasks"] as? [String], ["open the drawer", "close the drawer"])
        // Episode 1 at 10 fps samples recorded steps 0, 2, 4, 6, 8, 10: the intervention at step 4 is frame 2 (index 13);
        // the instruction changes at step 6 (frame 3).
        XCTAssertEqual(j["intervention_frames"] as? [Int], [13])
        XCTAssertEqual(j["task_per_frame"] as? [Int], [Int](repeating: 0, count: 11) + [1, 1, 1, 2, 2, 2])
        let schema = try XCTUnwrap(j["data_schema"] as? [String: String])
        XCTAssertEqual(schema["observation.images.wrist"], "struct<bytes: binary, path: string>")
        XCTAssertEqual(schema["timestamp"], "float"); XCTAssertEqual(schema["next.done"], "bool")
        XCTAssertEqual(Set(j["stats_keys"] as? [String] ?? []), Set(features.keys))
        let stats = try XCTUnwrap(j["stats_sample"] as? [String: [String: Any]])
        XCTAssertEqual(Set(stats["action"]?.keys.map { $0 } ?? []), ["min", "max", "mean", "std", "count", "q01", "q10", "q50", "q90", "q99"])
        XCTAssertEqual(stats["timestamp"]?["max"] as? [Double], [1.0])
        XCTAssertEqual(stats["action"]?["count"] as? [Int], [17])
        XCTAssertEqual((stats["observation.images.front"]?["mean"] as? [[[Double]]])?.count, 3, "image stats are (3, 1, 1)")
    }
}

final class ZlibPNGTests: XCTestCase {
    func testZlibPNGDecodesBackToTheSamePixels() throws {
        let src = SyntheticSource(cameras: SyntheticSource.cameras(width: 37, height: 23), fps: 10)
        for step in [0, 5] {
            let f = src.frame(src.cameras[1], step: step, salt: 2)
            let back = try PNG.decode(try ZlibPNG.encode(f))
            XCTAssertEqual(back.width, 37); XCTAssertEqual(back.height, 23)
            XCTAssertEqual(back.pixels, f.pixels)
        }
    }
}
