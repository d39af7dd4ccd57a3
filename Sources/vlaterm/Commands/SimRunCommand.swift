import ArgumentParser
import Foundation
import RobotKit
import Simulator

/// `vlaterm sim run`: episodes of a task driven by the scripted expert, with a progress line per episode.
struct SimRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run task episodes in the simulator with the scripted expert and report the success rate.",
        discussion: """
        Episode i uses seed SEED+i, so a run is reproducible and `--seed 1000 --episodes 200` checks seeds
        the expert was not tuned on. One progress line per episode goes to stderr; with --json one object
        {episodes, successes, success_rate, mean_steps, ...} goes to stdout.

        Examples:
          vlaterm sim run --task pick-place --episodes 3 --expert
          vlaterm sim run --task pick-place --seed 1000 --episodes 200 --expert --json
        """
    )

    @Option(help: "Task family (\(TaskFamilies.names.joined(separator: ", "))).")
    var task = "pick-place"
    @Option(help: "Seed of the first episode; episode i uses seed + i.")
    var seed: UInt64 = 0
    @Option(help: "Number of episodes.")
    var episodes = 1
    @Flag(help: "Drive the robot with the scripted expert (privileged state). Policies run through `vlaterm run`.")
    var expert = false
    @Option(help: "Control rate in Hz (10-50).")
    var rate: Double = 20
    @Option(help: "Episode length cap in control ticks.")
    var maxSteps = 400
    @Flag(help: "Print one JSON object with the results on stdout.")
    var json = false

    struct Report: Encodable {
        var task: String
        var episodes: Int
        var successes: Int
        var success_rate: Double
        var mean_steps: Double
        var mean_steps_success: Double
        var first_seed: UInt64
        var control_rate: Double
        var failed_seeds: [UInt64]
        var sim_seconds: Double
        var wall_seconds: Double
    }

    func run() throws {
        guard expert else {
            note("vlaterm sim run: pass --expert (the scripted expert is the only driver here; policies run through `vlaterm run`).")
            throw ExitStatus.badInput
        }
        guard (1...100_000).contains(episodes) else {
            note("vlaterm sim run: --episodes \(episodes): use 1...100000.")
            throw ExitStatus.badInput
        }
        let config = SimConfig(controlRate: rate, maxSteps: maxSteps)
        let sim: TabletopSim
        do {
            sim = try TabletopSim(config: config, seed: seed, task: TaskRequest(family: task))
        } catch let e as SimError {
            note("vlaterm sim run: \(e)")
            throw ExitStatus.badInput
        }
        let clock = MonotonicClock()
        let start = clock.now()
        var successes = 0, totalSteps = 0, successSteps = 0, simSeconds = 0.0
        var failedSeeds: [UInt64] = []
        for i in 0..<episodes {
            let s = seed &+ UInt64(i)
            let t0 = clock.now()
            do {
                try sim.reset(seed: s, task: TaskRequest(family: task))
                let (ok, steps) = try runEpisode(sim, maxSteps: maxSteps)
                totalSteps += steps; simSeconds += sim.time
                if ok { successes += 1; successSteps += steps } else { failedSeeds.append(s) }
                note(String(format: "episode %d/%d seed %llu: %@ in %d steps (%.1f s sim, %.2f s wall) — \"%@\"  [%d/%d ok]",
                            i + 1, episodes, s, ok ? "success" : "FAILED", steps, sim.time, clock.now() - t0,
                            sim.episode.instruction, successes, i + 1))
            } catch let e as SimError {
                note("episode \(i + 1)/\(episodes) seed \(s): simulator error: \(e)")
                failedSeeds.append(s)
                throw ExitStatus.jobFailed
            }
        }
        let report = Report(
            task: task, episodes: episodes, successes: successes,
            success_rate: Double(successes) / Double(episodes),
            mean_steps: Double(totalSteps) / Double(episodes),
            mean_steps_success: successes > 0 ? Double(successSteps) / Double(successes) : 0,
            first_seed: seed, control_rate: rate, failed_seeds: failedSeeds,
            sim_seconds: simSeconds, wall_seconds: clock.now() - start)
        note(String(format: "%d/%d episodes succeeded (%.1f%%), mean %.1f steps", successes, episodes,
                    100 * report.success_rate, report.mean_steps))
        if json { try printJSON(report) }
    }

    /// Runs the expert until success, the expert gives up, or the step cap; returns (success, steps).
    private func runEpisode(_ sim: TabletopSim, maxSteps: Int) throws -> (Bool, Int) {
        var expert = ScriptedExpert()
        var settleTicks = 0
        while sim.tick < maxSteps {
            try sim.send(expert.action(for: sim))
            if sim.isSuccess() { return (true, sim.tick) }
            if expert.isDone {
                settleTicks += 1
                if settleTicks > 40 { break }
            }
        }
        return (false, sim.tick)
    }
}
