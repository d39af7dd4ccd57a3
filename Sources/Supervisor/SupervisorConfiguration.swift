// Every threshold the supervisor uses, with the default and why it was chosen.
import RobotKit

/// An axis-aligned box the end effector must stay inside, metres in the robot base frame.
public struct Workspace: Sendable, Equatable, Codable {
    public var min: SIMD3<Double>
    public var max: SIMD3<Double>
    public init(min: SIMD3<Double>, max: SIMD3<Double>) { self.min = min; self.max = max }

    public func contains(_ p: SIMD3<Double>) -> Bool {
        p.x >= min.x && p.y >= min.y && p.z >= min.z && p.x <= max.x && p.y <= max.y && p.z <= max.z
    }
}

public struct SupervisorConfiguration: Sendable, Equatable {
    /// Per-tick step limits. A policy step beyond them (but not beyond `rejectFactor` times them) is clamped
    /// and logged; teleop commands are scaled so they never exceed them. Default: `ActionLimits()` (2 cm, 0.1 rad).
    public var limits = ActionLimits()
    /// A policy component beyond `rejectFactor × limit` is not a step that is a bit large but garbage
    /// (wrong units, unnormalised output): the whole chunk is rejected and never reaches the robot. Default 5.
    public var rejectFactor = 5.0
    /// A policy gripper value outside `[-tolerance, 1 + tolerance]` is out of range and rejected; inside it
    /// is clamped to 0...1. Default 0.25 (servers differ in whether "closed" is 0 or -1 before our adapter).
    public var gripperTolerance = 0.25
    /// Chunks longer than this are rejected as wrong-shape (a hostile server could send millions of rows). Default 512.
    public var maxChunkLength = 512
    /// Execute at most this many actions of each chunk before asking again (openpi's `replan_steps`);
    /// nil executes the whole chunk. Default nil.
    public var actionsPerChunk: Int? = nil
    /// With `actionsPerChunk`: after the rule's window of autonomy actions that moved the hand less than its distance
    /// (net), the next chunk is executed whole, so a policy that dithers in place gets to the later part of its
    /// plan (see `StallWatch`; `vlaterm eval --commit-after-stall` runs chunks the same way). Default nil (never).
    public var commitAfterStall: StallRule? = nil
    /// Skip the actions of a chunk meant for ticks that passed between its observation and its arrival (action i
    /// is for the i-th tick after the observation). The built-in model's chunks are trained that way; a chunk
    /// executed one tick late overshoots at every replan. Default false (execute a chunk from its first action).
    public var alignChunksToObservation = false
    /// Ask for the next chunk when this many actions of the current one remain, so inference overlaps
    /// execution. 0 = ask only when the chunk is used up (the robot holds while waiting). Default 0.
    public var requestAhead = 0
    /// When set, a chunk is asked for at the start of the tick whose observation it carries (once the current one
    /// is used up), and the driver may wait up to this many seconds, inside that tick, for the reply, so the
    /// chunk's first action goes out on its own observation's tick. That is the timing `vlaterm eval` and the
    /// correction recordings give the built-in model (~1–5 ms a chunk, a 50 ms tick), so the console runs it as it
    /// was trained and measured. A reply later than this is used from the tick it arrives on, aligned like any
    /// late chunk; the robot holds meanwhile. nil (the default, and always for a remote server: the tick never
    /// waits on the network) asks after a chunk's last action and uses the reply from the next tick on.
    public var inTickReplyWait: Double? = nil
    /// Seconds from request to deadline; a miss is an exception (hold + takeover request). Default 1 s,
    /// generous for a remote GPU server on a LAN and far above the embedded model's time.
    public var inferenceTimeout = 1.0
    /// A camera whose sequence number has not advanced for this many autonomy ticks is stale. Default 5.
    public var staleCameraTicks = 5
    /// A camera whose content hash has not changed for this many autonomy ticks is frozen. Default 30
    /// (3 s at 10 Hz): long enough that a still scene while the robot waits for inference is not an alarm.
    public var frozenCameraTicks = 30
    /// Seconds a takeover request may go unanswered before it escalates to a stop. Default 10 s.
    public var takeoverBudget = 10.0
    /// A teleop command older than this (seconds) is stale: the robot holds. Default 0.25 s.
    public var inputStaleAfter = 0.25
    /// Teleop speed levels as fractions of `limits`; speedUp/speedDown move between them. Default 25/50/100 %.
    public var teleopSpeeds: [Double] = [0.25, 0.5, 1.0]
    /// Index into `teleopSpeeds` at start. Default 1 (50 %).
    public var initialSpeedIndex = 1
    /// The end effector must stay inside this box; nil = not checked (set it from the robot). Default nil.
    public var workspace: Workspace? = nil
    /// Joint position limits in radians, one range per joint; nil = not checked. Default nil.
    public var jointLimits: [ClosedRange<Double>]? = nil
    /// Contact force above this (newtons) during autonomy is an exception. Default 40 N.
    public var maxContactForce = 40.0
    /// Autonomy with no end-effector or gripper movement for this many seconds is an exception. Default 10 s.
    public var noProgressAfter = 10.0
    /// Movement smaller than this (metres, or gripper fraction) does not count as progress. Default 5 mm.
    public var progressEpsilon = 0.005

    public init() {}

    /// The absolute bound beyond which a policy component is rejected rather than clamped.
    func rejectBound(forComponent i: Int) -> Double {
        i == 3 ? limits.maxYaw * rejectFactor : limits.maxTranslation * rejectFactor
    }
}
