// The supervision step, shared by the console (`SupervisorHook`: the policy on the PolicyRunner thread) and headless
// `vlaterm run` (the policy called synchronously while the simulator waits), so both run the same supervisor and
// the same checks (issue 7: "same supervisor, same checks").
//
// Per tick, in this order: operator input that arrived (teleop command, operator events, a lost device — through
// the methods below), then `tick(observation:)`: policy replies → task success → with `inTickReplyWait` (the
// built-in model), a new chunk's request and a bounded wait for its reply → world checks (contact force, dropped
// or pushed object) → `Supervisor.tick` → the motion (send or hold) and any inference request, which goes to the
// inference channel. Everything the supervisor said is kept for the driver (`takeActions`) to show, log,
// count or record; the loop rings the bell itself, so "exception → hold + takeover request + bell" holds for
// every driver.
import Policy
import RobotKit
import Supervisor

/// Where inference requests go and replies come from: the `PolicyRunner` thread in the console, a synchronous
/// call between ticks in `vlaterm run`.
public protocol InferenceChannel: AnyObject {
    var policyName: String { get }
    /// Hands a request over; must not block the control tick.
    func submit(_ request: PolicyRequest)
    /// Replies that arrived since the last call, oldest first.
    func poll() -> [PolicyReply]
    /// Replies, waiting up to `timeout` seconds for the first one (the in-tick wait of `inTickReplyWait`).
    func waitForReplies(timeout: Double) -> [PolicyReply]
    /// A new run: the policy forgets its per-episode state before the next request.
    func reset()
}

extension PolicyRunner: InferenceChannel {}

/// What supervision can learn from the world beyond the observation. nil = this robot cannot tell
/// (the simulator can: `WorldChecks.tabletop`).
public struct WorldChecks {
    /// Largest contact force on the arm this tick, newtons.
    public var contactForce: (() -> Double?)?
    /// The task's success predicate.
    public var isSuccess: (() -> Bool)?
    /// Something happened to the manipulated object that nobody commanded (dropped in transit, pushed).
    public var objectIncident: (() -> ObjectIncident?)?

    public init(contactForce: (() -> Double?)? = nil, isSuccess: (() -> Bool)? = nil,
                objectIncident: (() -> ObjectIncident?)? = nil) {
        self.contactForce = contactForce; self.isSuccess = isSuccess; self.objectIncident = objectIncident
    }
}

/// The motion decided for one tick.
public struct SupervisedCommand: Equatable, Sendable {
    /// What to send: the supervisor's action, or a hold at the commanded gripper.
    public var action: Action
    public var source: CommandSource
    /// A human step during an autonomous run (TAKEOVER): the recorder flags it.
    public var intervention: Bool
    /// False when the supervisor said hold (or stop).
    public var isMotion: Bool
}

public final class SupervisionLoop {
    public private(set) var supervisor: Supervisor
    public let inference: (any InferenceChannel)?
    public var world: WorldChecks
    private let bell: () -> Void
    private var actions: [SupervisorAction] = []
    private var replies: [PolicyReply] = []
    private var lossReported = false
    /// Milliseconds the last chunk took (for the console's timing line and run reports).
    public private(set) var lastInferenceMs: Double?
    /// Whether the last chunk the policy returned said "done".
    public private(set) var lastChunkDone = false
    /// With `inTickReplyWait`: chunks asked for at a tick's start and answered within the wait, and those that were
    /// not (the robot held that tick and the late reply was aligned): a model too slow for the tick shows here.
    public private(set) var inTickChunks = (onTime: 0, late: 0)

    /// - Parameters:
    ///   - inference: nil when no policy could be loaded (autonomy then never starts).
    ///   - bell: rings the terminal bell (console) or counts (headless); called on the driver's thread.
    public init(configuration: SupervisorConfiguration, clock: any Clock, inference: (any InferenceChannel)?,
                world: WorldChecks = WorldChecks(), bell: @escaping () -> Void = {}) {
        supervisor = Supervisor(configuration: configuration, clock: clock)
        self.inference = inference; self.world = world; self.bell = bell
    }

    // MARK: inputs between ticks

    /// A typed instruction: the policy is reset and a new run starts (unless the stop is latched).
    public func submitInstruction(_ text: String) {
        inference?.reset()
        lastChunkDone = false
        absorb(supervisor.submitInstruction(text))
    }

    public func operatorEvent(_ e: OperatorEvent) { absorb(supervisor.operatorEvent(e)) }

    /// The human's command this tick (pad/keyboard after the keymap); takes over at once during autonomy.
    public func teleop(_ c: TeleopCommand) { absorb(supervisor.teleop(c)) }

