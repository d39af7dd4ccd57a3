// The scripted expert as a supervisor of a learned policy (HG-DAgger, Kelly et al. 2019): the policy drives,
// and the expert — who sees the simulator's privileged state — takes over the moment the policy is about to
// do something a careful human would stop: close the fingers where there is nothing to grasp, let go of the
// object outside the container, go down beside the object, press on something, hold the object without lifting
// it, lower it before it is over the container, stall, or dawdle. Its
// corrections are recorded as intervention steps, the data the policy lacks: how to recover from its own
// mistakes, in the states it actually reaches.
import RobotKit

public struct ExpertOversight: Sendable {
    /// Why the expert took over (recorded in the episode's log and counted in summaries).
    public enum Reason: String, Sendable, CaseIterable {
        case closeAwayFromObject = "close-away-from-object"
        case openOutsideContainer = "open-outside-container"
        case descendBesideObject = "descend-beside-object"
        case contactForce = "contact-force"
        case noProgress = "no-progress"
        case noLift = "no-lift"
        case lowerOutsideContainer = "lower-outside-container"
        case carryTooLow = "carry-too-low"
        case hoverOverContainer = "hover-over-container"
        case tooSlow = "too-slow"
    }

    /// Horizontal distance (m) between hand and object beyond which closing the fingers cannot catch it; the
    /// expert itself closes within 0.8 cm.
    public var graspTolerance = 0.012
    /// Height (m) above the object's grasp height beyond which closing catches nothing.
    public var graspHeightTolerance = 0.02
    /// Below this height (m), the hand should only be moving down when it is over the object.
    public var lowHeight = 0.09
    /// Horizontal distance (m) from the object beyond which moving down while low is a mistake.
    public var descendTolerance = 0.015
    /// Letting go is fine only with the object within this horizontal distance (m) of the place goal.
    public var placeTolerance = 0.04
    /// Contact force (N) at which the expert steps in, below the supervisor's 40 N hold.
    public var contactLimit = 25.0
    /// The policy must move the hand this far (m) or change the gripper within `stallTicks`.
    public var stallDistance = 0.015
    public var stallTicks = 40
    /// Holding the object closed below this height (m), away from the container, the policy must start lifting within
    /// `liftTicks`: the expert closes for 8 ticks and lifts; a policy that keeps "closing" (the view no longer
    /// changes once the fingers are shut) never will.
    public var liftHeight = 0.08
    public var liftTicks = 12
    /// Carrying the object outside the container, the hand may not go down (m per tick, beyond jitter) once below
    /// this height (m): the expert carries at 17 cm and lowers only over the container; a policy that lowers early
    /// presses the object into a bin wall or a neighbour and stays there.
    public var carryFloor = 0.14
    public var lowerRate = 0.003
    /// In the same band (lift height to carry floor, outside the container) the hand must be going up at least this
    /// fast (m per tick): the expert rises straight to its carry height at about 0.015 per tick before it moves
    /// across. A policy that carries low, or rises a few millimetres a tick, swings the object into a bin wall and
    /// pushes against it until the episode runs out (half of one model's template failures).
    public var riseRate = 0.005
    /// Holding the object low over its place (below the carry height, within the expert's `lowerReach`), the policy
    /// must be going down or letting go: for more than `liftTicks` ticks of neither, the expert takes over and lowers.
    /// (A policy that stopped there held the object over the bin until the episode ran out.)
    public var hoverLowering = 0.003
    /// Nor may it stay there, closed, for more than this many ticks in all (a policy bobbing up and down never
    /// trips the first rule); the expert's own lowering takes 5-15.
    public var hoverTicks = 30
    /// Ticks the policy may drive without finishing before the expert takes over.
    public var patienceTicks = 160

    private var recent: [SIMD3<Double>] = []
    private var recentGripper: [Double] = []
    private var policyTicks = 0
    private var heldWithoutLifting = 0
    private var stillOverPlace = 0
    private var hoverTotal = 0

    public init() {}

    /// Forget the policy's recent motion (after a take-over or at an episode start).
    public mutating func reset() { recent = []; recentGripper = []; policyTicks = 0; heldWithoutLifting = 0; stillOverPlace = 0; hoverTotal = 0 }

    /// Whether the expert should take over instead of executing `proposed` (the policy's action, after the robot's
    /// limits) in the simulator's current state. Call once per policy-driven tick.
    public mutating func check(_ sim: TabletopSim, proposed: Action) -> Reason? {
        let ee = sim.state().endEffector.position
        policyTicks += 1
        recent.append(ee); recentGripper.append(proposed.gripper)
        if recent.count > stallTicks { recent.removeFirst(); recentGripper.removeFirst() }
        guard let target = sim.objectPoses()[sim.episode.target], let goal = sim.family.placeGoal(sim) else { return nil }
        let o = target.position
        let grasped = sim.isTargetGrasped()
        let fromObject = horizontal(ee - o)
        let outsideContainer = horizontal(o - goal) > placeTolerance

        if sim.maxArmContactForce() > contactLimit { return .contactForce }
        if proposed.gripper < 0.5, !grasped,
           fromObject > graspTolerance || ee.z - ScriptedExpert.graspPoint(of: o).z > graspHeightTolerance { return .closeAwayFromObject }
        if proposed.gripper >= 0.5, grasped, outsideContainer { return .openOutsideContainer }
        if !grasped, ee.z < lowHeight, proposed.dz < 0, fromObject > descendTolerance { return .descendBesideObject }
        // Closed on the object, low and away from the container, and not going up: the expert lifts after 8 ticks.
        if grasped, proposed.gripper < 0.5, proposed.dz <= 0.001, ee.z < liftHeight, outsideContainer {
            heldWithoutLifting += 1
            if heldWithoutLifting > liftTicks { return .noLift }
        } else {
            heldWithoutLifting = 0
        }
        if grasped, outsideContainer, ee.z < carryFloor, ee.z >= liftHeight {
            if proposed.dz < -lowerRate { return .lowerOutsideContainer }
            if proposed.dz < riseRate { return .carryTooLow }
        }
        if grasped, proposed.gripper < 0.5, ScriptedExpert().isLowOverPlace(sim) {
            hoverTotal += 1
            stillOverPlace = proposed.dz > -hoverLowering ? stillOverPlace + 1 : 0
            if stillOverPlace > liftTicks || hoverTotal > hoverTicks { return .hoverOverContainer }
        } else {
            hoverTotal = 0; stillOverPlace = 0
        }
        if recent.count == stallTicks, let first = recent.first,
           recent.allSatisfy({ length($0 - first) < stallDistance }),
           (recentGripper.max() ?? 0) - (recentGripper.min() ?? 0) < 0.5 { return .noProgress }
        if policyTicks > patienceTicks { return .tooSlow }
        return nil
    }

    private func length(_ v: SIMD3<Double>) -> Double { (v.x * v.x + v.y * v.y + v.z * v.z).squareRoot() }
}
