// `vlaterm eval`: closed-loop episodes of a policy in the simulator, success overall and per instruction.
import ArgumentParser
import Foundation
import Policy
import RobotKit
import Simulator
import Supervisor
import Tensor

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a policy in closed loop in the simulator.",
        discussion: """
        Episode i uses seed SEED+i. Without --instructions the simulator samples the layout and a template instruction;
        with --instructions FILE episode i takes case i mod N of the file, one case per line:
            OBJECT | CONTAINER | INSTRUCTION TEXT        e.g.  red cube | bin | grab the crimson cube and drop it in the bin
        (`#` comments and blank lines are skipped). The layout is sampled so OBJECT and CONTAINER are present and the text
        goes to the policy verbatim. An episode succeeds when the object rests inside the container.

        Chunks are executed with --execution replan:N (predict every N ticks) or ensemble:M (predict every tick,
        ACT temporal ensembling with weight exp(-M·i)). With replan:N, --commit-after-stall T (default 30) executes the
        next chunk whole when the last T actions moved the hand less than 5 mm net, as `run` and the console do for the
        built-in model (0 turns it off).

        Examples:
          vlaterm eval --model models/default.safetensors --episodes 100 --seed 5000
          vlaterm eval --model models/default.safetensors --episodes 100 --seed 6000 --instructions models/heldout-instructions.txt --json
        """)

    @Option(help: "Model file (default: $VLATERM_MODEL or models/default.safetensors).") var model: String?
    @Option(help: "Evaluate a remote policy instead of a model file: openpi://HOST:PORT or openvla://HOST:PORT (loopback unless --allow-remote).")
    var policy: String?
    @Option(help: "Seconds a remote policy may take per chunk (a miss fails the episode).") var inferenceTimeout = 5.0
    @OptionGroup(title: "Remote policy") var remote: RemotePolicyFlags
    @Option(help: "Number of episodes.") var episodes = 20
    @Option(help: "Seed of the first episode; episode i uses seed + i.") var seed: UInt64 = 5000
    @Option(help: "File of `OBJECT | CONTAINER | INSTRUCTION TEXT` cases.") var instructions: String?
    @Option(help: "Episode length cap in control ticks.") var maxSteps = 300
    @Option(help: "Chunk execution: replan:N or ensemble:M.") var execution = "replan:4"
    @Option(help: ConsoleAutonomy.commitAfterStallHelp) var commitAfterStall = ConsoleAutonomy.defaultStallRule.window
    @Option(help: ArgumentHelp("Predict each chunk from the observation this many ticks old and skip the chunk's first N actions.",
                               discussion: "1 is the timing of `vlaterm run` and the console with --in-tick-wait 0 (or of a chunk that misses the "
                                   + "wait): the request goes out with one tick's observation and the reply is used from the next tick on. "
                                   + "0 (the default) uses each chunk from the tick of its observation, as the correction recordings and "
                                   + "`run` and the console with their default in-tick wait do."))
    var observationLag = 0
    @Flag(help: "Print one JSON object on stdout.") var json = false
    /// Diagnosis: print the policy's first action next to the scripted expert's for the same state at every chunk.
    @Flag(help: ArgumentHelp("Print, at every chunk, the policy's first action next to what the scripted expert would do there, and the expert's phase.",
                             discussion: "A diagnosis aid for a policy's failures (the expert reads the simulator's privileged state)."))
    var compareExpert = false

    struct PerInstruction: Encodable { var instruction: String, episodes: Int, successes: Int }
    struct Report: Encodable {
        var model: String, episodes: Int, successes: Int, success_rate: Double, mean_steps: Double
        var per_instruction: [PerInstruction], first_seed: UInt64, execution: String, max_steps: Int
        /// The stall window in actions (0 = off) and how many chunks it made run whole, over all episodes.
        var commit_after_stall: Int, stall_commits: Int
        var mean_inference_ms: Double, wall_seconds: Double, instructions_file: String?
        /// Models with the auxiliary head: horizontal distance (cm) between the grasp / place point predicted at the
        /// episode's first chunk and the named object / the container's goal — how well the model localises.
        var mean_grasp_point_error_cm: Double?, mean_place_point_error_cm: Double?
        /// Of those episodes, how many had the predicted grasp point nearer another object: grounding errors.
        var first_grasp_point_nearer_another_object: Int?
        /// Episodes in which the arm pressed on something harder than the supervisor's contact-force limit: `vlaterm
        /// run` and the console would have held the robot there. Successes among them count above all the same.
        var episodes_over_contact_limit: Int, successes_over_contact_limit: Int
    }

    func run() throws {
        guard (1...100_000).contains(episodes) else { note("vlaterm eval: --episodes must be in 1...100000"); throw ExitStatus.badInput }
        guard (1...100_000).contains(maxSteps) else { note("vlaterm eval: --max-steps must be in 1...100000"); throw ExitStatus.badInput }
        guard (0...8).contains(observationLag) else { note("vlaterm eval: --observation-lag must be in 0...8 (ticks)"); throw ExitStatus.badInput }
        guard ConsoleAutonomy.commitAfterStallRange.contains(commitAfterStall) else { note("vlaterm eval: --commit-after-stall must be in \(ConsoleAutonomy.commitAfterStallRange) (actions; 0 = off)"); throw ExitStatus.badInput }
        guard let mode = ChunkExecutor.parse(execution) else {
            note("vlaterm eval: --execution \"\(execution)\": use replan:N (N ≥ 1) or ensemble:M (M ≥ 0)"); throw ExitStatus.badInput
        }
        BLASThreads.configureForInference()
        let cases = try loadCases()
        let modelURL = model.map { URL(fileURLWithPath: $0) } ?? EmbeddedVLA.defaultModelURL
        let sim: TabletopSim
        do { sim = try TabletopSim(config: SimConfig(maxSteps: maxSteps), seed: seed) } catch {
            note("vlaterm eval: \(error)"); throw ExitStatus.jobFailed
        }
        // The built-in model, or a remote server evaluated through the same loop (its client maps observations
        // and actions; it sees every camera the simulator has).
        let policy: Policy, cameras: [String], evaluated: String
        if let url = self.policy {
            guard model == nil else { note("vlaterm eval: give --model or --policy, not both"); throw ExitStatus.badInput }
            guard inferenceTimeout.isFinite, inferenceTimeout > 0, inferenceTimeout <= 60 else {
                note("vlaterm eval: --inference-timeout must be in (0, 60]"); throw ExitStatus.badInput
            }
            do { policy = try remote.makePolicy(url: url) } catch {
                note("vlaterm eval: --policy \(url): \(error)"); throw ExitStatus.badInput
            }
            cameras = sim.cameras.map(\.name); evaluated = url
        } else {
            do {
                let vla = try EmbeddedVLA.load(url: modelURL)
                try vla.check(cameras: sim.cameras)
                policy = vla; cameras = vla.config.cameras; evaluated = modelURL.path
            } catch { note("vlaterm eval: \(error)"); throw ExitStatus.badInput }
        }
        let clock = MonotonicClock()

        let started = Date()
        var executor = ChunkExecutor(mode: mode, commitAfterStall: ConsoleAutonomy.stallRule(window: commitAfterStall))
        var stallCommits = 0
        var successes = 0, totalSteps = 0, inferences = 0, inferenceMs = 0.0
        var perText: [String: (Int, Int)] = [:], order: [String] = []
        var pointErrors: [PointErrors] = [], aimedElsewhere = 0
        let contactLimit = SupervisorConfiguration().maxContactForce
        var overLimit = 0, successesOverLimit = 0
        for i in 0..<episodes {
            let s = seed &+ UInt64(i)
            let c = cases.map { $0[i % $0.count] }
            let request = c.map { TaskRequest(object: $0.object, container: $0.container, instruction: $0.instruction) }
            do { try sim.reset(seed: s, task: request) } catch let e as SimError {
                if let c, let file = instructions { note("vlaterm eval: \(file):\(c.line): \(e)"); throw ExitStatus.badInput }
                note("vlaterm eval: seed \(s): \(e)"); throw ExitStatus.jobFailed
            }
            policy.reset(); executor.reset()
            var ok = false, steps = 0, peakForce = 0.0
            var firstPress: String?, aimedAt: String?
            var expert = ScriptedExpert()
            var lag = ObservationLag(ticks: observationLag)
            do {
                while steps < maxSteps {
                    // Without a lag only the ticks that ask for a chunk render the cameras.
                    if lag.ticks > 0 { lag.record(try sim.observe(time: sim.time, cameras: cameras)) }
                    if executor.needsChunk {
                        let obs = try lag.observation ?? sim.observe(time: sim.time, cameras: cameras)
                        let chunk = try policy.infer(PolicyRequest(id: UInt64(steps), observation: obs,
                                                                   instruction: sim.episode.instruction,
                                                                   deadline: self.policy == nil ? .infinity : clock.now() + inferenceTimeout))
                        inferences += 1; inferenceMs += chunk.inferenceMs
                        if steps == 0, let e = Self.pointErrors(policy, sim) {
                            pointErrors.append(e)
                            if e.nearest != sim.episode.target { aimedElsewhere += 1; aimedAt = e.nearest }
                        }
                        if compareExpert, let first = chunk.actions.first {
                            let e = expert.action(for: sim).vector
                            note("  step \(steps) policy " + first.map { String(format: "%+.4f", $0) }.joined(separator: " ")
                                 + "  expert " + e.map { String(format: "%+.4f", $0) }.joined(separator: " ") + "  (\(expert.phase))"
                                 + Self.whereAbouts(sim))
                        }
                        executor.accept(lag.aligned(chunk.actions))
                    }
                    // A non-finite row (a remote server can send anything) ends the episode as a failure.
                    guard let v = executor.nextAction(), v.allSatisfy(\.isFinite), let action = Action(vector: v) else { break }
                    try sim.send(action)
                    let force = sim.maxArmContactForce()
                    peakForce = max(peakForce, force)
                    if force > contactLimit, firstPress == nil {
                        // Where the supervisor would have held the robot: helps tell a press on the object from a bump.
                        firstPress = String(format: "  [pressed %.0f N at tick %d, hand %.1f cm above the table%@]", force, steps + 1,
                                            100 * sim.state().endEffector.position.z, sim.isTargetGrasped() ? ", holding the target" : "")
                    }
                    steps += 1
                    if sim.isSuccess() { ok = true; break }
                }
            } catch { note("\nvlaterm eval: episode \(i) seed \(s): \(error) (counted as a failure)") }
            if ok { successes += 1 }
            stallCommits += executor.stallCommits
            if peakForce > contactLimit { overLimit += 1; if ok { successesOverLimit += 1 } }
            totalSteps += steps
            let text = sim.episode.instruction
            if perText[text] == nil { order.append(text) }
            perText[text, default: (0, 0)].0 += 1
            if ok { perText[text, default: (0, 0)].1 += 1 }
            note(String(format: "episode %d/%d seed %llu: %@ in %d steps — \"%@\"  [%d/%d ok]%@", i + 1, episodes, s,
                        ok ? "success" : "FAILURE", steps, text, successes, i + 1,
                        (ok ? "" : Self.whereItStopped(sim)) + (firstPress ?? "") + (aimedAt.map { "  [first aimed at the \($0)]" } ?? "")))
        }
        let rate = Double(successes) / Double(episodes)
        let graspError = pointErrors.isEmpty ? nil : pointErrors.map(\.grasp).reduce(0, +) / Double(pointErrors.count)
        let placeError = pointErrors.isEmpty ? nil : pointErrors.map(\.place).reduce(0, +) / Double(pointErrors.count)
        note("\(overLimit) episode(s) pressed harder than the supervisor's \(Int(contactLimit)) N contact limit "
             + "(\(successesOverLimit) of them counted as successes; vlaterm run would have held the robot)")
        if let graspError, let placeError {
            note(String(format: "localisation at the first chunk: grasp point %.1f cm from the object, place point %.1f cm from the goal (mean); "
                        + "grasp point nearer another object than the named one in %d of %d episodes", graspError, placeError,
                        aimedElsewhere, pointErrors.count))
        }
        note(String(format: "%d/%d episodes succeeded (%.1f%%), mean %.1f steps, %.2f ms per chunk", successes, episodes,
                    100 * rate, Double(totalSteps) / Double(episodes), inferenceMs / Double(max(inferences, 1))))
        if json {
            try printJSON(Report(model: evaluated, episodes: episodes, successes: successes, success_rate: rate,
                                 mean_steps: Double(totalSteps) / Double(episodes),
                                 per_instruction: order.map { PerInstruction(instruction: $0, episodes: perText[$0]!.0, successes: perText[$0]!.1) },
                                 first_seed: seed, execution: execution, max_steps: maxSteps,
                                 commit_after_stall: commitAfterStall, stall_commits: stallCommits,
                                 mean_inference_ms: inferenceMs / Double(max(inferences, 1)),
                                 wall_seconds: Date().timeIntervalSince(started), instructions_file: instructions,
                                 mean_grasp_point_error_cm: graspError, mean_place_point_error_cm: placeError,
                                 first_grasp_point_nearer_another_object: pointErrors.isEmpty ? nil : aimedElsewhere,
                                 episodes_over_contact_limit: overLimit, successes_over_contact_limit: successesOverLimit))
        }
    }

    struct PointErrors {
        var grasp: Double, place: Double
        /// The object nearest the predicted grasp point: another than the named one is a grounding error.
        var nearest: String
    }

    /// Horizontal errors (cm) of the embedded model's predicted grasp and place points against the named object and
    /// the container's goal (privileged sim state, for the report only); nil for policies without the head.
    static func pointErrors(_ policy: Policy, _ sim: TabletopSim) -> PointErrors? {
        let poses = sim.objectPoses()
        guard let vla = policy as? EmbeddedVLA, let points = vla.lastPoints, points.count >= 2,
              let target = poses[sim.episode.target], let goal = sim.family.placeGoal(sim) else { return nil }
        func cm(_ p: [Double], _ q: SIMD3<Double>) -> Double { 100 * ((p[0] - q.x) * (p[0] - q.x) + (p[1] - q.y) * (p[1] - q.y)).squareRoot() }
        let nearest = poses.min { cm(points[0], $0.value.position) < cm(points[0], $1.value.position) }
        return PointErrors(grasp: cm(points[0], target.position), place: cm(points[1], goal), nearest: nearest?.key ?? sim.episode.target)
    }

    /// For a failure: how far the gripper ended from the target and whether the target was lifted, grasped or
    /// moved (privileged sim state, shown to the human only).
    static func whereItStopped(_ sim: TabletopSim) -> String {
        guard let target = sim.objectPoses()[sim.episode.target] else { return "" }
        let ee = sim.state().endEffector.position, o = target.position
        let d = ((ee.x - o.x) * (ee.x - o.x) + (ee.y - o.y) * (ee.y - o.y) + (ee.z - o.z) * (ee.z - o.z)).squareRoot()
        // Another object in a container means the policy picked the wrong one (a grounding error, not a control error).
        let poses = sim.objectPoses()
        let misplaced = sim.layout.objects.filter { spec in
            spec.name != sim.episode.target && poses[spec.name].map { p in
                sim.layout.containers.contains { $0.containsXY(p.position.x, p.position.y) }
            } == true
        }.map(\.name)
        return String(format: "  (gripper %.0f cm from the %@, which is at height %.1f cm%@%@)", d * 100, sim.episode.target,
                      o.z * 100, sim.isTargetGrasped() ? ", grasped" : "",
                      misplaced.isEmpty ? "" : "; the \(misplaced.joined(separator: ", ")) is in a container instead")
    }

    /// For `--compare-expert` rows: the hand's height, and where the named object is from the hand and from the goal.
    private static func whereAbouts(_ sim: TabletopSim) -> String {
        guard let o = sim.objectPoses()[sim.episode.target]?.position, let goal = sim.family.placeGoal(sim) else { return "" }
        let ee = sim.state().endEffector.position
        func across(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() * 100 }
        return String(format: "  hand z %.1f cm, %.1f cm across from the object; object z %.1f cm, %.1f cm across from the goal",
                      ee.z * 100, across(ee, o), o.z * 100, across(o, goal))
    }

    private func loadCases() throws -> [InstructionCase]? {
        guard let path = instructions else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            note("vlaterm eval: cannot read instructions file \(path)"); throw ExitStatus.badInput
        }
        guard data.count <= 10_000_000 else { note("vlaterm eval: \(path) is over 10 MB; not an instructions file?"); throw ExitStatus.badInput }
        do { return try InstructionCases.parse(String(decoding: data, as: UTF8.self), file: path) } catch {
            note("vlaterm eval: \(error)"); throw ExitStatus.badInput
        }
    }
}
