// Hooks for `vlaterm bench sim`: raw physics stepping on this scene, without the controller on top.

extension TabletopSim {
    /// The MJCF of the current layout (to inspect the scene or load it elsewhere).
    public var mjcf: String { SceneMJCF.xml(layout: layout, timestep: config.effectiveTimestep) }

    /// Benchmark only: `count` physics steps through the sim's own per-step path (gravity compensation,
    /// error trap), holding the current actuator targets. Time and state advance; `tick` does not.
    public func benchPhysicsSteps(_ count: Int) throws {
        for _ in 0..<max(0, count) { try physicsStep() }
    }

    /// Benchmark only: `count` calls of mj_step in a plain C loop — MuJoCo's own stepping speed, the peer
    /// the per-step overhead of `benchPhysicsSteps` is compared with.
    public func benchRawMuJoCoSteps(_ count: Int) throws {
        try world.stepLoopInC(count)
    }
}
