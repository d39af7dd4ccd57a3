// One supervised episode on the simulator without the TUI: the same Supervisor and checks as the console, a
// policy called synchronously with a deadline, and fault injection for tests and demos. The supervisor's clock is
// the simulator's clock plus the time inference took, so a slow policy misses its deadline exactly as it would
// live, while the sim stays paused during inference (runs are reproducible).
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
    var exceptions: [ExceptionRecord]
    var injected: [InjectedFault]
    var final_mode: String
    /// Commands that reached the robot non-finite or beyond its limits (must be 0).
    var unsafe_commands: Int
    /// Motion commands sent after the first exception that holds (0 unless a human took over).
    var commands_after_first_exception: Int
    var log: [String]
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
        var sup = Supervisor(configuration: configuration, clock: clock)
        let wall = MonotonicClock()
        let dt = 1 / sim.controlRate
        var inferenceSeconds = 0.0
        var frozen: [String: Frame] = [:]
        var fired = Set<Int>()
        var heldTicks = 0
        var lastChunkDone = false
        var report = RunReport(instruction: instruction, policy: policy.name, seed: seed, outcome: "timeout", success: false,
                               sim_seconds: 0, ticks: 0, commands_sent: 0, autonomy_commands: 0, interventions: 0, holds: 0,
                               inference_requests: 0, inference_median_ms: 0, exceptions: [], injected: faults,
                               final_mode: "", unsafe_commands: 0, commands_after_first_exception: 0, log: [])
        var inferMs: [Double] = []
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

        absorb(sup.submitInstruction(instruction))
        policy.reset()
        while clock.now() < maxSeconds {
            let t = clock.now()
            // Faults due now.
            for (i, f) in faults.enumerated() where !fired.contains(i) && t >= f.seconds {
                fired.insert(i)
                report.log.append(String(format: "%7.2f s  INJECT %@", t, f.kind.rawValue))
                switch f.kind {
                case .gamepadUnplug: absorb(sup.inputDeviceLost("injected: gamepad unplugged"))
                case .dropObject: forceOpenTicks = Int(0.3 * sim.controlRate)
                case .pushObject:
                    // A shove from outside: sideways and up. On the table the policy must cope; in the fingers it
                    // knocks the object out, which the drop check below reports.
                    let ok = sim.push(object: sim.episode.target, velocity: SIMD3(0, 2.5, 0.5))
                    if !ok { report.log.append(String(format: "%7.2f s  push-object: no object '%@' to push", t, sim.episode.target)) }
                case .cameraFreeze, .policyStall, .policyNaN: break
                }
            }
            let active = { (k: InjectedFault.Kind) in faults.enumerated().contains { fired.contains($0.offset) && $0.element.kind == k } }

            // The human's pad, polled like the console's control thread does.
            if let pad, t >= padStart {
                let wasLost = pad.status == .lost
                let tick = pad.poll(now: t - padStart)
                if let c = tick.action.command { absorb(sup.teleop(c)) }
                for e in tick.events { absorb(sup.operatorEvent(e)) }
                if pad.status == .lost && !wasLost { absorb(sup.inputDeviceLost("gamepad: \(pad.view.problem ?? "device gone")")) }
            }

            var obs = try sim.observe(time: t)
            if active(.cameraFreeze) {
                // The camera keeps sending (sequence advances) but the picture no longer changes.
                if frozen.isEmpty { frozen = obs.frames }
                for (name, f) in frozen { var g = f; g.sequence = obs.frames[name]?.sequence ?? f.sequence; obs.frames[name] = g }
            }
            // Dropped in transit: it was held (lifted) for a while and slipped out while the supervisor's last
            // gripper command was still "closed" — nobody meant to let go.
            let held = sim.isTargetHeld()
            let dropped = !held && heldTicks >= 5 && sup.commandedGripper < 0.5
            if held != (heldTicks > 0) {
                report.log.append(String(format: "%7.2f s  target %@", t, held ? "held" : "out of the fingers"))
            }
            heldTicks = held ? heldTicks + 1 : 0
            let out = sup.tick(TickSummary(observation: obs, contactForce: sim.maxArmContactForce(), objectDropped: dropped))
            absorb(out)
            report.ticks += 1
            var sent: Action?
            var sentSource = CommandSource.none, sentIntervention = false
            for a in out {
                switch a {
                case .send(let action, let source, let intervention):
                    sent = action
                    sentSource = source
                    sentIntervention = intervention
                    report.commands_sent += 1
                    if report.exceptions.contains(where: { $0.kind != SupervisorException.stepBeyondLimits.rawValue }) {
                        report.commands_after_first_exception += 1
                    }
                    if source == .autonomy { report.autonomy_commands += 1 }
                    if intervention { report.interventions += 1 }
                case .hold: report.holds += 1
                default: break
                }
            }
            var toRobot = sent ?? Action.hold(gripper: sup.commandedGripper)
            if let s = sent, !(s.isFinite && sim.limits.contains(s)) { report.unsafe_commands += 1 }
            if forceOpenTicks > 0 { toRobot.gripper = 1; forceOpenTicks -= 1 }   // the injected slip: the gripper opens for 0.3 s
            try sim.send(toRobot)
            onStep?(obs, toRobot, sentSource, sentIntervention)
            clock.advance(by: dt)

            // Inference, synchronously; its duration is charged to the supervisor's clock.
            for case .requestInference(let id, let text, let deadline) in out {
                report.inference_requests += 1
                let request = PolicyRequest(id: id, observation: obs, instruction: text, deadline: wall.now() + max(deadline - t, 0))
                let t0 = wall.now()
                var result: Result<ActionChunk, Error>
                do { result = .success(try policy.infer(request)) } catch { result = .failure(error) }
                var took = wall.now() - t0
                if active(.policyStall) { took = max(took, configuration.inferenceTimeout * 2) }
                inferMs.append(took * 1000)
                inferenceSeconds += took
                clock.advance(by: took)
                switch result {
                case .success(var chunk):
                    if active(.policyNaN) { chunk.actions = chunk.actions.map { $0.map { _ in .nan } } }
                    lastChunkDone = chunk.done
                    absorb(sup.policyReply(requestId: id, actions: chunk.actions, done: chunk.done))
                case .failure(let e):
                    let kind: SupervisorException = { if case PolicyError.deadlineMissed = e { return .missedDeadline } else { return .policyFailed } }()
                    absorb(sup.policyError(requestId: id, kind: kind, message: "\(e)"))
                }
            }
            if sim.isSuccess() && sup.mode == .autonomy { absorb(sup.taskSucceeded()) }
            if sup.mode == .estop || sup.mode == .idle { break }
        }
        // The policy may say "done" as it lets go: give the object up to 2 s (held still) to come to rest.
        if lastChunkDone || report.outcome == EpisodeOutcome.policyDone.rawValue {
            for _ in 0..<Int(2 * sim.controlRate) where !sim.isSuccess() {
                try sim.send(Action.hold(gripper: sup.commandedGripper))
                clock.advance(by: dt)
            }
        }
        report.success = sim.isSuccess()
        report.sim_seconds = clock.now() - inferenceSeconds
        report.final_mode = sup.mode.rawValue
        report.inference_median_ms = median(inferMs)
        if report.outcome == "timeout" && sup.mode == .estop { report.outcome = "stopped" }
        return report
    }
}