    /// The input device's state, every tick: a reason while it is lost, nil while it is fine. Loss during a run
    /// (AUTONOMY, TAKEOVER, PAUSED) is the input-device-lost exception; outside a run the teleop side just holds and
    /// nothing needs the human to answer. Its return means motion needs a fresh deadman press.
    public func inputStatus(lost reason: String?) {
        if let reason, !lossReported, [.autonomy, .takeover, .paused].contains(supervisor.mode) {
            absorb(supervisor.inputDeviceLost(reason))
            lossReported = true
        }
        if reason == nil, lossReported {
            absorb(supervisor.inputDeviceRestored())
            lossReported = false
        }
    }

    /// The driver's own speed setting (the console's +/-): teleop and takeover move at this fraction of the limits.
    public func setTeleopSpeed(_ fraction: Double) { supervisor.setTeleopSpeed(fraction) }

    /// Replies collected outside `poll` (a driver that waited for them); handled at the next tick like polled ones.
    public func deliver(_ more: [PolicyReply]) { replies += more }

    // MARK: the tick

    /// One control tick on this observation: returns the motion to send (always one: a hold when the supervisor
    /// holds or stops). An inference request it asks for has been submitted to the channel.
    public func tick(observation obs: Observation) -> SupervisedCommand {
        for r in replies + (inference?.poll() ?? []) { handleReply(r) }
        replies.removeAll()
        if supervisor.mode == .autonomy, world.isSuccess?() == true { absorb(supervisor.taskSucceeded()) }

        if let wait = supervisor.configuration.inTickReplyWait, let inference {
            let start = supervisor.requestAtTickStart()
            absorb(start)
            for case .requestInference(let id, let text, let deadline) in start {
                inference.submit(PolicyRequest(id: id, observation: obs, instruction: text, deadline: deadline))
                let replies = Self.waitForReply(to: id, from: inference, upTo: wait)
                if replies.contains(where: { $0.id == id }) { inTickChunks.onTime += 1 } else { inTickChunks.late += 1 }
                for r in replies { handleReply(r) }
            }
        }

        let summary = TickSummary(observation: obs, contactForce: world.contactForce?() ?? nil,
                                  objectIncident: world.objectIncident?() ?? nil)
        let out = supervisor.tick(summary)
        var command = SupervisedCommand(action: Action.hold(gripper: supervisor.commandedGripper), source: .none,
                                        intervention: false, isMotion: false)
        for a in out {
            switch a {
            case .send(let action, let source, let intervention):
                command = SupervisedCommand(action: action, source: source, intervention: intervention, isMotion: true)
            case .requestInference(let id, let text, let deadline):
                inference?.submit(PolicyRequest(id: id, observation: obs, instruction: text, deadline: deadline))
            default: break
            }
        }
        absorb(out)
        return command
    }

    /// What the supervisor said since the last call, in order (alerts, logs, stops, mode changes, run ends, and
    /// each tick's send/hold), for the driver to show, log, count or record.
    public func takeActions() -> [SupervisorAction] {
        defer { actions.removeAll(keepingCapacity: true) }
        return actions
    }

    // MARK: pieces

    private func handleReply(_ r: PolicyReply) {
        switch r {
        case .chunk(let id, let chunk, _):
            lastInferenceMs = chunk.inferenceMs
            lastChunkDone = chunk.done
            absorb(supervisor.policyReply(requestId: id, actions: chunk.actions, done: chunk.done))
        case .failed(let id, let error, _):
            let kind: SupervisorException
            if case .deadlineMissed = error { kind = .missedDeadline } else { kind = .policyFailed }
            absorb(supervisor.policyError(requestId: id, kind: kind, message: "\(error)"))
        }
    }

    /// Replies until the one to `id` is among them or `seconds` (wall time) have passed: a reply to a request
    /// cancelled earlier may arrive first and must not end the wait.
    private static func waitForReply(to id: UInt64, from inference: any InferenceChannel, upTo seconds: Double) -> [PolicyReply] {
        let clock = ContinuousClock(), until = clock.now.advanced(by: .milliseconds(Int64((seconds * 1000).rounded())))
        var replies: [PolicyReply] = []
        while !replies.contains(where: { $0.id == id }) {
            let left = clock.now.duration(to: until)
            guard left > .zero else { break }
            let more = inference.waitForReplies(timeout: Double(left.components.seconds) + Double(left.components.attoseconds) * 1e-18)
            if more.isEmpty { break }
            replies += more
        }
        return replies
    }

    private func absorb(_ out: [SupervisorAction]) {
        for a in out {
            switch a {
            case .alert(let al) where al.bell || al.takeoverRequested: bell()
            case .stop: bell()
            case .modeChanged(_, .takeover): bell()      // the operator's input won: say so audibly too
            default: break
            }
        }
        actions += out
    }
}
