// Simulator predicates for what happened to the task's target that nobody commanded, checked after every control
// tick: dropped in transit (released away from the goal while being carried) and pushed (moved while not grasped).
// The supervision loop raises them as exceptions during autonomy (hold + takeover request), in the console and in
// `vlaterm run` alike. Pure logic over what `TabletopSim` measures, so it is tested without MuJoCo as well.
import RobotKit

struct TargetWatch: Sendable {
    /// Ticks the target must have been held (grasped and lifted) before losing it counts as a drop: a brush of the
    /// fingers while grasping is not carrying. 5 ticks = 0.25 s at 20 Hz.
    static let carryTicks = 5
    /// Letting go within this horizontal distance of the task's goal is placing, not dropping (m). The bins' inner
    /// half width is 7.5 cm; the scripted expert releases over the centre.
    static let goalRadius = 0.06
    /// Horizontal movement from where the target last rested (or was last grasped) that counts as pushed (m).
    /// Closing the fingers nudges it by about a centimetre; a shove or a knock moves it much further.
    static let pushDistance = 0.03
    /// Below this speed (m/s) for `restTicks` ticks the target is at rest and its position becomes the anchor.
    static let restSpeed = 0.05
    static let restTicks = 3

    private var heldTicks = 0
    private var slowTicks = 0
    /// Where the target last rested or was last grasped, horizontally; nil right after an incident, until it rests.
    private var anchor: SIMD2<Double>?

    /// One control tick's measurements; returns the incident this tick caused, if any (each one is reported once).
    /// - Parameters:
    ///   - position: the target's centre (m); speed: its linear speed (m/s).
    ///   - held: grasped and lifted clear of the table; grasped: pinched between both fingers.
    ///   - goal: where the task wants it released (nil: no goal, every release away from a rest is a drop).
    mutating func update(name: String, position p: SIMD3<Double>, speed: Double, held: Bool, grasped: Bool,
                         goal: SIMD3<Double>?) -> ObjectIncident? {
        let xy = SIMD2(p.x, p.y)
        slowTicks = speed < Self.restSpeed ? slowTicks + 1 : 0
        if grasped {
            anchor = xy
            heldTicks = held ? heldTicks + 1 : 0     // set down still grasped: no longer carrying
            return nil
        }
        let carried = heldTicks >= Self.carryTicks
        heldTicks = 0
        if carried {
            let away = goal.map { Self.distance(xy, SIMD2($0.x, $0.y)) } ?? .infinity
            if away > Self.goalRadius {
                anchor = nil
                let from = goal == nil ? "" : String(format: ", %.0f cm from the goal", away * 100)
                return ObjectIncident(.dropped, detail: String(format: "%@ left the fingers in transit at (%.2f, %.2f, %.2f)%@",
                                                               name, p.x, p.y, p.z, from))
            }
        }
        if let a = anchor {
            let moved = Self.distance(xy, a)
            if moved > Self.pushDistance {
                anchor = nil
                return ObjectIncident(.pushed, detail: String(format: "%@ moved %.0f cm from where it rested, not grasped",
                                                              name, moved * 100))
            }
        } else if slowTicks >= Self.restTicks {
            anchor = xy
        }
        return nil
    }

    static func distance(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let d = a - b
        return (d * d).sum().squareRoot()
    }
}

extension TabletopSim {
    /// Checks the target after a control tick (called by `send`).
    func watchTarget() -> ObjectIncident? {
        guard let pose = objectPoses()[episode.target], let spec = layout.object(named: episode.target) else { return nil }
        let grasped = isTargetGrasped()
        let held = grasped && pose.position.z > spec.halfHeight + 0.01     // as `isTargetHeld`, one contact scan
        return targetWatch.update(name: episode.target, position: pose.position, speed: objectSpeed(episode.target),
                                  held: held, grasped: grasped, goal: family.placeGoal(self))
    }
}
