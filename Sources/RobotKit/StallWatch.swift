// Commit after a stall: a chunk policy that re-plans every few actions can dither in place. Each chunk says
// "a little down, back up, then open the gripper a few actions later", re-planning cuts it off before the
// opening, and the next chunk says the same. The built-in model does this holding an object over the bin
// (`models/README.md`). The watch sees that the executed actions went nowhere for a while and tells the
// executor to run the next chunk whole, so the plan's later part (the release) happens. It only looks at
// the commanded motion, nothing the policy does not see itself, so it applies to any chunk policy.
// Shared by `ChunkExecutor` (eval) and the supervisor (run, console) so both execute a chunk alike.

/// When to execute a whole chunk instead of re-planning after its first few actions.
public struct StallRule: Sendable, Equatable, Codable {
    /// How many executed actions the net motion is summed over. 30 = 1.5 s at 20 Hz: longer than the
    /// grasp's close (the hand holds still ~10 ticks there), far shorter than the supervisor's 10 s
    /// no-progress exception.
    public var window: Int
    /// The commanded end-effector translation over the window (metres, net, not path length) below which
    /// the motion counts as going nowhere. 5 mm: the dithering nets ~0; a slow approach moves centimetres.
    public var distance: Double

    public init(window: Int = 30, distance: Double = 0.005) {
        self.window = max(1, window)
        self.distance = distance.isFinite ? max(0, distance) : 0
    }
}

/// Sums the translation of the last `rule.window` executed actions; `takeStall()` reports a stall once and
/// starts a new window, so a committed chunk is never followed straight away by another commit.
public struct StallWatch: Sendable, Equatable {
    public let rule: StallRule
    private var recent: [SIMD3<Double>] = []
    /// Whole chunks executed because of a stall since the last reset.
    public private(set) var commits = 0

    public init(rule: StallRule) { self.rule = rule }

    /// An action that reached the robot: `[dx, dy, dz, …]` (rows shorter than 3 count as no motion).
    public mutating func record(_ action: [Double]) {
        let v = action.count >= 3 ? SIMD3(action[0], action[1], action[2]) : .zero
        recent.append(v.x.isFinite && v.y.isFinite && v.z.isFinite ? v : .zero)
        if recent.count > rule.window { recent.removeFirst(recent.count - rule.window) }
    }

    /// True when a full window of actions netted less than `rule.distance`; then the window starts over.
    public mutating func takeStall() -> Bool {
        guard recent.count >= rule.window else { return false }
        let net = recent.reduce(SIMD3<Double>.zero, +)
        guard (net * net).sum().squareRoot() < rule.distance else { return false }
        recent.removeAll(keepingCapacity: true)
        commits += 1
        return true
    }

    /// A new episode or run: forget the motion so far (commits too).
    public mutating func reset() { recent.removeAll(keepingCapacity: true); commits = 0 }

    /// Forget the motion so far but keep the count (a human drove in between: their motion is not the policy's).
    public mutating func restartWindow() { recent.removeAll(keepingCapacity: true) }
}
