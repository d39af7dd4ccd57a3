// Exports a session as a LeRobot v3.0 dataset (codebase_version "v3.0"): many episodes per Parquet file,
// relational episode metadata, images stored inline as PNG (dtype "image"), every file written to a
// temporary name and renamed into place. Layout and column names follow LeRobot's v3.0 datasets:
//   meta/info.json  meta/stats.json  meta/tasks.parquet  meta/episodes/chunk-000/file-000.parquet
//   data/chunk-CCC/file-FFF.parquet (a new file once one passes `dataFileMB`)
import Foundation
import RobotKit

public struct LeRobotExportReport: Codable, Sendable {
    public var out: String
    public var episodes: Int
    public var frames: Int
    public var tasks: [String]
    public var fps: Double
    public var files: [String]
    public var skippedEpisodes: [String]
}

public enum LeRobotExport {
    public static let chunksSize = 1000
    public static let dataFileMB = 100

    /// One resampled frame before it becomes a row.
    struct Row {
        var state: [Float], action: [Float], images: [[UInt8]], frameIndex: Int, taskIndex: Int, done: Bool, intervention: Bool
    }

    /// Exports `episodes` (default: every listed one) resampled to `fps` (default: the session's).
    public static func export(session: SessionStore, to out: String, fps requested: Double? = nil,
                              outcomes: Set<EpisodeOutcome>? = nil,
                              progress: (String) -> Void = { _ in }) throws -> LeRobotExportReport {
        let m = session.manifest
        let fps = requested ?? m.fps
        guard fps > 0, fps <= 1000 else { throw SessionError("--fps \(fps) outside (0, 1000]") }
        let cams = m.cameras
        var tasks: [String] = []
        func taskIndex(_ t: String) -> Int {
            if let i = tasks.firstIndex(of: t) { return i }
            tasks.append(t); return tasks.count - 1
        }
        var jointCount: Int?
        var skipped: [String] = []
        var episodeRows: [[String: Any]] = []     // the episodes table, column-wise later
        var epStats: [[String: FeatureStats]] = []
        var all: [String: [[Double]]] = [:]       // global numeric stats inputs
        var imageStats = [ImageStatsAccumulator](repeating: .init(), count: cams.count)
        var files: [String] = []
        var globalIndex = 0
        var chunk = 0, file = 0
        var pending: [(episode: Int, rows: [Row])] = []
        var pendingBytes = 0
        let jpeg = JPEGCodec()

        try FileManager.default.createDirectory(atPath: out + "/meta/episodes/chunk-000", withIntermediateDirectories: true)

        func flushData() throws {
            guard !pending.isEmpty else { return }
            let rel = String(format: "data/chunk-%03d/file-%03d.parquet", chunk, file)
            try writeParquet(dataColumns(pending, cams: cams, fps: fps, firstIndex: globalIndex - pending.map(\.rows.count).reduce(0, +)),
                             keyValue: [("huggingface", hfFeaturesJSON(cams: cams, stateDim: jointCount.map { $0 + 5 } ?? 5))],
                             to: out + "/" + rel)
            files.append(rel)
            pending = []; pendingBytes = 0
            file += 1
            if file == chunksSize { file = 0; chunk += 1 }
        }

        let chosen = m.episodes.filter { outcomes?.contains($0.outcome) ?? true }
        for (n, e) in chosen.enumerated() {
            let ep: RecordedEpisode
            do { ep = try EpisodeReader.read(path: session.path(of: e)) } catch {
                skipped.append("\(e.file): \(error)"); progress("skipping \(e.file): \(error)"); continue
            }
            guard let last = ep.steps.last else { skipped.append("\(e.file): no steps"); continue }
            let episodeIndex = episodeRows.count
            // Zero-order hold onto the fixed grid t = k / fps.
            let frames = Int((last.time * fps + 1e-6).rounded(.down)) + 1
            var rows: [Row] = []
            rows.reserveCapacity(frames)
            var s = 0, insIdx = 0
            var lastImages = [[UInt8]](repeating: [], count: cams.count)
            var decodedStep = -1
            for k in 0..<frames {
                let t = Double(k) / fps
                while s + 1 < ep.steps.count && ep.steps[s + 1].time <= t + 1e-9 { s += 1 }
                while insIdx + 1 < ep.instructions.count && ep.instructions[insIdx + 1].time <= t + 1e-9 { insIdx += 1 }
                let step = ep.steps[s]
                guard step.state.proprioception.allSatisfy(\.isFinite), step.action.isFinite else {
                    throw SessionError("\(session.path(of: e)): step \(step.index) has a non-finite state or action; fix or drop the episode")
                }
                let joints = step.state.jointPositions.count
                if jointCount == nil { jointCount = joints }
                guard joints == jointCount else {
                    throw SessionError("\(session.path(of: e)): step \(step.index) has \(joints) joints, earlier episodes have \(jointCount ?? 0)")
                }
                if decodedStep != s {
                    decodedStep = s
                    for (c, cam) in cams.enumerated() {
                        var f: Frame
                        if let j = step.images[cam.name], let d = try? jpeg.decode(j) { f = d } else if lastImages[c].isEmpty {
                            f = Frame(width: max(1, cam.width), height: max(1, cam.height))
                        } else { continue }   // keep the previous image for a missing one
                        imageStats[c].add(rgb: f.pixels)
                        lastImages[c] = try ZlibPNG.encode(f)
                    }
                }
                let task = ep.instructions.isEmpty ? ep.task : ep.instructions[insIdx].text
                rows.append(Row(state: step.state.proprioception.map(Float.init), action: step.action.vector.map(Float.init),
                                images: lastImages, frameIndex: k, taskIndex: taskIndex(task), done: k == frames - 1,
                                intervention: step.intervention))
            }
            // Per-episode and global numeric stats.
            var st: [String: FeatureStats] = [:]
            for (name, vecs) in numericFeatures(rows, episodeIndex: episodeIndex, firstIndex: globalIndex, fps: fps) {
                st[name] = FeatureStats(rows: vecs)
                all[name, default: []] += vecs
            }
            epStats.append(st)
            let epTasks = Array(Set(rows.map(\.taskIndex))).sorted().map { tasks[$0] }
            let rowBytes = rows.reduce(0) { $0 + $1.images.reduce(0) { $0 + $1.count } + 64 }
            if pendingBytes > 0 && pendingBytes + rowBytes > dataFileMB << 20 { try flushData() }
            episodeRows.append(["episode_index": episodeIndex, "tasks": epTasks, "length": rows.count,
                                "data/chunk_index": chunk, "data/file_index": file,
                                "dataset_from_index": globalIndex, "dataset_to_index": globalIndex + rows.count,
                                "source_file": e.file, "outcome": e.outcome.rawValue])
            globalIndex += rows.count
            pending.append((episodeIndex, rows)); pendingBytes += rowBytes
            progress("episode \(n + 1)/\(chosen.count): \(e.file) → \(rows.count) frames at \(fps) fps")
        }
        try flushData()
        guard !episodeRows.isEmpty else { throw SessionError("\(session.directory): no exportable episodes (\(skipped.joined(separator: "; ")))") }

        try writeParquet(episodesColumns(episodeRows, stats: epStats), keyValue: [], to: out + "/meta/episodes/chunk-000/file-000.parquet")
        try writeParquet([ParquetColumn("task_index", .int64((0..<tasks.count).map(Int64.init))), ParquetColumn("task", .string(tasks))],
                         keyValue: [("pandas", pandasTaskIndexJSON)], to: out + "/meta/tasks.parquet")
        var statsJSON: [String: Any] = [:]
        for (k, v) in all { statsJSON[k] = FeatureStats(rows: v).json() }
        for (c, cam) in cams.enumerated() { statsJSON["observation.images.\(cam.name)"] = imageStats[c].stats.json(nest: true) }
        try writeJSON(statsJSON, to: out + "/meta/stats.json")
        try writeJSON(info(session: m, fps: fps, stateDim: (jointCount ?? 0) + 5, episodes: episodeRows.count, frames: globalIndex,
                           tasks: tasks.count), to: out + "/meta/info.json")
        files += ["meta/episodes/chunk-000/file-000.parquet", "meta/tasks.parquet", "meta/stats.json", "meta/info.json"]
        return LeRobotExportReport(out: out, episodes: episodeRows.count, frames: globalIndex, tasks: tasks, fps: fps,
                                   files: files, skippedEpisodes: skipped)
    }

