// `vlaterm record`: headless demonstration recording (scripted expert on the simulator, or synthetic data).
import ArgumentParser
import Episodes
import Foundation
import Policy
import RobotKit
import Simulator

/// Something that can produce demonstrations without a human: a reset per episode, then observe/act steps.
protocol DemonstrationSource {
    var robotName: String { get }
    var cameras: [CameraSpec] { get }
    /// Starts episode `index` from `seed` and returns its instruction.
    mutating func reset(seed: UInt64) throws -> String
    /// The current observation, the action sent for it (after the robot's own limits), whether that was a
    /// correction of a policy (an intervention), and whether the episode is finished.
    mutating func step(time: Double) throws -> DemonstrationStep
    func succeeded() -> Bool
    /// A source where a policy drives and something corrects it: why it stepped in during this episode, and counts
    /// over the whole recording; nil for sources that are all demonstration.
    var episodeCorrections: [String]? { get }
    var correctionCounts: [String: Int]? { get }
    /// Extra facts for the episode's Metadata (task family, target …).
    var facts: [String: String] { get }
}

extension DemonstrationSource {
    var episodeCorrections: [String]? { nil }
    var correctionCounts: [String: Int]? { nil }
}

struct DemonstrationStep {
    var observation: Observation
    var action: Action
    var intervention = false
    var done: Bool
}

/// Moving gradients and a smooth arm path: exercises the recording data path without the simulator.
struct SyntheticDemonstrations: DemonstrationSource {
    let source: SyntheticSource
    let length: Int
    var rng = SeededGenerator(seed: 0)
    var step = 0
    var robotName: String { "synthetic" }
    var facts: [String: String] { [:] }
    var cameras: [CameraSpec] { source.cameras }
    static let tasks = ["pick up the red cube", "put the green block in the bowl", "push the blue cube to the left",
                        "stack the red cube on the green cube", "touch the yellow ball"]

