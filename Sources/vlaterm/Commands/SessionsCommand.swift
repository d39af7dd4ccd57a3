// `vlaterm sessions list|show|repair`: what is recorded under sessions/, and recovery after a crash.
import ArgumentParser
import Episodes
import Foundation

struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List, show and repair recorded sessions.",
        discussion: """
        A session is a folder sessions/NAME/ with session.json (robot, cameras, fps, and per finished episode:
        task, outcome, length, file) and one MCAP file per episode (open them in Foxglove or with `mcap`).
        After a crash or kill, run `vlaterm sessions repair` to recover the episode that was being recorded.
        """,
        subcommands: [List.self, Show.self, Repair.self], defaultSubcommand: List.self)

    struct Common: ParsableArguments {
        @Option(name: .long, help: "Folder holding the sessions.")
        var root = "sessions"
        @Flag(name: .long, help: "Print one JSON object on stdout.")
        var json = false
    }

    /// Maps session/file errors to exit code 2 with the message on stderr.
    static func badInput<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as SessionError {
            note("vlaterm: \(e)"); throw ExitStatus.badInput
        } catch let e as FileError {
            note("vlaterm: \(e)"); throw ExitStatus.badInput
        } catch let e as EpisodeReader.Failure {
            note("vlaterm: \(e)"); throw ExitStatus.badInput
        }
    }

    static func sessionNames(root: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.fileExists(atPath: root + "/" + $0 + "/session.json") }.sorted()
    }

    struct Summary: Codable {
        var name: String, robot: String, fps: Double, created: String, cameras: [String]
        var episodes: Int, steps: Int, outcomes: [String: Int], tasks: [String], needsRepair: [String]
    }

    static func summary(_ s: SessionStore) -> Summary {
        let m = s.manifest
        var outcomes: [String: Int] = [:]
        for e in m.episodes { outcomes[e.outcome.rawValue, default: 0] += 1 }
        var tasks: [String] = []
        for e in m.episodes where !tasks.contains(e.task) { tasks.append(e.task) }
        return Summary(name: m.name, robot: m.robot, fps: m.fps, created: m.created, cameras: m.cameras.map(\.name),
                       episodes: m.episodes.count, steps: m.episodes.map(\.length).reduce(0, +), outcomes: outcomes,
                       tasks: tasks, needsRepair: s.unlistedEpisodeFiles())
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions with their episode counts and outcomes.")
        @OptionGroup var common: Common
        func run() throws {
            var out: [Summary] = []
            for name in SessionsCommand.sessionNames(root: common.root) {
                do { out.append(SessionsCommand.summary(try SessionStore.open(directory: common.root + "/" + name))) } catch {
                    note("vlaterm: skipping \(common.root)/\(name): \(error)")
                }
            }
            if common.json { try printJSON(["sessions": out]); return }
            if out.isEmpty { note("no sessions under \(common.root)/ (record one with `vlaterm record --sim --expert --episodes 3 --session demo`)") }
            for s in out {
                let oc = s.outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                note("\(s.name)  \(s.robot)  \(s.episodes) episodes, \(s.steps) steps at \(Int(s.fps)) fps  [\(oc)]"
                     + (s.needsRepair.isEmpty ? "" : "  — \(s.needsRepair.count) unfinished file(s): run `vlaterm sessions repair \(s.name)`"))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one session's episodes and check their files.")
        @Argument(help: "Session name (a folder under --root).") var session: String
        @OptionGroup var common: Common

        struct EpisodeRow: Codable {
            var index: Int, task: String, outcome: String, length: Int, file: String, note: String?
            var bytes: Int, fileComplete: Bool
        }
        func run() throws {
            let s = try SessionsCommand.badInput { () throws -> SessionStore in
                try SessionStore.validate(name: session)
                return try SessionStore.open(directory: common.root + "/" + session)
            }
            var rows: [EpisodeRow] = []
            for e in s.manifest.episodes {
                let path = s.path(of: e)
                let (size, complete) = SessionsCommand.quickCheck(path)
                rows.append(EpisodeRow(index: e.index, task: e.task, outcome: e.outcome.rawValue, length: e.length, file: e.file,
                                       note: e.note, bytes: size, fileComplete: complete))
            }
            struct Out: Codable { var session: Summary; var episodes: [EpisodeRow] }
            if common.json { try printJSON(Out(session: SessionsCommand.summary(s), episodes: rows)); return }
            let m = s.manifest
            note("\(m.name): robot \(m.robot), cameras \(m.cameras.map { "\($0.name) \($0.width)x\($0.height)" }.joined(separator: ", ")), \(m.fps) fps, created \(m.created)")
            for r in rows {
                note(String(format: "  #%-4d %-11@ %5d steps  %8.1f KB  %@%@", r.index, r.outcome as NSString, r.length,
                            Double(r.bytes) / 1024, r.task as NSString, r.fileComplete ? "" : "  [file incomplete: run sessions repair]"))
            }
            for f in s.unlistedEpisodeFiles() { note("  \(f): not in session.json (crashed recording); run `vlaterm sessions repair \(m.name)`") }
        }
    }

    /// Size and whether the file ends with the MCAP magic (a finished writer's last bytes).
    static func quickCheck(_ path: String) -> (Int, Bool) {
        guard let h = FileHandle(forReadingAtPath: path) else { return (0, false) }
        defer { try? h.close() }
        let size = Int((try? h.seekToEnd()) ?? 0)
        guard size >= 16 else { return (size, false) }
        try? h.seek(toOffset: UInt64(size - 8))
        let tail = (try? h.read(upToCount: 8)) ?? Data()
        return (size, Array(tail) == MCAP.magic)
    }

    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recover episodes cut short by a crash and list them in session.json.",
            discussion: """
            Every chunk whose CRC checks is kept; the summary and footer are rebuilt; the repaired file replaces
            the original only once it is complete (temp file, fsync, rename). Unfinished episodes are added to
            session.json with outcome "interrupted". Without SESSION, repairs every session under --root.
            """)
        @Argument(help: "Session name; all sessions when omitted.") var session: String?
        @OptionGroup var common: Common

        func run() throws {
            let names = session.map { [$0] } ?? SessionsCommand.sessionNames(root: common.root)
            var reports: [EpisodeRepairReport] = []
            for name in names {
                let s = try SessionsCommand.badInput { () throws -> SessionStore in
                    try SessionStore.validate(name: name)
                    return try SessionStore.open(directory: common.root + "/" + name)
                }
                reports += try SessionsCommand.badInput { try SessionsCommand.repair(s) }
            }
            let repaired = reports.filter { $0.status == "repaired" }.count
            let lost = reports.filter { $0.status == "unrecoverable" }.count
            if common.json {
                struct Out: Codable { var repaired: Int; var unrecoverable: Int; var files: [EpisodeRepairReport] }
                try printJSON(Out(repaired: repaired, unrecoverable: lost, files: reports))
            } else {
                for r in reports where r.status != "ok" {
                    note("\(r.file): \(r.status), \(r.stepsKept) steps kept (\(r.validChunks) good chunks, \(r.badChunks) bad)")
                }
                note("\(reports.count) episode file(s) checked, \(repaired) repaired, \(lost) unrecoverable")
            }
            if lost > 0 { throw ExitStatus.jobFailed }
        }
    }

    /// Repairs every incomplete listed episode and every unlisted episode file of one session.
    static func repair(_ s: SessionStore) throws -> [EpisodeRepairReport] {
        var reports: [EpisodeRepairReport] = []
        for e in s.manifest.episodes {
            let path = s.path(of: e)
            guard FileManager.default.fileExists(atPath: path) else {
                reports.append(EpisodeRepairReport(file: path, status: "unrecoverable", stepsKept: 0, validChunks: 0, badChunks: 0,
                                                   bytesBefore: 0, bytesAfter: 0, problems: ["file is missing"]))
                continue
            }
            if quickCheck(path).1 { continue }
            reports.append(try EpisodeRepair.repair(path: path))
        }
        for f in s.unlistedEpisodeFiles() {
            let path = s.directory + "/" + f
            let r = try EpisodeRepair.repair(path: path)
            reports.append(r)
            guard r.status != "unrecoverable", let ep = try? EpisodeReader.read(path: path), let index = Int(f.dropFirst(8).prefix(6)) else { continue }
            try s.append(SessionEpisode(index: index, task: ep.task, outcome: ep.outcome ?? .interrupted, length: ep.steps.count,
                                        file: f, note: ep.facts["note"], seed: ep.facts["seed"].flatMap { UInt64($0) }))
        }
        return reports
    }
}
