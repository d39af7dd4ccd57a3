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
        Medians over --repeats runs; resets (MJCF compile) are not timed.

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

    struct Report: Encodable {
        var control_rate: Double
        var camera_resolution: String
        var physics_timestep: Double
        var raw_mujoco_steps_per_s: Double
        var sim_steps_per_s: Double
        var sim_step_overhead_vs_raw: Double
        var ticks_per_s_no_cameras: Double
        var ticks_per_s_three_cameras: Double
        var realtime_factor_three_cameras: Double
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
        func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
        func throughput(_ n: Int, _ body: () throws -> Void) throws -> Double {
            let t0 = clock.now(); try body(); return Double(n) / max(clock.now() - t0, 1e-9)
        }

        note("bench sim: raw MuJoCo stepping …")
        try sim.benchRawMuJoCoSteps(1000)
        let raw = median(try (0..<repeats).map { _ in try throughput(steps) { try sim.benchRawMuJoCoSteps(steps) } })
        note("bench sim: the sim's physics step …")
        let stepped = median(try (0..<repeats).map { _ in try throughput(steps) { try sim.benchPhysicsSteps(steps) } })

        /// Expert-driven ticks (the arm moves, grasps, contacts happen); only send (+ frames) is timed.
        func tickRate(cameras: Bool, seed: UInt64) throws -> Double {
            try sim.reset(seed: seed)
            var expert = ScriptedExpert()
            var elapsed = 0.0
            for _ in 0..<ticks {
                if expert.isDone || sim.tick >= config.maxSteps {
                    try sim.reset(seed: seed &+ 1000)
                    expert = ScriptedExpert()
                }
                let action = expert.action(for: sim)
                let t0 = clock.now()
                try sim.send(action)
                if cameras { for c in sim.cameras { _ = try sim.frame(camera: c.name) } }
                elapsed += clock.now() - t0
            }
            return Double(ticks) / max(elapsed, 1e-9)
        }
        note("bench sim: control ticks without cameras …")
        let bare = median(try (0..<repeats).map { try tickRate(cameras: false, seed: UInt64($0)) })
        note("bench sim: control ticks with three cameras …")
        let withCameras = median(try (0..<repeats).map { try tickRate(cameras: true, seed: UInt64($0)) })

        let factor = withCameras / rate
        let report = Report(
            control_rate: rate, camera_resolution: "\(config.cameraWidth)x\(config.cameraHeight)",
            physics_timestep: config.physicsTimestep, raw_mujoco_steps_per_s: raw, sim_steps_per_s: stepped,
            sim_step_overhead_vs_raw: raw / stepped, ticks_per_s_no_cameras: bare,
            ticks_per_s_three_cameras: withCameras, realtime_factor_three_cameras: factor,
            realtime_target: 20, meets_target: factor >= 20, repeats: repeats)
        note(String(format: """
            raw mj_step (C loop):        %8.0f steps/s
            sim physics step:            %8.0f steps/s  (%.2fx the raw cost)
            control ticks, no cameras:   %8.1f ticks/s  (%.1fx real time at %.0f Hz)
            control ticks, 3 cameras:    %8.1f ticks/s  (%.1fx real time; target 20x) %@
            """, raw, stepped, raw / stepped, bare, bare / rate, rate, withCameras, factor,
            factor >= 20 ? "ok" : "BELOW TARGET"))
        if json { try printJSON(report) }
    }
}