    mutating func reset(seed: UInt64) throws -> String {
        rng = SeededGenerator(seed: seed); step = 0
        return Self.tasks[Int(rng.next() % UInt64(Self.tasks.count))]
    }
    mutating func step(time: Double) throws -> DemonstrationStep {
        defer { step += 1 }
        return DemonstrationStep(observation: source.observation(step: step, time: time), action: source.action(step: step),
                                 done: step + 1 >= length)
    }
    func succeeded() -> Bool { true }
}

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record demonstrations headless (scripted expert) into a session.",
        discussion: """
        Runs the simulator's scripted expert (--sim --expert) with a randomised instruction per episode and records
        every step (cameras as JPEG, state, action sent, command source) into sessions/NAME/episode-NNNNNN.mcap.
        Episodes the expert fails are kept with outcome "failure". Progress goes to stderr; --json prints a summary.
        Examples:
          vlaterm record --sim --expert --episodes 20 --session pick-place --seed 1
          vlaterm record --sim --expert --episodes 400 --noise 0.3 --session demos --seed 100000   # training data

        With --sim --corrections MODEL the built-in policy MODEL drives and the scripted expert watches: when the
        policy is about to close the fingers on nothing, let go outside the container, go down beside the object,
        press on something, hold the object without lifting it, carry it below the carry height or lower it before it
        is over the container, hold it over the container without going down, stall or dawdle, the expert takes over for at least --correction-ticks ticks. Those steps
        are recorded as interventions (like a human's takeover in the console), and `vlaterm train` learns from the
        interventions of such episodes only — recoveries from the policy's own mistakes (HG-DAgger):
          vlaterm record --sim --corrections models/default.safetensors --episodes 300 --session fixes --seed 200000
          vlaterm train --session demos --session fixes --init-from models/default.safetensors --out models/next.safetensors
        """)

    @Flag(help: "Record the MuJoCo tabletop simulator.") var sim = false
    @Flag(help: "Drive it with the scripted expert.") var expert = false
    @Option(help: "Let this built-in model drive the simulator while the scripted expert corrects it (see below).")
    var corrections: String?
    @Option(help: "With --corrections: ticks the expert keeps control after taking over, at least.") var correctionTicks = 30
    @Option(help: ArgumentHelp("With --corrections: let the policy go on for a random 0…N ticks past a mistake before the expert takes over.",
                               discussion: "Recoveries are then shown from deeper inside each kind of mistake, not only from its edge. Pressing and letting go outside the container are corrected at once whatever N is."))
    var correctionDelay = 0
    @Option(help: ArgumentHelp("With --corrections: predict each chunk from the observation N ticks old and skip its first N actions.",
                               discussion: "1 is the timing of `vlaterm run` and the console with --in-tick-wait 0 (see `eval --observation-lag`)."))
    var observationLag = 0
    @Option(help: "With --corrections: chunk execution, replan:N or ensemble:M.") var execution = "replan:4"
    @Flag(help: "Record synthetic frames and states instead of the simulator (benchmarks, crash tests).") var synthetic = false
    @Option(help: "Number of episodes to record.") var episodes = 1
    @Option(help: "Session name (folder under --root); appended to when it exists.") var session: String
    @Option(help: "Folder holding the sessions.") var root = "sessions"
    @Option(help: "Seed of the first episode; episode k uses seed + k.") var seed: UInt64 = 0
    @Option(help: "Recording rate in steps per second of robot time.") var fps: Double = 20
    @Option(help: "Upper bound on steps per episode.") var maxSteps = 600
    @Option(help: "Camera width and height, e.g. 96x72 or 320x240.") var size = "96x72"
    @Option(help: ArgumentHelp("DART noise: Gaussian std added to the expert's motion, as a fraction of the per-tick limit.",
                               discussion: "The perturbed command is what the robot executes and what is recorded; the expert corrects from "
                                   + "wherever it lands, so the data shows recoveries from the small errors a learned policy makes."))
    var noise = 0.0
    @Flag(help: "Print one JSON object on stdout.") var json = false
    /// Crash-test harness: stop after N steps of the last episode, flush the queue, say so, and wait to be killed.
    @Option(help: .hidden) var stopMidEpisode: Int?

    func validate() throws {
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1") }
        guard fps > 0 && fps <= 1000 else { throw ValidationError("--fps must be in (0, 1000]") }
        guard noise.isFinite, (0...2).contains(noise) else { throw ValidationError("--noise must be in 0...2 (fraction of the per-tick limit)") }
        guard synthetic || (sim && (expert || corrections != nil)) else {
            throw ValidationError("choose a source: --sim --expert (scripted expert on the simulator), --sim --corrections MODEL or --synthetic")
        }
        guard corrections == nil || !(synthetic || expert) else {
            throw ValidationError("--corrections MODEL records the policy with the expert correcting it; leave out --expert and --synthetic")
        }
        guard (10...200).contains(correctionTicks) else { throw ValidationError("--correction-ticks must be in 10...200") }
        guard (0...100).contains(correctionDelay) else { throw ValidationError("--correction-delay must be in 0...100 (ticks)") }
        guard (0...8).contains(observationLag) else { throw ValidationError("--observation-lag must be in 0...8 (ticks)") }
        guard ChunkExecutor.parse(execution) != nil else { throw ValidationError("--execution: use replan:N (N ≥ 1) or ensemble:M (M ≥ 0)") }
    }

    struct Summary: Codable {
        var session: String, directory: String, episodes: [SessionEpisode], steps: Int, dropped: Int
        var successRate: Double, seconds: Double, bytes: UInt64, writerCPUSeconds: Double
        /// Steps recorded as interventions, episodes with at least one, and why the expert took over (with --corrections).
        var interventionSteps: Int, correctedEpisodes: Int, corrections: [String: Int]?
    }

    func makeSource() throws -> any DemonstrationSource {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, (1...4096).contains(parts[0]), (1...4096).contains(parts[1]) else {
            throw ValidationError("--size must be WIDTHxHEIGHT, e.g. 96x72")
        }
        if let corrections {
            return try PolicyWithExpertCorrections(modelPath: corrections, fps: fps, width: parts[0], height: parts[1], maxSteps: maxSteps,
                                                   execution: ChunkExecutor.parse(execution)!, minimumCorrection: correctionTicks,
                                                   correctionDelay: correctionDelay, observationLag: observationLag)
        }
        if synthetic {
            return SyntheticDemonstrations(source: SyntheticSource(cameras: SyntheticSource.cameras(width: parts[0], height: parts[1]), fps: fps),
                                           length: min(maxSteps, Int(fps * 3)))
        }
        return try SimExpertDemonstrations(fps: fps, width: parts[0], height: parts[1], maxSteps: maxSteps, noise: noise, noiseSeed: seed)
    }

    func run() throws {
        var source = try makeSource()
        let kind = synthetic ? "synthetic" : corrections == nil ? "scripted-expert" : PolicyWithExpertCorrections.kind
        let run = DemonstrationRun(session: session, root: root, fps: fps, maxSteps: maxSteps, seed: seed, episodes: episodes,
                                   kind: kind, stopMidEpisode: stopMidEpisode, log: { note($0) })
        let summary = try run.record(&source)
        if json { try printJSON(summary) }
    }
}

/// The MuJoCo tabletop with its scripted expert; each episode's seed picks the layout and the instruction.
final class SimExpertDemonstrations: DemonstrationSource {
    let sim: TabletopSim
    var expert = ScriptedExpert()
    var settleTicks = 0
    let noise: Double
    var rng: SeededGenerator
    var robotName: String { sim.name }
    var cameras: [CameraSpec] { sim.cameras }
    var facts: [String: String] {
        ["family": sim.episode.family, "target": sim.episode.target, "container": sim.episode.container]
    }

    init(fps: Double, width: Int, height: Int, maxSteps: Int, noise: Double = 0, noiseSeed: UInt64 = 0) throws {
        self.noise = noise
        rng = SeededGenerator(seed: noiseSeed ^ 0xDA27)
        do {
            sim = try TabletopSim(config: SimConfig(controlRate: fps, cameraWidth: width, cameraHeight: height, maxSteps: maxSteps),
                                  seed: 0)
        } catch let e as SimError {
            note("vlaterm record: \(e)")
            throw ExitStatus.badInput
        }
    }

    func reset(seed: UInt64) throws -> String {
        try sim.reset(seed: seed)
        expert = ScriptedExpert()
        settleTicks = 0
        return sim.episode.instruction
    }

    func step(time: Double) throws -> DemonstrationStep {
        let obs = try sim.observe(time: time)
        // Record what the robot actually executes: the expert's command (plus DART noise) after the robot's limits.
        let action = sim.limits.clamp(TrainData.dartPerturbed(expert.action(for: sim), noise: noise, limits: sim.limits, rng: &rng))
        try sim.send(action)
        if expert.isDone { settleTicks += 1 }
        return DemonstrationStep(observation: obs, action: action, done: sim.isSuccess() || settleTicks > 20)
    }

    func succeeded() -> Bool { sim.isSuccess() }
}
