// `vlaterm replay SESSION EPISODE`: what an episode holds, and (--on-robot) its actions re-executed on the simulator.
import ArgumentParser
import Console
import Episodes
import Foundation
import RobotKit
import Simulator

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a recorded episode in the TUI or on the robot.",
        discussion: """
        In a terminal, plays the episode full-screen: camera thumbnails, state and action, command source, and a
        timeline with intervention marks (space play/pause, ←/→ step, [ and ] seek one second, Home/End, +/- speed,
        q quit). With --summary or --json (or when not on a terminal) it prints the episode instead: task, outcome,
        steps, duration, command sources, interventions, instruction changes and the final state. With --on-robot, resets the simulator to the episode's seed and sends
        the recorded actions one per tick, then reports whether the task succeeded and how far the end effector ended
        from where it ended in the recording.
        Example: vlaterm replay pick-place 3 --on-robot --json
        """)

    @Argument(help: "Session name (a folder under --root).") var session: String
    @Argument(help: "Episode index (as listed by `vlaterm sessions show`).") var episode: Int
    @Option(help: "Folder holding the sessions.") var root = "sessions"
    @Flag(help: "Re-execute the recorded actions on the simulator (same seed).") var onRobot = false
    @Flag(help: "Print one JSON object on stdout.") var json = false
    @Flag(help: "Print a summary instead of playing the episode in the terminal.") var summary = false
    @Option(help: "Terminal rendering: auto, blocks, ascii or braille.") var render: String = "auto"

    struct Summary: Codable {
        var session: String, episode: Int, file: String, task: String, outcome: String, steps: Int, seconds: Double
        var sources: [String: Int], interventions: Int, instructions: [String], seed: UInt64?, complete: Bool
        var finalEndEffector: [Double]
        var replay: Replay?
    }
    struct Replay: Codable {
        var stepsSent: Int, success: Bool, recordedSuccess: Bool?, finalEndEffector: [Double], endEffectorError: Double
    }

    func run() throws {
        let (store, entry, ep) = try SessionsCommand.badInput { () throws -> (SessionStore, SessionEpisode, RecordedEpisode) in
            try SessionStore.validate(name: session)
            let s = try SessionStore.open(directory: root + "/" + session)
            guard let e = s.manifest.episodes.first(where: { $0.index == episode }) else {
                throw SessionError("\(s.manifestPath): no episode \(episode) (episodes: \(s.manifest.episodes.map(\.index)))")
            }
            return (s, e, try EpisodeReader.read(path: s.path(of: e)))
        }
        if !json && !summary && !onRobot && isatty(0) == 1 && isatty(1) == 1 {
            guard let req = RenderRequest(rawValue: render) else {
                throw ValidationError("--render must be one of \(RenderRequest.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try ReplayApp(episode: ep, title: "\(session) #\(episode): \(ep.task)", render: req).run()
            return
        }
        var sources: [String: Int] = [:]
        for s in ep.steps { sources[s.source.rawValue, default: 0] += 1 }
        let seed = entry.seed ?? ep.facts["seed"].flatMap { UInt64($0) }
        let ee = ep.steps.last.map { [$0.state.endEffector.position.x, $0.state.endEffector.position.y, $0.state.endEffector.position.z] } ?? []
        var out = Summary(session: session, episode: episode, file: entry.file, task: ep.task, outcome: entry.outcome.rawValue,
                              steps: ep.steps.count, seconds: ep.steps.last?.time ?? 0, sources: sources,
                              interventions: ep.steps.filter(\.intervention).count, instructions: ep.instructions.map(\.text),
                              seed: seed, complete: ep.read.complete, finalEndEffector: ee, replay: nil)
        if onRobot { out.replay = try replayOnSim(store: store, ep: ep, seed: seed, recordedEE: ee, outcome: entry.outcome) }
        if json { try printJSON(out) }
        note("episode \(episode) of \(session): \"\(out.task)\" \(out.outcome), \(out.steps) steps over "
             + String(format: "%.2f s", out.seconds) + ", \(out.interventions) intervention step(s), sources \(sources)")
        if let r = out.replay {
            note("replayed \(r.stepsSent) actions on the simulator (seed \(seed ?? 0)): \(r.success ? "success" : "no success"); "
                 + String(format: "end effector %.1f mm from the recording", r.endEffectorError * 1000))
        }
    }

    func replayOnSim(store: SessionStore, ep: RecordedEpisode, seed: UInt64?, recordedEE: [Double],
                     outcome: EpisodeOutcome) throws -> Replay {
        let m = store.manifest
        guard m.robot.hasPrefix("sim") else {
            note("vlaterm replay --on-robot: session robot is '\(m.robot)', only simulator sessions can be re-executed here")
            throw ExitStatus.badInput
        }
        guard let seed else {
            note("vlaterm replay --on-robot: the episode has no seed recorded; cannot rebuild its scene")
            throw ExitStatus.badInput
        }
        let cam = m.cameras.first
        let sim: TabletopSim
        do {
            sim = try TabletopSim(config: SimConfig(controlRate: m.fps, cameraWidth: cam?.width ?? 96, cameraHeight: cam?.height ?? 72,
                                                    maxSteps: max(400, ep.steps.count + 1)), seed: seed)
        } catch let e as SimError { note("vlaterm replay: \(e)"); throw ExitStatus.jobFailed }
        if sim.episode.instruction != ep.task {
            note("note: the simulator's task for seed \(seed) is \"\(sim.episode.instruction)\", the recording says \"\(ep.task)\"")
        }
        // The recording's last state is what the robot saw before its last action; compare at that same tick.
        var p = sim.state().endEffector.position
        for s in ep.steps {
            p = sim.state().endEffector.position
            try sim.send(s.action)
        }
        let err = recordedEE.count == 3 ? ((p.x - recordedEE[0]) * (p.x - recordedEE[0]) + (p.y - recordedEE[1]) * (p.y - recordedEE[1])
                                           + (p.z - recordedEE[2]) * (p.z - recordedEE[2])).squareRoot() : 0
        return Replay(stepsSent: ep.steps.count, success: sim.isSuccess(),
                      recordedSuccess: outcome == .success ? true : outcome == .failure ? false : nil,
                      finalEndEffector: [p.x, p.y, p.z], endEffectorError: err)
    }
}
