// Wiring autonomy into `vlaterm console`: which policy, the supervisor configuration for the simulator, and
// the lock that lets the scripted expert read the simulator from the policy thread while the control thread
// steps it. Kept out of ConsoleCommand.swift so that file stays about the console itself.
import ArgumentParser
import Console
import Foundation
import Policy
import RobotKit
import Simulator
import Supervisor
import Tensor

/// The simulator with every call under one lock, shared with `ExpertPolicy` (which reads ground truth on the
/// policy runner's thread). MuJoCo's model/data are not thread-safe; the lock is held for one step or one
/// render at a time, so the policy thread waits at most a tick.
final class LockedSimRobot: Robot {
    let sim: TabletopSim
    let lock = NSLock()
    /// The last action sent (benchmarks check what reached the robot).
    private(set) var lastSent: Action?
    init(sim: TabletopSim) { self.sim = sim }
    var name: String { sim.name }
    var cameras: [CameraSpec] { sim.cameras }
    var limits: ActionLimits { sim.limits }
    var controlRate: Double { sim.controlRate }
    func send(_ action: Action) throws { lock.lock(); defer { lock.unlock() }; lastSent = action; try sim.send(action) }
    func state() -> RobotState { lock.lock(); defer { lock.unlock() }; return sim.state() }
    func frame(camera: String) throws -> Frame { lock.lock(); defer { lock.unlock() }; return try sim.frame(camera: camera) }
    func withSim<T>(_ body: (TabletopSim) throws -> T) rethrows -> T { lock.lock(); defer { lock.unlock() }; return try body(sim) }

    /// The simulator's predicates for the supervision loop, each read under the lock.
    func worldChecks() -> WorldChecks {
        .tabletop(sim, lock: lock)
    }
}

enum ConsoleAutonomy {
    /// The supervisor settings for the tabletop: its step limits, its reach box with a 1 cm margin and its joint
    /// ranges (the same as `vlaterm run`).
    static func configuration(for sim: TabletopSim, policy: String = "", inTickWait: Double = defaultInTickWait,
                              commitAfterStall: StallRule? = defaultStallRule) -> SupervisorConfiguration {
        var c = SupervisorConfiguration()
        // The built-in model re-plans every 4 actions of its chunk, as `vlaterm eval` runs it by default (replan:4).
        // Its chunk's first action is meant for the observation's tick: the tick waits up to `inTickWait` for it,
        // in-process, so the model runs with the timing it was trained and evaluated with. A later reply is aligned
        // to the tick it arrives on.
        if policy == "embedded" {
            c.actionsPerChunk = 4; c.alignChunksToObservation = true
            c.inTickReplyWait = inTickWait > 0 ? inTickWait : nil
            c.commitAfterStall = commitAfterStall
        }
        c.limits = sim.limits
        c.workspace = Workspace(
            min: SIMD3(TabletopSim.reachX.lowerBound, TabletopSim.reachY.lowerBound, TabletopSim.reachZ.lowerBound) - 0.01,
            max: SIMD3(TabletopSim.reachX.upperBound, TabletopSim.reachY.upperBound, TabletopSim.reachZ.upperBound) + 0.01)
        c.jointLimits = RunCommand.jointLimits(sim)
        return c
    }

    /// The built-in model's chunks run whole after 30 actions that went nowhere (`StallRule`'s defaults): without it,
    /// re-planning every 4 actions keeps cutting off the release its chunks plan over the bin (`models/README.md`).
    static let defaultStallRule = StallRule()
    /// `--commit-after-stall` accepts 0 (off) up to this many actions (eval, run and console check the same range).
    static let commitAfterStallRange = 0...10_000
    /// `--commit-after-stall`: 0 turns the rule off.
    static func stallRule(window: Int) -> StallRule? { window > 0 ? StallRule(window: window, distance: defaultStallRule.distance) : nil }
    static let commitAfterStallHelp = ArgumentHelp(
        "Execute the built-in model's next chunk whole after this many actions that moved the hand less than 5 mm net; 0 never does.",
        discussion: "Re-planning every 4 actions can keep cutting a chunk off before its later part (a dithering hover over the bin "
            + "whose chunks each plan the release 5–8 actions ahead). After a stall, one whole chunk runs, then re-planning resumes.")

    /// 20 ms of the 50 ms tick: the built-in model takes 1–5 ms a chunk in a release build (~25 ms in a debug build,
    /// whose chunks then come a tick late: `--in-tick-wait`).
    static let defaultInTickWait = 0.02
    static let inTickWaitHelp = ArgumentHelp(
        "Seconds a tick may wait for the built-in model's chunk, so it runs from the tick of its observation as in `vlaterm eval`; 0 never waits.",
        discussion: "A chunk later than this is used from the tick it arrives on (aligned), the robot holding meanwhile; the count shows as late chunks.")

    /// `--policy`: expert, embedded, openpi://…, openvla://…. Returns the policy, or nil plus the reason autonomy
    /// is unavailable (the console still runs: teleop and recording work without a policy). Throws for a
    /// malformed URL (bad usage, exit 2).
    static func makePolicy(_ spec: String, robot: LockedSimRobot, remote: RemotePolicyFlags) throws -> (Policy?, String?) {
        switch spec {
        case "expert":
            return (ExpertPolicy(sim: robot.sim, simLock: robot.lock), nil)
        case "embedded":
            do { return (try loadEmbedded(cameras: robot.cameras), nil) } catch {
                return (nil, "built-in model unavailable (\(error)); teleop works, or start with --policy expert")
            }
        default:
            guard spec.contains("://") else {
                throw PolicyError.configuration("--policy '\(spec)': use embedded, expert, openpi://HOST:PORT or openvla://HOST:PORT")
            }
            return (try remote.makePolicy(url: spec), nil)
        }
    }

    /// The built-in model from `$VLATERM_MODEL` or `models/default.safetensors`, checked against this robot's
    /// cameras and action space. Inference then runs on the PolicyRunner thread with BLAS sized for it.
    static func loadEmbedded(cameras: [CameraSpec]) throws -> EmbeddedVLA {
        _ = BLASThreads.configureForInference()
        let vla = try EmbeddedVLA.load(url: EmbeddedVLA.defaultModelURL)
        try vla.check(cameras: cameras)
        return vla
    }

    /// The terminal bell. Written straight to the terminal (one byte, moves nothing) from the control thread,
    /// because ncurses' beep() may only be called from the UI thread.
    static func ringBell() {
        var bel: UInt8 = 7
        _ = write(STDOUT_FILENO, &bel, 1)
    }
}
