// Knobs of the tabletop simulator, validated before anything is built.
import RobotKit

public struct SimConfig: Sendable, Equatable {
    /// Control ticks per second (10...50).
    public var controlRate: Double = 20
    /// Physics step in seconds; at most 0.002 (≥ 500 Hz).
    public var physicsTimestep: Double = 0.002
    /// Camera resolution (default 96x72, up to 320x240).
    public var cameraWidth: Int = 96
    public var cameraHeight: Int = 72
    /// Episode length cap in control ticks (the expert and eval stop there).
    public var maxSteps: Int = 400
    /// Per-tick clamps the robot applies to every action.
    public var limits: ActionLimits = ActionLimits(maxTranslation: 0.02, maxYaw: 0.1)

    public init(controlRate: Double = 20, physicsTimestep: Double = 0.002, cameraWidth: Int = 96,
                cameraHeight: Int = 72, maxSteps: Int = 400,
                limits: ActionLimits = ActionLimits(maxTranslation: 0.02, maxYaw: 0.1)) {
        self.controlRate = controlRate; self.physicsTimestep = physicsTimestep
        self.cameraWidth = cameraWidth; self.cameraHeight = cameraHeight
        self.maxSteps = maxSteps; self.limits = limits
    }

    /// Physics steps per control tick: enough that each is no longer than `physicsTimestep`.
    public var substeps: Int { max(1, Int((1 / (controlRate * physicsTimestep) - 1e-9).rounded(.up))) }

    /// The timestep MuJoCo actually uses: `physicsTimestep` shortened so a whole number of steps fills one
    /// control period exactly (30 Hz → 17 steps of 1.96 ms), so sim time never drifts from tick count / rate.
    public var effectiveTimestep: Double { 1 / (controlRate * Double(substeps)) }

    public func validate() throws {
        guard controlRate.isFinite, (10...50).contains(controlRate) else {
            throw SimError.badConfig("controlRate \(controlRate) Hz: use 10...50")
        }
        guard physicsTimestep.isFinite, physicsTimestep > 0, physicsTimestep <= 0.002 + 1e-12 else {
            throw SimError.badConfig("physicsTimestep \(physicsTimestep) s: use a value in (0, 0.002] (≥ 500 Hz)")
        }
        guard physicsTimestep >= 0.0001 else {
            throw SimError.badConfig("physicsTimestep \(physicsTimestep) s: smaller than 0.0001 s is too slow to run")
        }
        guard (8...320).contains(cameraWidth), (6...240).contains(cameraHeight) else {
            throw SimError.badConfig("camera \(cameraWidth)x\(cameraHeight): use between 8x6 and 320x240")
        }
        guard maxSteps >= 1, maxSteps <= 1_000_000 else {
            throw SimError.badConfig("maxSteps \(maxSteps): use 1...1000000")
        }
        guard limits.maxTranslation.isFinite, limits.maxTranslation > 0, limits.maxTranslation <= 0.1,
              limits.maxYaw.isFinite, limits.maxYaw > 0, limits.maxYaw <= 1 else {
            throw SimError.badConfig("limits \(limits): translation in (0, 0.1] m/tick, yaw in (0, 1] rad/tick")
        }
    }
}
