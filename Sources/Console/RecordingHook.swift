// Recording from the console: a tick hook that turns the operator's record / mark / discard controls into
// SessionRecorder commands and hands each tick's step to it. The hook only enqueues (the recorder's writer
// thread does JPEG and disk), so the control tick never waits on storage.
//
// Controls (keymap actions): recordToggle starts an episode with the current instruction, or stops it as
// "unlabelled"; markSuccess / markFailure end it with that outcome; discard deletes it. After each episode a
// reset phase counts down `resetSeconds` (the time to put the scene back); change the instruction meanwhile
// and the next episode records the new task, so one session holds many tasks.
import Episodes
import RobotKit
import TerminalUI

public final class RecordingHook: ConsoleTickHook {
    public let recorder: SessionRecorder
    public let limits: ActionLimits
    public let resetSeconds: Double
    public let sessionName: String

    enum Phase: Equatable { case idle, recording(since: Double), reset(until: Double) }
    private(set) var phase: Phase = .idle
    /// What the robot showed when this tick's action was decided (the previous tick's observation).
    private var lastObservation: Observation?
    private var episodeInstruction = ""
    private var episodesDone = 0
    private var now = 0.0

    public init(recorder: SessionRecorder, sessionName: String, limits: ActionLimits, resetSeconds: Double = 10) {
        self.recorder = recorder; self.sessionName = sessionName; self.limits = limits; self.resetSeconds = resetSeconds
        episodesDone = recorder.manifest.episodes.count
    }

    public var isRecording: Bool { if case .recording = phase { return true }; return false }

    public func beforeSend(_ ctx: inout TickContext) throws {
        now = ctx.now
        var rest: [OperatorEvent] = []
        for e in ctx.events {
            switch e {
            case .recordToggle:
                if isRecording { end(.unlabelled, &ctx) } else { start(&ctx) }
            case .markSuccess, .markFailure:
                if isRecording { end(e == .markSuccess ? .success : .failure, &ctx) } else {
                    ctx.log.append(LogLine(time: ctx.now, text: "no episode is recording: press record first", role: .warn))
                }
            case .discard:
                if isRecording {
                    recorder.discardEpisode()
                    phase = .reset(until: ctx.now + resetSeconds)
                    ctx.log.append(LogLine(time: ctx.now, text: "episode discarded; reset the scene, then record again", role: .warn))
                } else {
                    ctx.log.append(LogLine(time: ctx.now, text: "nothing to discard", role: .dim))
                }
            default: rest.append(e)
            }
        }
        ctx.events = rest
        if isRecording && ctx.instruction != episodeInstruction {
            episodeInstruction = ctx.instruction
            recorder.setInstruction(ctx.instruction)
        }
        if case .reset(let until) = phase, ctx.now >= until {
            phase = .idle
            ctx.log.append(LogLine(time: ctx.now, text: "reset time over: press record for episode \(episodesDone + 1)", role: .accent))
        }
        ctx.recording = isRecording
        var since = ctx.now
        if case .recording(let s) = phase { since = s }
        ctx.session = SessionInfo(name: sessionName, episode: episodesDone + (isRecording ? 1 : 0), episodesRecorded: episodesDone,
                                  episodeSeconds: isRecording ? ctx.now - since : 0)
    }

    public func afterSend(_ ctx: TickContext, observation: Observation) throws {
        defer { lastObservation = observation }
        guard isRecording, let obs = lastObservation else { return }
        let (source, intervention): (CommandSource, Bool) = switch ctx.mode {
        case .teleop: (.teleop, false)
        case .autonomy: (.autonomy, false)
        case .takeover: (.teleop, true)
        default: (.none, false)
        }
        recorder.record(obs, action: limits.clamp(ctx.action), source: source, intervention: intervention)
    }

    public func panel() -> PanelContent? {
        let st = recorder.currentStats
        var lines: [[Span]] = []
        switch phase {
        case .recording(let since):
            lines.append([Span("● REC ", .modeRecording), Span("episode \(episodesDone + 1)  "), Span(String(format: "%.1f s", now - since), .accent)])
        case .reset(let until):
            lines.append([Span("RESET ", .warn), Span(String(format: "%.0f s left: put the scene back", max(0, until - now)))])
        case .idle:
            lines.append([Span("ready ", .good), Span("record starts episode \(episodesDone + 1)", .dim)])
        }
        lines.append([Span("session \(sessionName): \(episodesDone) episode(s)", .text)])
        if st.stepsDropped > 0 { lines.append([Span("\(st.stepsDropped) step(s) dropped: disk too slow", .bad)]) }
        if let e = st.lastError { lines.append([Span("writer error: \(e)", .bad)]) }
        return PanelContent(title: "Recording", lines: lines)
    }

    private func start(_ ctx: inout TickContext) {
        episodeInstruction = ctx.instruction
        recorder.startEpisode(instruction: ctx.instruction)
        phase = .recording(since: ctx.now)
        ctx.log.append(LogLine(time: ctx.now, text: "recording episode \(episodesDone + 1): \"\(ctx.instruction)\"", role: .good))
    }

    private func end(_ outcome: EpisodeOutcome, _ ctx: inout TickContext) {
        recorder.finishEpisode(outcome: outcome)
        episodesDone += 1
        phase = .reset(until: ctx.now + resetSeconds)
        ctx.log.append(LogLine(time: ctx.now, text: "episode \(episodesDone) saved as \(outcome.rawValue); reset \(Int(resetSeconds)) s", role: .good))
    }
}
