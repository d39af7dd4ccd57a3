// One supervised episode on the simulator without the TUI: the console's own supervision step (`SupervisionLoop`,
// with the simulator's world checks), a policy called synchronously with a deadline, and fault injection for tests
// and demos. The supervisor's clock is
// the simulator's clock plus the time inference took, so a slow policy misses its deadline exactly as it would
// live, while the sim stays paused during inference (runs are reproducible).
import Console
import Foundation
import Input
import Policy
import RobotKit
import Simulator
import Supervisor

/// A fault to inject at a simulated time.
struct InjectedFault: Codable, Equatable {
    enum Kind: String, Codable, CaseIterable {
        case dropObject = "drop-object", pushObject = "push-object", cameraFreeze = "camera-freeze", policyStall = "policy-stall"
        case policyNaN = "policy-nan", gamepadUnplug = "gamepad-unplug"
    }
    var kind: Kind
    var seconds: Double

    /// "policy-nan@3.5"
    static func parse(_ s: String) throws -> InjectedFault {
        let parts = s.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = Kind(rawValue: parts[0]), let t = Double(parts[1]), t.isFinite, t >= 0 else {
            throw RunError.badInput("--inject '\(s)': expected KIND@SECONDS with KIND one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return InjectedFault(kind: kind, seconds: t)
    }
}

enum RunError: Error { case badInput(String), failed(String) }

/// The scripted expert as a policy: it reads the simulator's ground truth, so it is a stand-in for a trained
/// model when testing the supervision loop, never a model itself.
final class ExpertPolicy: Policy {
    let name = "expert (scripted, privileged state)"
    let chunkSize = 1
    private let sim: TabletopSim
    private var expert = ScriptedExpert()
    /// Held while reading the simulator when the policy runs on the runner's thread and the control thread
    /// steps the same simulator (the console); nil when both happen on one thread (`vlaterm run`).
    private let simLock: NSLock?
    init(sim: TabletopSim, simLock: NSLock? = nil) { self.sim = sim; self.simLock = simLock }
    func reset() { expert = ScriptedExpert() }
    func infer(_ request: PolicyRequest) throws -> ActionChunk {
        simLock?.lock()
        defer { simLock?.unlock() }
        let a = expert.action(for: sim)
        return ActionChunk(actions: [a.vector], done: expert.isDone)
    }
}

struct RunReport: Codable {
    struct ExceptionRecord: Codable { var kind: String; var time: Double; var message: String }
    var instruction: String
    var policy: String
    var seed: UInt64
    var outcome: String
    var success: Bool
    var sim_seconds: Double
    var ticks: Int
    var commands_sent: Int
    var autonomy_commands: Int
    var interventions: Int
    var holds: Int
    var inference_requests: Int
    var inference_median_ms: Double
    /// The built-in model's chunks asked for at a tick's start: answered within the tick's wait, and late.
    var chunks_on_time: Int
    var chunks_late: Int
    /// Chunks executed whole because the last actions went nowhere (`--commit-after-stall`).
    var stall_commits: Int
    var exceptions: [ExceptionRecord]
    var injected: [InjectedFault]
    var final_mode: String
    /// Commands that reached the robot non-finite or beyond its limits (must be 0).
    var unsafe_commands: Int
    /// Motion commands sent after the first exception that holds (0 unless a human took over).
    var commands_after_first_exception: Int
    var log: [String]
}

/// The policy called synchronously: `submit` only keeps the request; `vlaterm run` runs it after the robot stepped
/// (or, with `inTickReplyWait`, inside the tick through `waitForReplies`), with the simulator paused, and charges the
/// time it took to the supervisor's clock.
final class SynchronousInference: InferenceChannel {
    let policy: Policy
    private let clock: any Clock
    private let wall = MonotonicClock()
    private var pending: (request: PolicyRequest, submittedAt: Double)?
    private var replies: [PolicyReply] = []
    private(set) var requests = 0
    private(set) var inferenceMs: [Double] = []
    /// Faults for the next request: at least this many seconds (`policy-stall`), NaN actions (`policy-nan`).
    var stall: Double?
    var poison = false
    /// Seconds spent in `waitForReplies` not yet charged to the supervisor's clock (`runPending` returns them).
    private var uncharged = 0.0

    init(policy: Policy, clock: any Clock) { self.policy = policy; self.clock = clock }

    var policyName: String { policy.name }
    func submit(_ request: PolicyRequest) { pending = (request, clock.now()) }
    func poll() -> [PolicyReply] {
        defer { replies.removeAll() }
        return replies
    }
    func reset() { policy.reset() }

    /// The in-tick wait: runs the request now; a reply that took longer than `timeout` is kept for the next tick,
    /// as a late one would arrive.
    func waitForReplies(timeout: Double) -> [PolicyReply] {
        let took = infer()
        uncharged += took
        return took <= timeout ? poll() : []
    }

    /// Runs the request submitted this tick, if any, and returns the seconds it and any in-tick wait took.
    func runPending() -> Double {
        defer { uncharged = 0 }
        return infer() + uncharged
    }

    /// Runs the pending request, if any, and returns the seconds it took (0 when there was none). The policy's own
    /// deadline is on the wall clock, as much time as the supervisor's clock left it at submit. Faults: `stall`
    /// makes it take at least that long; `poison` turns every action into NaN.
    private func infer() -> Double {
        guard let (request, submittedAt) = pending else { return 0 }
        pending = nil
        requests += 1
        var wallRequest = request
        wallRequest.deadline = wall.now() + max(request.deadline - submittedAt, 0)
        let t0 = wall.now()
        var reply: PolicyReply
        do {
            var chunk = try policy.infer(wallRequest)
            if poison { chunk.actions = chunk.actions.map { $0.map { _ in .nan } } }
            reply = .chunk(id: request.id, chunk, finishedAt: 0)
        } catch let e as PolicyError {
            reply = .failed(id: request.id, e, finishedAt: 0)
        } catch {
            reply = .failed(id: request.id, .server("\(policy.name): \(error)"), finishedAt: 0)
        }
        var took = wall.now() - t0
        if let stall { took = max(took, stall) }
        if case .chunk(let id, var chunk, _) = reply, chunk.inferenceMs == 0 {
            chunk.inferenceMs = took * 1000
            reply = .chunk(id: id, chunk, finishedAt: 0)
        }
        inferenceMs.append(took * 1000)
        replies.append(reply)
        return took
    }
}

struct HeadlessRun {
    let sim: TabletopSim
    let policy: Policy
    let instruction: String
    let seed: UInt64
    let faults: [InjectedFault]
    let maxSeconds: Double
    var configuration = SupervisorConfiguration()
    /// An evemu replay (or live pad) driving TeleopCommands into the supervisor, from `padStart` seconds on.
    var pad: GamepadTeleop?
    var padStart = 0.0
    /// Called with every step that reaches the robot (observation, action, source, intervention) — the recorder.
    var onStep: ((Observation, Action, CommandSource, Bool) -> Void)?

    func run() throws -> RunReport {
        let clock = ManualClock(0)
        let inference = SynchronousInference(policy: policy, clock: clock)
        let loop = SupervisionLoop(configuration: configuration, clock: clock, inference: inference,
                                   world: .tabletop(sim, lock: nil))
        let dt = 1 / sim.controlRate
        var inferenceSeconds = 0.0
        var frozen: [String: Frame] = [:]
        var fired = Set<Int>()
        var report = RunReport(instruction: instruction, policy: policy.name, seed: seed, outcome: "timeout", success: false,
                               sim_seconds: 0, ticks: 0, commands_sent: 0, autonomy_commands: 0, interventions: 0, holds: 0,
                               inference_requests: 0, inference_median_ms: 0, chunks_on_time: 0, chunks_late: 0, stall_commits: 0, exceptions: [], injected: faults,
                               final_mode: "", unsafe_commands: 0, commands_after_first_exception: 0, log: [])
        var forceOpenTicks = 0

        func absorb(_ out: [SupervisorAction]) {
            for a in out {
                switch a {
                case .alert(let alert):
                    if let e = alert.exception {
                        report.exceptions.append(.init(kind: e.rawValue, time: clock.now(), message: alert.message))
                    }
                    report.log.append(String(format: "%7.2f s  ALERT %@", clock.now(), alert.message))
                case .log(let s): report.log.append(String(format: "%7.2f s  %@", clock.now(), s))
                case .stop(let r): report.log.append(String(format: "%7.2f s  STOP %@", clock.now(), r))
                case .episodeEnded(let o): report.outcome = o.rawValue
                default: break
                }
            }
        }

        loop.submitInstruction(instruction)
        absorb(loop.takeActions())
        while clock.now() < maxSeconds {
            let t = clock.now()
            // Faults due now.
            for (i, f) in faults.enumerated() where !fired.contains(i) && t >= f.seconds {
                fired.insert(i)
                report.log.append(String(format: "%7.2f s  INJECT %@", t, f.kind.rawValue))
                switch f.kind {
                case .dropObject: forceOpenTicks = Int(0.3 * sim.controlRate)
                case .pushObject:
                    // A shove from outside: sideways and up. The simulator's push predicate (or, if it knocks a
                    // carried object out of the fingers, its drop predicate) reports it; a firm grasp may hold on.
                    let ok = sim.push(object: sim.episode.target, velocity: SIMD3(0, 2.5, 0.5))
                    if !ok { report.log.append(String(format: "%7.2f s  push-object: no object '%@' to push", t, sim.episode.target)) }
                case .gamepadUnplug, .cameraFreeze, .policyStall, .policyNaN: break
                }
            }
            let active = { (k: InjectedFault.Kind) in faults.enumerated().contains { fired.contains($0.offset) && $0.element.kind == k } }

            // The human's pad, polled like the console's control thread does.
            var lost: String? = active(.gamepadUnplug) ? "injected: gamepad unplugged" : nil
            if let pad, t >= padStart {
                let tick = pad.poll(now: t - padStart)
                if let c = tick.action.command { loop.teleop(c) }
                for e in tick.events { loop.operatorEvent(e) }
                if pad.status == .lost { lost = lost ?? "gamepad: \(pad.view.problem ?? "device gone")" }
            }
            loop.inputStatus(lost: lost)

            var obs = try sim.observe(time: t)
            if active(.cameraFreeze) {
                // The camera keeps sending (sequence advances) but the picture no longer changes.
                if frozen.isEmpty { frozen = obs.frames }
                for (name, f) in frozen { var g = f; g.sequence = obs.frames[name]?.sequence ?? f.sequence; obs.frames[name] = g }
            }
            inference.stall = active(.policyStall) ? configuration.inferenceTimeout * 2 : nil
            inference.poison = active(.policyNaN)
            let command = loop.tick(observation: obs)
            absorb(loop.takeActions())
            report.ticks += 1
            if command.isMotion {
                report.commands_sent += 1
                if report.exceptions.contains(where: { $0.kind != SupervisorException.stepBeyondLimits.rawValue }) {
                    report.commands_after_first_exception += 1
                }
                if command.source == .autonomy { report.autonomy_commands += 1 }
                if command.intervention { report.interventions += 1 }
                if !(command.action.isFinite && sim.limits.contains(command.action)) { report.unsafe_commands += 1 }
            } else {
                report.holds += 1
            }
            var toRobot = command.action
            if forceOpenTicks > 0 { toRobot.gripper = 1; forceOpenTicks -= 1 }   // the injected slip: the gripper opens for 0.3 s
            try sim.send(toRobot)
            onStep?(obs, toRobot, command.source, command.intervention)
            clock.advance(by: dt)

            // Inference, synchronously while the simulator waits; its duration is charged to the supervisor's clock.
            let took = inference.runPending()
            inferenceSeconds += took
            clock.advance(by: took)
            if loop.supervisor.mode == .estop || loop.supervisor.mode == .idle { break }
        }
        // The policy may say "done" as it lets go: give the object up to 2 s (held still) to come to rest.
        if loop.lastChunkDone || report.outcome == EpisodeOutcome.policyDone.rawValue {
            for _ in 0..<Int(2 * sim.controlRate) where !sim.isSuccess() {
                try sim.send(Action.hold(gripper: loop.supervisor.commandedGripper))
                clock.advance(by: dt)
            }
        }
        report.success = sim.isSuccess()
        report.inference_requests = inference.requests
        report.sim_seconds = clock.now() - inferenceSeconds
        report.final_mode = loop.supervisor.mode.rawValue
        report.inference_median_ms = median(inference.inferenceMs)
        (report.chunks_on_time, report.chunks_late) = loop.inTickChunks
        report.stall_commits = loop.supervisor.stallCommits
        if report.outcome == "timeout" && report.final_mode == OperatingMode.estop.rawValue { report.outcome = "stopped" }
        return report
    }
}
