// Module Supervisor: the mode state machine and safety guard (DESIGN.md, safety promises 1–7).
// No I/O: each input is a mutating func that returns what the caller must do, in order. Time comes from an
// injected clock so tests drive it by hand. The caller performs the I/O (robot, policy runner, UI, recorder).
import RobotKit

/// Modes: IDLE, TELEOP, AUTONOMY, PAUSED, TAKEOVER, E-STOP.
///
/// - E-STOP latches; only `rearm` leaves it, into IDLE, and motion then needs an explicit start
///   (an instruction, `startAutonomy`, or a fresh deadman press).
/// - Pad motion only while the deadman is held; on release exactly one zero command, then hold.
/// - Every policy action is checked (finite, shape, range → reject; step size → clamp + log).
/// - Every inference has a deadline; a miss holds; replies to superseded or late requests are dropped.
/// - Autonomy needs fresh, changing camera frames.
/// - Any pad input during autonomy takes over at once (bumpless, flagged intervention); only handBack /
///   startAutonomy returns control to the policy; an unanswered takeover request ends in a stop.
public struct Supervisor: Sendable {
    private var state: SupervisorState
    private let clock: any Clock

    public init(configuration: SupervisorConfiguration = SupervisorConfiguration(), clock: any Clock) {
        self.state = SupervisorState(config: configuration)
        self.clock = clock
    }

    // MARK: inputs

    /// One control tick: decides this tick's motion (exactly one of send / hold / stop) and any inference request.
    public mutating func tick(_ summary: TickSummary) -> [SupervisorAction] {
        state.tick(summary, now: clock.now())
    }

    /// Before `tick`, with `inTickReplyWait` set: the request for a new chunk when the current one is used up
    /// (else nothing). The driver submits it with this tick's observation, waits up to `inTickReplyWait` for the
    /// reply and hands it to `policyReply` before calling `tick`, which then sends the chunk's first action.
    public mutating func requestAtTickStart() -> [SupervisorAction] {
        state.requestAtTickStart(now: clock.now())
    }

    /// The operator's speed setting as a fraction of the step limits (the console's +/- keys): teleop and takeover
    /// then move at it instead of at a level of `teleopSpeeds`. Non-finite values are ignored; clamped to 0...1.
    public mutating func setTeleopSpeed(_ fraction: Double) {
        guard fraction.isFinite else { return }
        state.speedOverride = min(max(fraction, 0), 1)
    }

    /// The latest command from the pad/keyboard (after the keymap). Takes over at once during autonomy.
    public mutating func teleop(_ command: TeleopCommand) -> [SupervisorAction] {
        state.teleop(command, now: clock.now())
    }

    /// The input device disappeared (unplugged, read error, SYN_DROPPED we could not resync).
    public mutating func inputDeviceLost(_ detail: String) -> [SupervisorAction] {
        state.inputLost(detail, now: clock.now())
    }

    public mutating func inputDeviceRestored() -> [SupervisorAction] {
        state.inputRestored()
    }

    public mutating func operatorEvent(_ event: OperatorEvent) -> [SupervisorAction] {
        state.operatorEvent(event, now: clock.now())
    }

    /// A typed instruction: starts (or restarts) autonomy unless the stop is latched.
    public mutating func submitInstruction(_ text: String) -> [SupervisorAction] {
        state.submitInstruction(text, now: clock.now())
    }

    /// A chunk from the policy for request `requestId`. Rows are untrusted `[dx, dy, dz, dyaw, gripper]`.
    public mutating func policyReply(requestId: UInt64, actions: [[Double]], done: Bool = false) -> [SupervisorAction] {
        state.policyReply(id: requestId, rows: actions, done: done, now: clock.now())
    }

    /// The policy failed on request `requestId` (kind `.missedDeadline` when it ran out of time).
    public mutating func policyError(requestId: UInt64, kind: SupervisorException = .policyFailed,
                                     message: String) -> [SupervisorAction] {
        state.policyError(id: requestId, kind: kind, message: message, now: clock.now())
    }

    /// The task's success predicate fired: the run ends and the episode is labelled success.
    public mutating func taskSucceeded() -> [SupervisorAction] {
        state.endRun(.success, now: clock.now())
    }

    /// An exception detected outside the supervisor (e.g. a simulator fault check); same handling as its own.
    public mutating func report(_ exception: SupervisorException, detail: String) -> [SupervisorAction] {
        var out: [SupervisorAction] = []
        state.raise(exception, detail, now: clock.now(), into: &out)
        return out
    }

    // MARK: what the console shows

    public var mode: OperatingMode { state.mode }
    public var instruction: String? { state.instruction }
    public var pendingTakeover: TakeoverRequest? { state.request }
    /// The request id in flight, if any.
    public var inferenceInFlight: UInt64? { state.inFlight?.id }
    /// Chunks executed whole since the run started because the policy's motion stalled (`commitAfterStall`).
    public var stallCommits: Int { state.stallWatch?.commits ?? 0 }

    /// (next index, executable length) of the current chunk, for "position in the action chunk".
    public var chunkPosition: (index: Int, count: Int) { (state.chunkIndex, state.chunk.count) }
    /// The gripper target last sent (what a hold keeps).
    public var commandedGripper: Double { state.commandedGripper }
    public var teleopSpeed: Double { state.teleopSpeed }
    public var configuration: SupervisorConfiguration { state.config }
}