    // MARK: tables

    static func numericFeatures(_ rows: [Row], episodeIndex: Int, firstIndex: Int, fps: Double) -> [(String, [[Double]])] {
        [
            ("observation.state", rows.map { $0.state.map(Double.init) }),
            ("action", rows.map { $0.action.map(Double.init) }),
            ("timestamp", rows.map { [Double(Float(Double($0.frameIndex) / fps))] }),
            ("frame_index", rows.map { [Double($0.frameIndex)] }),
            ("episode_index", rows.map { _ in [Double(episodeIndex)] }),
            ("index", rows.indices.map { [Double(firstIndex + $0)] }),
            ("task_index", rows.map { [Double($0.taskIndex)] }),
            ("next.done", rows.map { [$0.done ? 1 : 0] }),
            ("complementary_info.is_intervention", rows.map { [$0.intervention ? 1 : 0] }),
        ]
    }

    static func dataColumns(_ eps: [(episode: Int, rows: [Row])], cams: [CameraSpec], fps: Double, firstIndex: Int) -> [ParquetColumn] {
        let rows = eps.flatMap(\.rows)
        let epIdx = eps.flatMap { e in e.rows.map { _ in Int64(e.episode) } }
        var cols = [
            ParquetColumn("observation.state", .float32List(rows.map(\.state))),
            ParquetColumn("action", .float32List(rows.map(\.action))),
        ]
        for (c, cam) in cams.enumerated() {
            cols.append(ParquetColumn("observation.images.\(cam.name)", .image(rows.map { (bytes: $0.images[c], path: nil) })))
        }
        cols += [
            ParquetColumn("timestamp", .float32(rows.map { Float(Double($0.frameIndex) / fps) })),
            ParquetColumn("frame_index", .int64(rows.map { Int64($0.frameIndex) })),
            ParquetColumn("episode_index", .int64(epIdx)),
            ParquetColumn("index", .int64(rows.indices.map { Int64(firstIndex + $0) })),
            ParquetColumn("task_index", .int64(rows.map { Int64($0.taskIndex) })),
            ParquetColumn("next.done", .bool(rows.map(\.done))),
            ParquetColumn("complementary_info.is_intervention", .bool(rows.map(\.intervention))),
        ]
        return cols
    }

