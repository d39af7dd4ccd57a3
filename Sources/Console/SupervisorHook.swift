// Autonomy in the console: a tick hook that drives the supervision step (`SupervisionLoop`, the same one
// `vlaterm run` drives) every control tick (teleop command, operator events, an observation, policy replies) and
// lets it decide the motion whenever a run is active (AUTONOMY, TAKEOVER, PAUSED during a run, E-STOP). Inference
// runs on the `PolicyRunner`'s thread: the loop only submits requests and polls replies, so the control tick never
// waits on a model or a socket.
//
// Who owns the mode: the controller keeps IDLE/TELEOP (its keyboard teleop is tuned for that) and handles
// stop / re-arm / pause itself before hooks run, so this hook mirrors those into the supervisor by comparing
// the controller's mode with the one it wrote last tick. Everything run-related is the supervisor's.
//
// Register this hook BEFORE the RecordingHook: at the end of a run it adds markSuccess / markFailure to the
// tick's events so the recorder labels the episode; the recorder flags TAKEOVER steps as intervention by
// reading `ctx.mode`, which this hook sets.
import Foundation
import Policy
import RobotKit
import Supervisor
import TerminalUI

public final class SupervisorHook: ConsoleTickHook {
    /// The supervision step shared with `vlaterm run`.
    public let loop: SupervisionLoop
    public var supervisor: Supervisor { loop.supervisor }
    private let runner: PolicyRunner?
    /// Why autonomy is not available (no policy), shown when the operator asks for it.
    private let unavailable: String?

    /// Polled every tick: a reason while the gamepad is lost, nil while it is fine (the console wires its
    /// GamepadSource here). Loss during a run → the supervisor's input-device-lost exception; return → motion needs
    /// a fresh deadman.
    public var inputLost: (() -> String?)?
    private var lastObservation: Observation?
    private var lastMode: OperatingMode = .idle
    private var ownedLastTick = false
    private var myAlert: String?
    // For the panel.
    public var lastInferenceMs: Double? { loop.lastInferenceMs }
    public private(set) var lastOutcome: EpisodeOutcome?
    public var policyName: String { runner?.policyName ?? "none" }

    /// - Parameters:
    ///   - runner: the policy on its own thread; nil when none could be loaded (`unavailable` says why).
    ///   - world: what the robot can tell beyond the observation (success predicate, contact force, object incidents).
    ///   - bell: rings the terminal bell (called on the control thread).
    public init(configuration: SupervisorConfiguration, clock: any Clock, runner: PolicyRunner?, unavailable: String? = nil,
                world: WorldChecks = WorldChecks(), bell: @escaping () -> Void = {}) {
        loop = SupervisionLoop(configuration: configuration, clock: clock, inference: runner, world: world, bell: bell)
        self.runner = runner; self.unavailable = unavailable
    }

    /// Tests and headless drivers: blocks (condition wait, no sleep) until the policy thread has answered or
    /// `timeout` real seconds pass; the replies are handled at the next tick, exactly like polled ones.
    public func awaitInference(timeout: Double = 5) {
        guard let runner, runner.isBusy || supervisor.inferenceInFlight != nil else { return }
        loop.deliver(runner.waitForReplies(timeout: timeout))
    }

    // MARK: the tick

    public func beforeSend(_ ctx: inout TickContext) throws {
        mirrorControllerDecisions(&ctx)
        handleEvents(&ctx)
        loop.inputStatus(lost: inputLost?())
        // No command means nobody holds a deadman: tell the supervisor (deadman released), so a takeover's
        // release sends one zero command and re-pressing drives again, instead of waiting for "input stale".
        loop.setTeleopSpeed(ctx.speedScale)         // takeover at the operator's +/- speed, like teleop
        loop.teleop(ctx.command ?? TeleopCommand())
        guard let obs = lastObservation else {      // first tick: nothing seen yet, the controller holds
            show(loop.takeActions(), &ctx)
            return
        }
        let command = loop.tick(observation: obs)
        show(loop.takeActions(), &ctx)
        let owns = Self.ownsMode(supervisor.mode)
        if owns || ownedLastTick {
            ctx.mode = supervisor.mode
            ctx.action = command.action
        }
        if supervisor.mode == .autonomy && supervisor.pendingTakeover == nil && ctx.alert == myAlert && myAlert != nil {
            ctx.alert = nil; myAlert = nil
        }
        ownedLastTick = owns
        lastMode = ctx.mode
    }

    public func afterSend(_ ctx: TickContext, observation: Observation) throws {
        lastObservation = observation
    }

