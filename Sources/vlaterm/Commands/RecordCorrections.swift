// `vlaterm record --sim --corrections MODEL`: the built-in policy drives the simulator and the scripted expert
// watches (`ExpertOversight`); when the policy goes wrong the expert takes over for a stretch, and those steps
// are recorded as interventions — the same flag a human's takeover in the console sets. `vlaterm train` learns
// from the intervention steps of such episodes only (HG-DAgger): recoveries from the policy's own mistakes.
import Foundation
import Policy
import RobotKit
import Simulator

final class PolicyWithExpertCorrections: DemonstrationSource {
    /// The "source" fact of the episodes it records (training reads it to know only corrections teach).
    static let kind = "policy-with-expert-corrections"
    let sim: TabletopSim
    let policy: EmbeddedVLA
    let label: String
    /// Ticks the expert keeps control after taking over, at least (and until its phase moves on once), so each
    /// correction holds whole action chunks of expert motion.
    let minimumCorrection: Int
    let maximumCorrection = 120
    /// Ticks the policy may go on past a mistake before the expert steps in (drawn from 0…this per correction).
    /// Stepping in at once only ever shows the way back from the edge of a mistake; a policy that was not stopped
    /// goes deeper (lower beside the object, further on with empty fingers) and has never seen a recovery from
    /// there. Pressing and letting go outside the container are always corrected at once.
    let correctionDelay: Int
    private var delayRandom = SeededGenerator(seed: 0)
    private var pending: (reason: ExpertOversight.Reason, ticksLeft: Int)?
    /// Predict each chunk from the observation this many ticks old and skip its first actions (1 is the timing of
    /// `vlaterm run` with `--in-tick-wait 0`), so the policy is corrected in the states it reaches there.
    private var lag: ObservationLag
    var oversight = ExpertOversight()
    var executor: ChunkExecutor
    var expert: ScriptedExpert?
    var expertTicks = 0
    var expertStartPhase: ScriptedExpert.Phase = .approach
    var steps = 0
    var settleTicks = 0
    /// Why the expert took over, counted over the whole recording (summary and progress lines).
    private(set) var reasons: [ExpertOversight.Reason: Int] = [:]
    private(set) var episodeReasons: [ExpertOversight.Reason] = []
    var episodeCorrections: [String]? { episodeReasons.map(\.rawValue) }
    var correctionCounts: [String: Int]? { Dictionary(uniqueKeysWithValues: reasons.map { ($0.key.rawValue, $0.value) }) }
    var robotName: String { sim.name }
    var cameras: [CameraSpec] { sim.cameras }
    var facts: [String: String] {
        ["family": sim.episode.family, "target": sim.episode.target, "container": sim.episode.container,
         "policy": label,
         "corrections": episodeReasons.map(\.rawValue).joined(separator: ",")]
    }

    /// `label` names the policy in the episodes' facts (a model path, or a training round).
    init(policy: EmbeddedVLA, label: String, fps: Double, width: Int, height: Int, maxSteps: Int, execution: ChunkExecutor.Mode,
         minimumCorrection: Int, correctionDelay: Int = 0, observationLag: Int = 0) throws {
        do {
            sim = try TabletopSim(config: SimConfig(controlRate: fps, cameraWidth: width, cameraHeight: height, maxSteps: maxSteps), seed: 0)
            try policy.check(cameras: sim.cameras)
        } catch let e as SimError { note("vlaterm: \(e)"); throw ExitStatus.badInput
        } catch { note("vlaterm: policy \(label): \(error)"); throw ExitStatus.badInput }
        self.policy = policy
        executor = ChunkExecutor(mode: execution)
        self.minimumCorrection = minimumCorrection
        self.correctionDelay = correctionDelay
        lag = ObservationLag(ticks: observationLag)
        self.label = label
    }

    convenience init(modelPath: String, fps: Double, width: Int, height: Int, maxSteps: Int, execution: ChunkExecutor.Mode,
                     minimumCorrection: Int, correctionDelay: Int = 0, observationLag: Int = 0) throws {
        let policy: EmbeddedVLA
        do { policy = try EmbeddedVLA.load(url: URL(fileURLWithPath: modelPath)) } catch {
            note("vlaterm record: --corrections \(modelPath): \(error)"); throw ExitStatus.badInput
        }
        try self.init(policy: policy, label: modelPath, fps: fps, width: width, height: height, maxSteps: maxSteps,
                      execution: execution, minimumCorrection: minimumCorrection, correctionDelay: correctionDelay,
                      observationLag: observationLag)
    }

    func reset(seed: UInt64) throws -> String {
        try sim.reset(seed: seed)
        policy.reset(); executor.reset(); oversight.reset()
        expert = nil; steps = 0; settleTicks = 0; episodeReasons = []; pending = nil; lag.reset()
        delayRandom = SeededGenerator(seed: seed ^ 0x6A09_E667_F3BC_C908)
        return sim.episode.instruction
    }

    func step(time: Double) throws -> DemonstrationStep {
        let obs = try sim.observe(time: time)
        steps += 1
        lag.record(obs)
        var intervention = false
        var action: Action
        if var e = expert {
            action = sim.limits.clamp(e.action(for: sim))
            expertTicks += 1
            intervention = true
            // Hand back once the expert has shown a whole stretch and moved past the phase it took over in.
            let handBack = expertTicks >= maximumCorrection || (expertTicks >= minimumCorrection && e.phase != expertStartPhase)
            expert = handBack || e.isDone ? nil : e
            if expert == nil { executor.reset(); policy.reset(); oversight.reset() }
        } else {
            action = try policyAction(obs)
            if let reason = oversight.check(sim, proposed: action) {
                let now = Self.correctedAtOnce.contains(reason) || correctionDelay == 0
                if now || pending == nil {
                    pending = (reason, now ? 0 : Int.random(in: 0...correctionDelay, using: &delayRandom))
                }
            }
            if let p = pending, p.ticksLeft > 0 {
                pending = (p.reason, p.ticksLeft - 1)
            } else if let reason = pending?.reason {
                pending = nil
                var e = ScriptedExpert(resumingFrom: sim)
                expertStartPhase = e.phase
                action = sim.limits.clamp(e.action(for: sim))
                expert = e; expertTicks = 1; intervention = true
                reasons[reason, default: 0] += 1
                episodeReasons.append(reason)
            }
        }
        try sim.send(action)
        if sim.isSuccess() { settleTicks += 1 }
        return DemonstrationStep(observation: obs, action: action, intervention: intervention,
                                 done: settleTicks > 5 || expert?.isDone == true)
    }

    func succeeded() -> Bool { sim.isSuccess() }

    /// Mistakes that harm something if let run: pressing (the console would hold the robot) and dropping the object.
    private static let correctedAtOnce: Set<ExpertOversight.Reason> = [.contactForce, .openOutsideContainer]

    private func policyAction(_ obs: Observation) throws -> Action {
        if executor.needsChunk {
            // The model reads the cameras it was trained on, by name, from the full observation.
            let chunk = try policy.infer(PolicyRequest(id: UInt64(steps), observation: lag.observation ?? obs,
                                                       instruction: sim.episode.instruction, deadline: .infinity))
            executor.accept(lag.aligned(chunk.actions))
        }
        // A model that emits something unusable is corrected like any other mistake: hold, and the expert decides.
        guard let v = executor.nextAction(), v.allSatisfy(\.isFinite), let a = Action(vector: v) else { return .hold(gripper: 1) }
        return sim.limits.clamp(a)
    }
}