    static func episodesColumns(_ eps: [[String: Any]], stats: [[String: FeatureStats]]) -> [ParquetColumn] {
        func ints(_ k: String) -> ParquetColumn { ParquetColumn(k, .int64(eps.map { Int64($0[k] as? Int ?? 0) })) }
        var cols = [ints("episode_index"), ParquetColumn("tasks", .stringList(eps.map { $0["tasks"] as? [String] ?? [] })), ints("length"),
                    ints("data/chunk_index"), ints("data/file_index"), ints("dataset_from_index"), ints("dataset_to_index")]
        let names = stats.first.map { Array($0.keys).sorted() } ?? []
        for f in names {
            for key in ["min", "max", "mean", "std"] + FeatureStats.quantileKeys.map(\.0) {
                cols.append(ParquetColumn("stats/\(f)/\(key)", .float64List(stats.map { s in
                    guard let v = s[f] else { return [] }
                    switch key {
                    case "min": return v.min
                    case "max": return v.max
                    case "mean": return v.mean
                    case "std": return v.std
                    default: return v.quantiles[key] ?? []
                    }
                })))
            }
            cols.append(ParquetColumn("stats/\(f)/count", .int64List(stats.map { [Int64($0[f]?.count ?? 0)] })))
        }
        cols += [ParquetColumn("meta/episodes/chunk_index", .int64(eps.map { _ in 0 })),
                 ParquetColumn("meta/episodes/file_index", .int64(eps.map { _ in 0 }))]
        return cols
    }

    // MARK: metadata

