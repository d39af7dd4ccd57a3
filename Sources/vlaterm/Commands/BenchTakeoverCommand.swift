import ArgumentParser
import Console
import Foundation
import Policy
import RobotKit
import Simulator
import Supervisor

/// `vlaterm bench takeover`: takeover latency through the console's own path — ConsoleController, keyboard source,
/// SupervisorHook, PolicyRunner thread, the MuJoCo simulator — rather than the bare Supervisor (`bench supervisor`).
struct BenchTakeoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "takeover",
        abstract: "Takeover latency in console control ticks (target: always the next tick).",
        discussion: """
        Each trial: a fresh console controller on the tabletop simulator (seed = trial), the scripted expert as the \
        policy on its PolicyRunner thread, an instruction submitted as if typed, autonomy for a random 3–30 ticks, \
        then one movement key. Counts the ticks until the console is in TAKEOVER (1 = the very next tick), checks that the \
        robot received the human's motion on that tick (or that the workspace box blocked that direction), and times it. The clock is manual (ticks are not paced), so the \
        figure is independent of machine load; the tick time is wall time.

        Example: .build/release/vlaterm bench takeover --trials 200 --json
        """
    )

    @Option(help: "Random takeovers.") var trials = 200
    @Option(help: "Seed for the random takeover times and keys.") var seed: UInt64 = 1
    @Flag(help: "Print one JSON object on stdout instead of text on stderr.") var json = false

    struct Report: Codable {
        var trials: Int
        var skipped: Int
        var takeover_latency_ticks: [String: Int]
        var takeover_latency_max_ticks: Int
        /// Takeovers whose first human command moved nothing because the workspace box blocked that direction.
        var first_command_blocked_by_workspace: Int
        var takeover_tick_median_ms: Double
        var autonomy_tick_median_ms: Double
    }

    func validate() throws {
        guard (1...100_000).contains(trials) else { throw ValidationError("--trials must be 1...100000") }
    }

    func run() throws {
        var rng = SeededGenerator(seed: seed)
        var latencies: [Int] = [], takeoverMs: [Double] = [], autonomyMs: [Double] = []
        var skipped = 0, blocked = 0
        let wall = MonotonicClock()
        let keys: [(Character, SIMD3<Double>)] = [("w", SIMD3(1, 0, 0)), ("s", SIMD3(-1, 0, 0)), ("a", SIMD3(0, 1, 0)),
                                                  ("d", SIMD3(0, -1, 0)), ("r", SIMD3(0, 0, 1)), ("f", SIMD3(0, 0, -1))]
        for trial in 0..<trials {
            let sim = try TabletopSim(seed: UInt64(trial))
            let robot = LockedSimRobot(sim: sim)
            let clock = ManualClock(0)
            let model = ConsoleModel(clock: clock)
            let keyboard = KeyboardSource(clock: clock)
            let controller = ConsoleController(robot: robot, sources: [keyboard], model: model, instruction: sim.episode.instruction)
            let hook = SupervisorHook(configuration: ConsoleAutonomy.configuration(for: sim), clock: clock,
                                      runner: PolicyRunner(policy: ExpertPolicy(sim: sim, simLock: robot.lock), clock: clock))
            controller.hooks.append(hook)
            func tick() throws -> Double {
                let t0 = wall.now()
                try controller.tick()
                let ms = (wall.now() - t0) * 1000
                hook.awaitInference()
                clock.advance(by: 1 / sim.controlRate)
                return ms
            }
            _ = try tick()
            model.request(.instruction(sim.episode.instruction))
            let run = Int.random(in: 3...30, using: &rng)
            for _ in 0..<run { autonomyMs.append(try tick()) }
            guard controller.mode == .autonomy else { skipped += 1; continue }    // the expert finished early
            let (key, dir) = keys[Int.random(in: 0..<keys.count, using: &rng)]
            keyboard.press(.char(key))
            var n = 0
            while n < 20 {
                n += 1
                let ms = try tick()
                guard controller.mode == .takeover else { continue }
                takeoverMs.append(ms)
                // The human's motion on that same tick, unless the supervisor's workspace box stopped that
                // direction (e.g. "down" with the hand already at the table).
                let a = robot.lastSent ?? Action.hold(gripper: 1)
                if (SIMD3(a.dx, a.dy, a.dz) * dir).sum() <= 0 { blocked += 1 }
                break
            }
            latencies.append(n)
        }
        var histogram: [String: Int] = [:]
        for l in latencies { histogram[String(l), default: 0] += 1 }
        let report = Report(trials: trials, skipped: skipped, takeover_latency_ticks: histogram,
                            takeover_latency_max_ticks: latencies.max() ?? -1, first_command_blocked_by_workspace: blocked,
                            takeover_tick_median_ms: median(takeoverMs), autonomy_tick_median_ms: median(autonomyMs))
        if json { try printJSON(report); return }
        note("takeover latency over \(latencies.count) console takeovers (\(skipped) skipped: run over before the key): "
             + histogram.sorted { $0.key < $1.key }.map { "\($0.key) tick(s): \($0.value)" }.joined(separator: ", "))
        note(String(format: "first human command blocked by the workspace box: \(blocked); console tick median: %.2f ms in autonomy, %.2f ms on the takeover tick (sim step + 3 camera renders included)",
                    report.autonomy_tick_median_ms, report.takeover_tick_median_ms))
    }
}
