// `vlaterm export SESSION --format lerobot --out DIR`: a LeRobot v3.0 dataset from a recorded session.
import ArgumentParser
import Episodes
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a session as a LeRobot v3.0 dataset.",
        discussion: """
        Writes DIR/meta/info.json, meta/stats.json, meta/tasks.parquet, meta/episodes/chunk-000/file-000.parquet and
        DIR/data/chunk-000/file-000.parquet (more files past 100 MB). Frames are resampled to --fps (default: the
        session's) by holding the latest recorded step; camera images are stored inline as PNG (dtype "image").
        Load it with lerobot: LeRobotDataset("local/NAME", root="DIR").
        Example: vlaterm export pick-place --format lerobot --out datasets/pick-place
        """)

    enum Format: String, ExpressibleByArgument { case lerobot }

    @Argument(help: "Session name (a folder under --root).") var session: String
    @Option(help: "Output format (lerobot: LeRobot v3.0).") var format: Format = .lerobot
    @Option(help: "Output folder; must not already hold a dataset unless --overwrite.") var out: String
    @Option(help: "Frames per second of the export (default: the session's recording rate).") var fps: Double?
    @Option(help: "Only episodes with these outcomes, comma-separated (success,failure,unlabelled,interrupted).") var outcomes: String?
    @Option(help: "Folder holding the sessions.") var root = "sessions"
    @Flag(help: "Replace an existing dataset in --out.") var overwrite = false
    @Flag(help: "Print one JSON object on stdout.") var json = false

    func run() throws {
        var filter: Set<EpisodeOutcome>?
        if let o = outcomes {
            var s = Set<EpisodeOutcome>()
            for part in o.split(separator: ",") {
                guard let v = EpisodeOutcome(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--outcomes: '\(part)' is not one of \(EpisodeOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                s.insert(v)
            }
            filter = s
        }
        if FileManager.default.fileExists(atPath: out + "/meta/info.json") && !overwrite {
            note("vlaterm export: \(out) already holds a dataset; pass --overwrite to replace it")
            throw ExitStatus.badInput
        }
        let started = Date()
        let report = try SessionsCommand.badInput { () throws -> LeRobotExportReport in
            try SessionStore.validate(name: session)
            let store = try SessionStore.open(directory: root + "/" + session)
            return try LeRobotExport.export(session: store, to: out, fps: fps, outcomes: filter) { note($0) }
        }
        let secs = Date().timeIntervalSince(started)
        note(String(format: "exported %d episodes, %d frames, %d tasks to %@ in %.1f s (%.0f frames/s)", report.episodes, report.frames,
                    report.tasks.count, out, secs, Double(report.frames) / max(secs, 1e-9)))
        for s in report.skippedEpisodes { note("skipped \(s)") }
        if json { try printJSON(report) }
    }
}
