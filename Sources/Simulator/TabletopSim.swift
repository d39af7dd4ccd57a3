// The simulated tabletop robot: a MuJoCo world built per seeded layout, driven by end-effector deltas
// through IK at the control rate, with physics sub-stepped underneath.
import CMuJoCo
import RobotKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Not thread-safe: one thread at a time drives a sim (MuJoCo's error trap state is per thread, so any
/// single thread may, e.g. the console's control thread). Resets rebuild the whole MuJoCo world.
public final class TabletopSim: Robot {
    public let config: SimConfig
    public let name = "sim-tabletop"
    /// The cameras with their calibration: front and overhead fixed in the world, the wrist camera on the hand.
    public private(set) var cameras: [CameraSpec]
    public var limits: ActionLimits { config.limits }
    public var controlRate: Double { config.controlRate }

    public private(set) var episode: TaskEpisode
    public private(set) var layout: SceneLayout
    public private(set) var family: any TaskFamily
    /// Control ticks since the last reset.
    public private(set) var tick = 0
    /// Simulated seconds since the last reset.
    public var time: Double { world.data.pointee.time }

    var world: MuJoCoWorld
    var index: ArmIndex
    /// Where the controller is taking the end effector (the integral of the clamped actions).
    public private(set) var commandedPosition = SIMD3<Double>(0.33, 0, 0.24)
    public private(set) var commandedYaw = 0.0
    /// Latest gripper command, 0 closed ... 1 open.
    public private(set) var gripperCommand = 1.0
    var jointTarget: [Double] = []
    /// Set after a MuJoCo error or divergence: the data is no longer trustworthy until `reset`.
    private var failure: SimError?
    /// What happened to the target during the last control tick that nobody commanded (dropped in transit, pushed);
    /// nil when nothing did. Set by every `send`; see `TargetWatch` for the thresholds.
    public private(set) var targetIncident: ObjectIncident?
    var targetWatch = TargetWatch()
    /// The thread's count of untrapped MuJoCo errors when last checked.
    private var untrappedErrorsSeen = MuJoCoWorld.untrappedErrorCount()
    /// Control ticks over the sim's whole life (never reset): camera frames carry it as their sequence number.
    private var lifetimeTicks: UInt64 = 0
    /// One renderer for all cameras (they share a resolution), and the scene drawn at the current tick.
    private var renderer: SoftwareRenderer?
    private var sceneCache: (geoms: [RenderGeom], cameras: [RenderCamera])?

    /// Where a reset puts the end effector.
    public static let homePosition = SIMD3<Double>(0.33, 0, 0.24)
    /// Box the commanded end-effector position is clamped into (metres, base frame).
    public static let reachX: ClosedRange<Double> = 0.12...0.66
    public static let reachY: ClosedRange<Double> = -0.5...0.5
    public static let reachZ: ClosedRange<Double> = 0.016...0.45   // fingertips stay just above the table
    public static let yawRange: ClosedRange<Double> = -2.6...2.6

    static func clampToReach(_ p: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(clamp(p.x, reachX), clamp(p.y, reachY), clamp(p.z, reachZ))
    }

    public init(config: SimConfig = SimConfig(), seed: UInt64, task: TaskRequest? = nil) throws {
        try config.validate()
        self.config = config
        cameras = SceneMJCF.cameraNames.map { CameraSpec(name: $0, width: config.cameraWidth, height: config.cameraHeight) }
        let family = try TaskFamilies.named(task?.family ?? "pick-place")
        let (layout, episode) = try family.sample(seed: seed, request: task)
        let world = try MuJoCoWorld(mjcf: SceneMJCF.xml(layout: layout, timestep: config.effectiveTimestep))
        self.family = family; self.layout = layout; self.episode = episode
        self.world = world
        self.index = try ArmIndex(world: world)
        try goHome()
        let views = renderCameras()
        let hand = state().endEffector
        cameras = cameras.map { spec in
            var spec = spec
            guard let v = views.first(where: { $0.name == spec.name }) else { return spec }
            if spec.name == "wrist" {   // carried by the hand
                spec.calibration = CameraCalibration.mountedOnHand(position: v.position, rotation: v.rotation, fovy: v.fovy,
                                                                   hand: hand.position, yaw: hand.yaw)
            } else {
                spec.calibration = CameraCalibration(position: [v.position.x, v.position.y, v.position.z], rotation: v.rotation, fovy: v.fovy)
            }
            return spec
        }
    }

    /// A new seeded layout (and task), arm at home, time 0.
    public func reset(seed: UInt64, task: TaskRequest? = nil) throws {
        let family = try TaskFamilies.named(task?.family ?? "pick-place")
        let (layout, episode) = try family.sample(seed: seed, request: task)
        let world = try MuJoCoWorld(mjcf: SceneMJCF.xml(layout: layout, timestep: config.effectiveTimestep))
        let index = try ArmIndex(world: world)
        self.family = family; self.layout = layout; self.episode = episode
        self.world = world; self.index = index
        failure = nil; tick = 0; lifetimeTicks += 1; sceneCache = nil
        try goHome()
    }

    /// Puts the arm at the IK solution for the home pose, lets the objects settle, and zeroes the clock.
    private func goHome() throws {
        let ik = try ArmIK.solve(world: world, scratch: world.scratch, index: index,
                                 q0: [0, 0.3, 0.9, 0, 0.4, 0], target: Self.homePosition, yaw: 0, maxIterations: 200)
        jointTarget = ik.q
        commandedPosition = ik.achieved.position
        commandedYaw = ik.achieved.yaw
        gripperCommand = 1
        let d = world.data
        for i in 0..<ik.q.count { d.pointee.qpos[index.armQpos[i]] = ik.q[i] }
        for i in index.fingerQpos { d.pointee.qpos[i] = SceneMJCF.fingerTravel }
        applyActuatorTargets(arm: ik.q)
        try world.forward()
        for _ in 0..<100 { try physicsStep() }
        d.pointee.time = 0
        targetWatch = TargetWatch()
        targetIncident = nil
        try checkHealth()
    }

    // MARK: Robot

    public func send(_ action: Action) throws {
        if let failure { throw failure }
        guard action.isFinite else {
            throw SimError.badAction("\(action.vector) has a non-finite component; nothing was applied")
        }
        let a = config.limits.clamp(action)
        let goal = Self.clampToReach(commandedPosition + SIMD3(a.dx, a.dy, a.dz))
        let goalYaw = clamp(commandedYaw + a.dyaw, Self.yawRange)
        do {
            let ik = try ArmIK.solve(world: world, scratch: world.scratch, index: index, q0: jointTarget,
                                     target: goal, yaw: goalYaw)
            // Out of reach: re-anchor the command on what the arm can do, so it never winds up far away.
            commandedPosition = ik.positionError > 0.01 ? Self.clampToReach(ik.achieved.position) : goal
            commandedYaw = ik.rotationError > 0.05 ? ik.achieved.yaw : goalYaw
            gripperCommand = a.gripper
            let start = jointTarget, n = config.substeps
            for s in 1...n {
                let alpha = Double(s) / Double(n)
                applyActuatorTargets(arm: zip(start, ik.q).map { $0 + alpha * ($1 - $0) })
                try physicsStep()
            }
            jointTarget = ik.q
            targetIncident = watchTarget()
            tick += 1
            lifetimeTicks += 1
            sceneCache = nil
            try checkHealth()
        } catch let e as SimError {
            failure = e
            throw e
        }
    }

    public func state() -> RobotState {
        let d = world.data.pointee
        let site = SitePose(world.data, site: index.site)
        var quat = [Double](repeating: 0, count: 4)
        site.rotation.withUnsafeBufferPointer { r in mju_mat2Quat(&quat, r.baseAddress) }
        let opening = index.fingerQpos.reduce(0.0) { $0 + d.qpos[$1] } / (2 * SceneMJCF.fingerTravel)
        return RobotState(
            jointPositions: index.armQpos.map { d.qpos[$0] },
            jointVelocities: index.armDof.map { d.qvel[$0] },
            endEffector: Pose(position: site.position, quaternion: SIMD4(quat[0], quat[1], quat[2], quat[3])),
            gripper: min(max(opening, 0), 1))
    }

    public func frame(camera: String) throws -> Frame {
        guard cameras.contains(where: { $0.name == camera }) else {
            throw SimError.unknownCamera(camera, available: cameras.map(\.name))
        }
        if renderer == nil {
            do { renderer = try SoftwareRenderer(width: config.cameraWidth, height: config.cameraHeight) }
            catch { throw SimError.badConfig("\(error)") }
        }
        let scene = sceneCache ?? (renderGeoms(), renderCameras())
        sceneCache = scene
        guard let renderer, let view = scene.cameras.first(where: { $0.name == camera }) else {
            throw SimError.unknownCamera(camera, available: cameras.map(\.name))
        }
        var frame = renderer.render(geoms: scene.geoms, camera: view)
        frame.sequence = lifetimeTicks
        frame.timestamp = time
        return frame
    }

    // MARK: Task

    public func isSuccess() -> Bool { family.isSuccess(self) }

    /// Privileged object poses by name ("red cube"); the simulator's ground truth, never shown to a policy.
    public func objectPoses() -> [String: Pose] {
        var poses: [String: Pose] = [:]
        for o in layout.objects {
            guard let b = world.id(of: mjOBJ_BODY, named: SceneMJCF.bodyName(of: o)) else { continue }
            let p = world.data.pointee.xpos + 3 * b, q = world.data.pointee.xquat + 4 * b
            poses[o.name] = Pose(position: SIMD3(p[0], p[1], p[2]), quaternion: SIMD4(q[0], q[1], q[2], q[3]))
        }
        return poses
    }

    /// Linear speed of an object (m/s), 0 for an unknown name.
    public func objectSpeed(_ name: String) -> Double {
        guard let o = layout.object(named: name), let b = world.id(of: mjOBJ_BODY, named: SceneMJCF.bodyName(of: o))
        else { return 0 }
        let m = world.model.pointee
        let dof = Int(m.jnt_dofadr[Int(m.body_jntadr[b])])
        let v = world.data.pointee.qvel + dof
        return (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).squareRoot()
    }

    // MARK: Physics plumbing

    private func applyActuatorTargets(arm q: [Double]) {
        let d = world.data
        for (i, act) in index.armActuators.enumerated() { d.pointee.ctrl[act] = q[i] }
        for act in index.fingerActuators { d.pointee.ctrl[act] = gripperCommand * SceneMJCF.fingerTravel }
    }

    /// One mj_step with gravity compensation on the arm (MuJoCo 2.2 has no gravcomp attribute): the bias
    /// force of the previous step is applied to the arm's dofs, so the position servos only fight errors.
    func physicsStep() throws {
        let d = world.data
        for dof in index.armDof { d.pointee.qfrc_applied[dof] = d.pointee.qfrc_bias[dof] }
        try world.step()
    }

    /// MuJoCo resets the data itself on a bad qacc and only warns, so the warning counters are checked too.
    private func checkHealth() throws {
        let untrapped = MuJoCoWorld.untrappedErrorCount()
        if untrapped != untrappedErrorsSeen {
            untrappedErrorsSeen = untrapped
            throw SimError.mujoco("MuJoCo raised an error outside a trapped call: \(MuJoCoWorld.lastError())")
        }
        for (w, what) in [(mjWARN_BADQACC, "bad qacc"), (mjWARN_BADQVEL, "bad qvel"), (mjWARN_BADQPOS, "bad qpos")]
        where world.warningCount(w) > 0 {
            throw SimError.diverged("MuJoCo warned: \(what) at t=\(time) s (\(MuJoCoWorld.lastWarning()))")
        }
        let m = world.model.pointee, d = world.data.pointee
        for i in 0..<Int(m.nq) where !d.qpos[i].isFinite {
            throw SimError.diverged("qpos[\(i)] is \(d.qpos[i]) at t=\(time) s")
        }
        for i in 0..<Int(m.nv) where !d.qvel[i].isFinite || !d.qacc[i].isFinite {
            throw SimError.diverged("qvel/qacc[\(i)] is not finite at t=\(time) s")
        }
    }
}

@inline(__always) func clamp(_ v: Double, _ r: ClosedRange<Double>) -> Double { min(max(v, r.lowerBound), r.upperBound) }
