// The action space every robot in vlaterm speaks: end-effector deltas plus a gripper command.

/// One control-tick command: Cartesian end-effector deltas in the robot base frame and a gripper target.
public struct Action: Sendable, Equatable, Codable {
    /// Metres per tick.
    public var dx: Double
    public var dy: Double
    public var dz: Double
    /// Radians per tick about the base z axis.
    public var dyaw: Double
    /// Gripper target opening: 0 = closed, 1 = fully open.
    public var gripper: Double

    public init(dx: Double = 0, dy: Double = 0, dz: Double = 0, dyaw: Double = 0, gripper: Double) {
        self.dx = dx; self.dy = dy; self.dz = dz; self.dyaw = dyaw; self.gripper = gripper
    }

    /// Number of scalar components, in `vector` order.
    public static let dimension = 5
    public static let names = ["dx", "dy", "dz", "dyaw", "gripper"]

    /// `[dx, dy, dz, dyaw, gripper]`.
    public var vector: [Double] { [dx, dy, dz, dyaw, gripper] }

    /// Builds an action from `[dx, dy, dz, dyaw, gripper]`; nil when the count is wrong.
    public init?(vector v: [Double]) {
        guard v.count == Action.dimension else { return nil }
        self.init(dx: v[0], dy: v[1], dz: v[2], dyaw: v[3], gripper: v[4])
    }

    public var isFinite: Bool { vector.allSatisfy(\.isFinite) }

    /// True when no motion is requested (the gripper target may be anything).
    public var isZeroMotion: Bool { dx == 0 && dy == 0 && dz == 0 && dyaw == 0 }

    /// A hold: no motion, keep the gripper where it is commanded.
    public static func hold(gripper: Double) -> Action { Action(gripper: gripper) }
}

/// Per-tick limits the robot enforces on itself (and the supervisor checks before sending).
public struct ActionLimits: Sendable, Equatable, Codable {
    public var maxTranslation: Double   // metres per tick, per axis
    public var maxYaw: Double           // radians per tick

    public init(maxTranslation: Double = 0.02, maxYaw: Double = 0.1) {
        self.maxTranslation = maxTranslation; self.maxYaw = maxYaw
    }

    /// The action with each component clamped into range (gripper into 0...1).
    public func clamp(_ a: Action) -> Action {
        func c(_ v: Double, _ m: Double) -> Double { min(max(v, -m), m) }
        return Action(dx: c(a.dx, maxTranslation), dy: c(a.dy, maxTranslation), dz: c(a.dz, maxTranslation),
                      dyaw: c(a.dyaw, maxYaw), gripper: min(max(a.gripper, 0), 1))
    }

    /// True when clamping would change nothing.
    public func contains(_ a: Action) -> Bool { clamp(a) == a }
}
