// The protocols live implementations conform to; only the executable picks concrete ones.

/// A robot that takes one `Action` per control tick.
public protocol Robot: AnyObject {
    var name: String { get }
    var cameras: [CameraSpec] { get }
    var limits: ActionLimits { get }
    /// Control rate in Hz.
    var controlRate: Double { get }
    /// Applies one action (clamped by the robot itself) and advances one control tick.
    func send(_ action: Action) throws
    /// Current proprioception.
    func state() -> RobotState
    /// Latest image from a camera; throws for an unknown name.
    func frame(camera: String) throws -> Frame
}

extension Robot {
    /// State plus every camera's latest frame.
    public func observe(time: Double) throws -> Observation {
        try observe(time: time, cameras: cameras.map(\.name))
    }

    /// State plus the named cameras' latest frames (a policy that reads some cameras need not render the others).
    public func observe(time: Double, cameras names: [String]) throws -> Observation {
        var frames: [String: Frame] = [:]
        for name in names { frames[name] = try frame(camera: name) }
        return Observation(time: time, state: state(), frames: frames)
    }
}

/// Where a teleop command comes from (keyboard, gamepad, replay).
public enum CommandSource: String, Sendable, Codable { case teleop, autonomy, none }

/// A human's command for one tick, after the keymap.
public struct TeleopCommand: Sendable, Equatable {
    /// Normalised velocities in -1...1 per axis (x, y, z, yaw); scaled to metres/radians by the speed setting.
    public var linear: SIMD3<Double>
    public var yaw: Double
    /// Gripper target 0...1, or nil for "leave as is".
    public var gripper: Double?
    /// True while the deadman (enable) control is held.
    public var deadman: Bool

    public init(linear: SIMD3<Double> = .zero, yaw: Double = 0, gripper: Double? = nil, deadman: Bool = false) {
        self.linear = linear; self.yaw = yaw; self.gripper = gripper; self.deadman = deadman
    }

    public var isNeutral: Bool { linear == .zero && yaw == 0 }
}

/// Something happened to the manipulated object that nobody commanded, as the world reports it (the simulator's
/// predicates; a real robot with a scale or an object tracker could report the same). The supervisor turns it into
/// an exception during autonomy.
public struct ObjectIncident: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// Released away from the goal while being carried (slipped, knocked out of the fingers).
        case dropped
        /// Moved by more than a threshold while nobody held it (shoved, knocked over).
        case pushed
    }
    public var kind: Kind
    /// What happened, with positions, for the log line.
    public var detail: String
    public init(_ kind: Kind, detail: String) { self.kind = kind; self.detail = detail }
}