    /// The sidebar: policy, instruction, timing, chunk position, a pending takeover request's countdown.
    public func panel() -> PanelContent? {
        var lines: [[Span]] = []
        lines.append([Span("policy ", .dim), Span(runner?.policyName ?? "none", runner == nil ? .warn : .text)])
        if let unavailable, runner == nil { lines.append([Span(unavailable, .warn)]) }
        if let text = supervisor.instruction { lines.append([Span("task ", .dim), Span("\"\(text)\"", .accent)]) }
        let chunk = supervisor.chunkPosition
        let ms = lastInferenceMs.map { String(format: "%.0f ms", $0) } ?? "–"
        lines.append([Span("inference ", .dim), Span(ms), Span("  chunk ", .dim),
                      Span(chunk.count > 0 ? "\(min(chunk.index, chunk.count))/\(chunk.count)" : "–"),
                      Span(supervisor.inferenceInFlight != nil ? "  (asking)" : "", .dim)])
        let chunks = loop.inTickChunks
        if chunks.late > 0 {       // the model missed its tick: the robot held, then ran the chunk a tick late
            lines.append([Span("late chunks ", .dim), Span("\(chunks.late) of \(chunks.late + chunks.onTime)", .warn)])
        }
        if let r = supervisor.pendingTakeover {
            lines.append([Span("TAKE OVER: \(r.exception.label)", .bad)])
            lines.append([Span("stop in \(Int(max(0, supervisor.configuration.takeoverBudget - (lastNow - r.since)).rounded(.up))) s", .bad)])
        } else if let o = lastOutcome {
            lines.append([Span("last run: ", .dim), Span(o.rawValue, o == .success || o == .policyDone ? .good : .warn)])
        }
        return PanelContent(title: "Autonomy", lines: lines)
    }

    // MARK: pieces

    private var lastNow = 0.0

    /// The modes in which the supervisor, not the controller, decides the motion.
    static func ownsMode(_ m: OperatingMode) -> Bool { m == .autonomy || m == .takeover || m == .paused || m == .estop }

    /// Stop, re-arm and pause are consumed by the controller before hooks run; carry them into the supervisor.
    private func mirrorControllerDecisions(_ ctx: inout TickContext) {
        lastNow = ctx.now
        if ctx.mode == .estop && supervisor.mode != .estop {
            loop.operatorEvent(.stop)
        } else if lastMode == .estop && ctx.mode != .estop && supervisor.mode == .estop {
            loop.operatorEvent(.rearm)
        } else if lastMode == .paused && ctx.mode != .paused && supervisor.mode == .paused {
            loop.operatorEvent(.pauseToggle)        // resume: back to where the run was
        }
    }

    private func handleEvents(_ ctx: inout TickContext) {
        var rest: [OperatorEvent] = []
        for e in ctx.events {
            switch e {
            case .startAutonomy:
                if runner == nil {
                    ctx.log.append(LogLine(time: ctx.now, text: "no policy: \(unavailable ?? "none configured"); staying \(ctx.mode.label)", role: .warn))
                } else {
                    lastOutcome = nil
                    loop.submitInstruction(ctx.instruction)
                }
            case .handBack where runner == nil:
                ctx.log.append(LogLine(time: ctx.now, text: "no policy to hand back to", role: .warn))
            case .takeOver, .handBack, .pauseToggle:
                loop.operatorEvent(e)       // pause: the controller leaves it to us during a run
            default:
                rest.append(e)
            }
        }
        ctx.events = rest
    }

    /// Turns what the supervisor said into log lines, the banner alert and episode labels (the loop rang the bell).
    private func show(_ out: [SupervisorAction], _ ctx: inout TickContext) {
        for a in out {
            switch a {
            case .alert(let al):
                ctx.alert = al.message; myAlert = al.message
                let role: Role = al.exception == nil ? .warn : .bad
                let reason = al.exception.map { " [\($0.rawValue)]" } ?? ""
                ctx.log.append(LogLine(time: ctx.now, text: al.message + reason, role: role))
            case .log(let s):
                ctx.log.append(LogLine(time: ctx.now, text: s, role: .dim))
            case .stop(let reason):
                ctx.log.append(LogLine(time: ctx.now, text: "E-STOP: \(reason) (R re-arms)", role: .bad))
                ctx.alert = "E-STOP: \(reason)"; myAlert = ctx.alert
            case .modeChanged(let from, let to):
                ctx.log.append(LogLine(time: ctx.now, text: "\(from.label) → \(to.label)", role: to == .autonomy ? .good : .text))
            case .episodeEnded(let outcome):
                lastOutcome = outcome
                let good = outcome == .success || (outcome == .policyDone && loop.world.isSuccess?() != false)
                ctx.log.append(LogLine(time: ctx.now, text: "run ended: \(outcome.rawValue)", role: good ? .good : .warn))
                // The recorder (registered after this hook) labels the episode from these events.
                if ctx.recording {
                    switch outcome {
                    case .success, .policyDone: ctx.events.append(good ? .markSuccess : .markFailure)
                    case .stopped: ctx.events.append(.markFailure)
                    case .failure, .discarded, .interrupted: break      // the operator's own label, or a new run
                    }
                }
            case .send, .hold, .requestInference, .cancelInference:
                break
            }
        }
    }
}