    static func stateNames(_ dim: Int) -> [String] { ["x", "y", "z", "yaw", "gripper"] + (0..<max(0, dim - 5)).map { "joint_\($0)" } }

    static func info(session m: SessionManifest, fps: Double, stateDim: Int, episodes: Int, frames: Int, tasks: Int) -> [String: Any] {
        var features: [String: Any] = [
            "observation.state": ["dtype": "float32", "shape": [stateDim], "names": stateNames(stateDim)],
            "action": ["dtype": "float32", "shape": [Action.dimension], "names": Action.names],
            "timestamp": ["dtype": "float32", "shape": [1], "names": NSNull()],
            "frame_index": ["dtype": "int64", "shape": [1], "names": NSNull()],
            "episode_index": ["dtype": "int64", "shape": [1], "names": NSNull()],
            "index": ["dtype": "int64", "shape": [1], "names": NSNull()],
            "task_index": ["dtype": "int64", "shape": [1], "names": NSNull()],
            "next.done": ["dtype": "bool", "shape": [1], "names": NSNull()],
            "complementary_info.is_intervention": ["dtype": "bool", "shape": [1], "names": NSNull()],
        ]
        for c in m.cameras {
            features["observation.images.\(c.name)"] = ["dtype": "image", "shape": [c.height, c.width, 3],
                                                        "names": ["height", "width", "channels"]]
        }
        let fpsValue: Any = fps == fps.rounded() ? Int(fps) : fps
        return [
            "codebase_version": "v3.0", "robot_type": m.robot,
            "total_episodes": episodes, "total_frames": frames, "total_tasks": tasks,
            "chunks_size": chunksSize, "data_files_size_in_mb": dataFileMB, "video_files_size_in_mb": 500,
            "fps": fpsValue, "splits": ["train": "0:\(episodes)"],
            "data_path": "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
            "video_path": NSNull(), "features": features,
        ]
    }

    /// pandas' own metadata for a frame whose index is the task strings (what `pd.read_parquet` restores).
    static let pandasTaskIndexJSON = #"{"index_columns": ["task"], "column_indexes": [{"name": null, "field_name": null, "pandas_type": "unicode", "numpy_type": "object", "metadata": {"encoding": "UTF-8"}}], "columns": [{"name": "task_index", "field_name": "task_index", "pandas_type": "int64", "numpy_type": "int64", "metadata": null}, {"name": "task", "field_name": "task", "pandas_type": "unicode", "numpy_type": "object", "metadata": null}], "creator": {"library": "vlaterm", "version": "1"}, "pandas_version": "2.2.3"}"#

    /// Hugging Face `datasets` feature types, so `load_dataset("parquet")` decodes the image columns.
    static func hfFeaturesJSON(cams: [CameraSpec], stateDim: Int) -> String {
        func value(_ t: String) -> [String: Any] { ["dtype": t, "_type": "Value"] }
        func seq(_ n: Int) -> [String: Any] { ["feature": value("float32"), "length": n, "_type": "Sequence"] }
        var f: [String: Any] = ["observation.state": seq(stateDim), "action": seq(Action.dimension),
                                "timestamp": value("float32"), "frame_index": value("int64"), "episode_index": value("int64"),
                                "index": value("int64"), "task_index": value("int64"), "next.done": value("bool"),
                                "complementary_info.is_intervention": value("bool")]
        for c in cams { f["observation.images.\(c.name)"] = ["_type": "Image"] }
        let data = (try? JSONSerialization.data(withJSONObject: ["info": ["features": f]], options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: files

    static func writeParquet(_ cols: [ParquetColumn], keyValue: [(String, String)], to path: String) throws {
        try FileManager.default.createDirectory(atPath: DurableFile.parentDirectory(path), withIntermediateDirectories: true)
        try DurableFile.writeAtomically(try ParquetWriter.encode(cols, keyValue: keyValue), to: path)
    }

    static func writeJSON(_ obj: [String: Any], to path: String) throws {
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys]) } catch {
            throw SessionError("\(path): cannot encode JSON (a recorded value is not finite?): \(error)")
        }
        try DurableFile.writeAtomically(Array(data), to: path)
    }
}
