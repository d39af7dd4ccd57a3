import ArgumentParser
import Foundation
import RobotKit
import Simulator

/// `vlaterm bench sim`: physics and control-tick throughput of the tabletop sim, against MuJoCo's raw stepping.
struct BenchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulator throughput: raw mj_step/s, the sim's physics step/s, control ticks/s with three cameras.",
        discussion: """
        Peer: MuJoCo's own stepping (mj_step in a plain C loop) on the same scene. The sim adds gravity
        compensation and an error trap per step, IK per tick, and three CPU-rendered cameras per tick.
        Target: three 96x72 cameras at 20 Hz control at >= 20x real time on one core (>= 400 ticks/s).
        Medians over --repeats runs; resets (MJCF compile) are not timed. Every figure is given twice: per
        wall-clock second and per second of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID) — the "one core"
        figure, which stays meaningful when other processes share the machine.

        Example: swift build -c release && .build/release/vlaterm bench sim --json
        """
    )

    @Option(help: "Control ticks per timed run.")
    var ticks = 400
    @Option(help: "Physics steps per timed raw-stepping run.")
    var steps = 10_000
    @Option(help: "Timed runs per figure; the median is reported.")
    var repeats = 5
    @Option(help: "Control rate in Hz.")
    var rate: Double = 20
    @Option(help: "Camera width (height follows at 4:3).")
    var width = 96
    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    /// One figure measured both ways.
    struct Rate: Encodable {
        var wall: Double
        var cpu: Double
    }

    struct Report: Encodable {
        var control_rate: Double
        var camera_resolution: String
        var physics_timestep: Double
        var raw_mujoco_steps_per_s: Rate
        var sim_steps_per_s: Rate
        var sim_step_overhead_vs_raw: Double
        var ticks_per_s_no_cameras: Rate
        var ticks_per_s_three_cameras: Rate
        var realtime_factor_three_cameras: Rate
        var realtime_target: Double
        var meets_target: Bool
        var repeats: Int
    }

    func run() throws {
        guard ticks > 0, steps > 0, (1...100).contains(repeats), (8...320).contains(width) else {
            note("vlaterm bench sim: --ticks and --steps must be positive, --repeats 1...100, --width 8...320")
            throw ExitStatus.badInput
        }
        let config = SimConfig(controlRate: rate, cameraWidth: width, cameraHeight: width * 3 / 4)
        let sim: TabletopSim
        do { sim = try TabletopSim(config: config, seed: 0) } catch {
            note("vlaterm bench sim: \(error)"); throw ExitStatus.badInput
        }
        let clock = MonotonicClock()
        func cpuNow() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        }
        func median(_ xs: [Rate]) -> Rate { Rate(wall: vlaterm.median(xs.map(\.wall)), cpu: vlaterm.median(xs.map(\.cpu))) }
        func throughput(_ n: Int, _ body: () throws -> Void) throws -> Rate {
            let (w0, c0) = (clock.now(), cpuNow())
            try body()
            return Rate(wall: Double(n) / max(clock.now() - w0, 1e-9), cpu: Double(n) / max(cpuNow() - c0, 1e-9))
        }

        note("bench sim: raw MuJoCo stepping …")
        try sim.benchRawMuJoCoSteps(1000)
        let raw = median(try (0..<repeats).map { _ in try throughput(steps) { try sim.benchRawMuJoCoSteps(steps) } })
        note("bench sim: the sim's physics step …")
        let stepped = median(try (0..<repeats).map { _ in try throughput(steps) { try sim.benchPhysicsSteps(steps) } })

        /// Expert-driven ticks (the arm moves, grasps, contacts happen); only send (+ frames) is timed.
        func tickRate(cameras: Bool, seed: UInt64) throws -> Rate {
            try sim.reset(seed: seed)
            var expert = ScriptedExpert()
            var wall = 0.0, cpu = 0.0
            for _ in 0..<ticks {
                if expert.isDone || sim.tick >= config.maxSteps {
                    try sim.reset(seed: seed &+ 1000)
                    expert = ScriptedExpert()
                }
                let action = expert.action(for: sim)
                let (w0, c0) = (clock.now(), cpuNow())
                try sim.send(action)
                if cameras { for c in sim.cameras { _ = try sim.frame(camera: c.name) } }
                wall += clock.now() - w0
                cpu += cpuNow() - c0
            }
            return Rate(wall: Double(ticks) / max(wall, 1e-9), cpu: Double(ticks) / max(cpu, 1e-9))
        }
        note("bench sim: control ticks without cameras …")
        let bare = median(try (0..<repeats).map { try tickRate(cameras: false, seed: UInt64($0)) })
        note("bench sim: control ticks with three cameras …")
        let withCameras = median(try (0..<repeats).map { try tickRate(cameras: true, seed: UInt64($0)) })

        let factor = Rate(wall: withCameras.wall / rate, cpu: withCameras.cpu / rate)
        let report = Report(
            control_rate: rate, camera_resolution: "\(config.cameraWidth)x\(config.cameraHeight)",
            physics_timestep: config.physicsTimestep, raw_mujoco_steps_per_s: raw, sim_steps_per_s: stepped,
            sim_step_overhead_vs_raw: raw.cpu / stepped.cpu, ticks_per_s_no_cameras: bare,
            ticks_per_s_three_cameras: withCameras, realtime_factor_three_cameras: factor,
            realtime_target: 20, meets_target: factor.cpu >= 20, repeats: repeats)
        func row(_ label: String, _ r: Rate, _ unit: String) -> String {
            label.padding(toLength: 30, withPad: " ", startingAt: 0)
                + String(format: "%9.1f %@/s wall   %9.1f %@/s per CPU-second", r.wall, unit, r.cpu, unit)
        }
        note([
            "                              (median of \(repeats) runs)",
            row("raw mj_step (C loop):", raw, "steps"),
            row("sim physics step:", stepped, "steps") + String(format: "   (%.2fx the raw cost)", raw.cpu / stepped.cpu),
            row("control ticks, no cameras:", bare, "ticks"),
            row("control ticks, 3 cameras:", withCameras, "ticks"),
            String(format: "real-time factor with 3 cameras at %.0f Hz: %.1fx wall, %.1fx per CPU-second (target 20x: %@)",
                   rate, factor.wall, factor.cpu, factor.cpu >= 20 ? "met" : "NOT met"),
        ].joined(separator: "\n"))
        if json { try printJSON(report) }
    }
}
