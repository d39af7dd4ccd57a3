// What supervision needs from the simulator beyond the Robot protocol: the arm's joint ranges (for the
// supervisor's joint-limit check) and a way to disturb the scene (the `push-object` fault of `vlaterm run`).
import CMuJoCo
import RobotKit

extension TabletopSim {
    /// The arm's joint ranges in radians, from the model's `range` attributes, in the order of
    /// `state().jointPositions`.
    public var jointRanges: [ClosedRange<Double>] {
        zip(index.lower, index.upper).map { min($0, $1)...max($0, $1) }
    }

    /// Knocks an object: sets the linear velocity of its free joint (m/s, world frame), as a shove from outside
    /// would. The next steps integrate it with contacts and friction like any motion. Returns false for an
    /// unknown object name or a non-finite velocity (nothing changes).
    @discardableResult
    public func push(object name: String, velocity: SIMD3<Double>) -> Bool {
        guard velocity.x.isFinite, velocity.y.isFinite, velocity.z.isFinite,
              let o = layout.object(named: name), let b = world.id(of: mjOBJ_BODY, named: SceneMJCF.bodyName(of: o))
        else { return false }
        let m = world.model.pointee
        let j = Int(m.body_jntadr[b])
        guard j >= 0, m.jnt_type[j] == Int32(mjJNT_FREE.rawValue) else { return false }
        let v = world.data.pointee.qvel + Int(m.jnt_dofadr[j])
        v[0] = velocity.x; v[1] = velocity.y; v[2] = velocity.z
        return true
    }
}
