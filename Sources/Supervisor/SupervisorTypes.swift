// What goes into the supervisor (observation summaries, policy replies) and what comes out (actions).
import RobotKit

/// A camera's identity for freshness checks: the sequence number and a hash of the pixels.
public struct CameraStamp: Sendable, Equatable {
    public var name: String
    public var sequence: UInt64
    public var contentHash: UInt64
    public init(name: String, sequence: UInt64, contentHash: UInt64) {
        self.name = name; self.sequence = sequence; self.contentHash = contentHash
    }
    public init(name: String, frame: Frame) {
        self.init(name: name, sequence: frame.sequence, contentHash: frame.contentHash)
    }
}

extension Frame {
    /// FNV-1a over the pixels, 8 bytes at a time (a frozen camera repeats the exact bytes, so any hash
    /// that changes with any pixel will do; this one costs ~0.1 ms for a 224×224 frame).
    public var contentHash: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        pixels.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            }
            for i in (words * 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01B3 }
        }
        return h ^ UInt64(width) << 32 ^ UInt64(height)
    }
}

/// What the supervisor needs to know about one tick's observation (it never sees pixels).
public struct TickSummary: Sendable, Equatable {
    public var cameras: [CameraStamp]
    public var endEffector: SIMD3<Double>
    public var gripper: Double
    public var jointPositions: [Double]
    /// Largest contact force on the arm this tick, newtons; nil when the robot cannot measure it.
    public var contactForce: Double?
    /// The object was dropped in transit or pushed this tick (simulator predicates); nil when nothing happened or unknown.
    public var objectIncident: ObjectIncident?

    public init(cameras: [CameraStamp], endEffector: SIMD3<Double>, gripper: Double, jointPositions: [Double] = [],
                contactForce: Double? = nil, objectIncident: ObjectIncident? = nil) {
        self.cameras = cameras; self.endEffector = endEffector; self.gripper = gripper
        self.jointPositions = jointPositions; self.contactForce = contactForce; self.objectIncident = objectIncident
    }

    /// Summarises an observation; hashing the frames is the only per-pixel work.
    public init(observation o: Observation, contactForce: Double? = nil, objectIncident: ObjectIncident? = nil) {
        let cams = o.frames.keys.sorted().compactMap { name in o.frames[name].map { CameraStamp(name: name, frame: $0) } }
        self.init(cameras: cams, endEffector: o.state.endEffector.position, gripper: o.state.gripper,
                  jointPositions: o.state.jointPositions, contactForce: contactForce, objectIncident: objectIncident)
    }
}

/// Everything that makes the supervisor hold and call the human.
public enum SupervisorException: String, Sendable, Codable, CaseIterable {
    case nonFiniteAction, wrongShapeAction, outOfRangeAction
    /// A step beyond the per-tick limits: clamped and logged, the run continues.
    case stepBeyondLimits
    case missedDeadline, policyFailed
    case staleCamera, frozenCamera
    case workspaceBounds, jointLimits, contactForce
    case noProgress, objectDropped, objectPushed
    case inputDeviceLost
    /// Raised by the supervisor itself when a takeover request was not answered within the budget.
    case takeoverUnanswered

    /// Human wording for the banner and the log.
    public var label: String {
        switch self {
        case .nonFiniteAction: "non-finite action"
        case .wrongShapeAction: "wrong-shape action"
        case .outOfRangeAction: "out-of-range action"
        case .stepBeyondLimits: "step beyond limits (clamped)"
        case .missedDeadline: "missed inference deadline"
        case .policyFailed: "policy failed"
        case .staleCamera: "stale camera"
        case .frozenCamera: "frozen camera"
        case .workspaceBounds: "outside workspace"
        case .jointLimits: "joint limit"
        case .contactForce: "contact force over threshold"
        case .noProgress: "no progress"
        case .objectDropped: "object dropped"
        case .objectPushed: "object pushed"
        case .inputDeviceLost: "input device lost"
        case .takeoverUnanswered: "takeover request unanswered"
        }
    }

    /// Only clamped steps keep the run going; everything else holds and requests a takeover.
    public var holds: Bool { self != .stepBeyondLimits }
}

/// A message for the operator: banner text, optional bell, and whether the human is asked to take over.
public struct SupervisorAlert: Sendable, Equatable {
    /// nil for alerts that are not exceptions (e.g. "operator took over").
    public var exception: SupervisorException?
    public var message: String
    public var bell: Bool
    public var takeoverRequested: Bool
    /// Supervisor clock time the alert was raised.
    public var time: Double
}

/// How an autonomous run ended; the recorder uses it as the episode label.
public enum EpisodeOutcome: String, Sendable, Codable {
    case success        // the task's success predicate fired, or the operator marked success
    case policyDone     // the policy said it is done
    case failure        // the operator marked failure
    case stopped        // E-STOP during the run
    case discarded      // the operator discarded the run
    case interrupted    // a new instruction replaced the run
}

/// What the caller must do. Every tick yields exactly one of `send`, `hold` or `stop` (the motion decision),
/// plus any number of the others.
public enum SupervisorAction: Sendable, Equatable {
    /// Send this action to the robot. `intervention` marks human steps during an autonomous run.
    case send(Action, source: CommandSource, intervention: Bool)
    /// Keep the robot still (send `Action.hold(gripper: supervisor.commandedGripper)` or nothing).
    case hold(reason: String)
    /// Run inference on this tick's observation; the reply must carry `id` and is ignored after `deadline`.
    case requestInference(id: UInt64, instruction: String, deadline: Double)
    /// The request is no longer wanted; a remote client may drop its connection. Its reply will be ignored anyway.
    case cancelInference(id: UInt64)
    case alert(SupervisorAlert)
    /// A log line (clamped steps, dropped late replies, ignored operator events).
    case log(String)
    /// Stop the robot: latched until re-arm.
    case stop(reason: String)
    case modeChanged(from: OperatingMode, to: OperatingMode)
    case episodeEnded(EpisodeOutcome)
}

/// A takeover request waiting for the human.
public struct TakeoverRequest: Sendable, Equatable {
    public var exception: SupervisorException
    public var since: Double
}
