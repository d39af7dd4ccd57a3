import ArgumentParser
import Foundation
import Policy
import RobotKit
import Supervisor

/// `vlaterm bench supervisor`: what supervision costs the control tick, and how fast a human takes over.
struct BenchSupervisorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervisor",
        abstract: "Time the supervisor per tick (target ≤ 0.5 ms) and measure takeover latency in ticks (target: next tick).",
        discussion: """
        Tick overhead: an autonomous run at 20 Hz on three 96x72 cameras, every tick summarising the observation \
        (hashing each frame for the frozen-camera check), stepping the supervisor, and answering each inference \
        request at once through the same reply path (inference itself excluded). Also times the PolicyRunner's \
        thread hand-off (submit → reply) with a policy that returns immediately.

        Takeover latency: many autonomous runs, each interrupted at a random tick by deadman + stick; counts the \
        ticks until the first human command is sent (1 = the very next tick).

        Build with `swift build -c release` first. Example: .build/release/vlaterm bench supervisor --json
        """
    )

    @Option(help: "Control ticks timed for the overhead figure.")
    var ticks = 20_000

    @Option(help: "Random takeovers for the latency figure.")
    var takeovers = 2_000

    @Option(help: "Seed for the random takeover times and stick values.")
    var seed: UInt64 = 1

    @Flag(help: "Print one JSON object on stdout instead of text on stderr.")
    var json = false

    struct Report: Codable {
        var ticks: Int
        var tick_median_ms: Double
        var tick_p99_ms: Double
        var tick_without_frame_hash_median_ms: Double
        var runner_handoff_median_ms: Double
        var takeovers: Int
        /// ticks from the pad event to the first human command → how many takeovers took that long
        var takeover_latency_ticks: [String: Int]
        var takeover_latency_max_ticks: Int
    }

    func validate() throws {
        guard (100...10_000_000).contains(ticks) else { throw ValidationError("--ticks must be 100...10000000") }
        guard (1...1_000_000).contains(takeovers) else { throw ValidationError("--takeovers must be 1...1000000") }
    }

    func run() throws {
        let withHash = timeTicks(hashFrames: true)
        let withoutHash = timeTicks(hashFrames: false)
        let handoff = timeRunnerHandoff()
        let latency = takeoverLatencies()
        var histogram: [String: Int] = [:]
        for l in latency { histogram[String(l), default: 0] += 1 }
        let report = Report(ticks: ticks, tick_median_ms: median(withHash), tick_p99_ms: percentile(withHash, 0.99),
                            tick_without_frame_hash_median_ms: median(withoutHash), runner_handoff_median_ms: median(handoff),
                            takeovers: latency.count, takeover_latency_ticks: histogram,
                            takeover_latency_max_ticks: latency.max() ?? -1)
        if json { try printJSON(report); return }
        note(String(format: "supervisor tick (3 cameras 96x72, frame hashing included): median %.4f ms, p99 %.4f ms over %d ticks",
                    report.tick_median_ms, report.tick_p99_ms, ticks))
        note(String(format: "supervisor tick without frame hashing: median %.4f ms", report.tick_without_frame_hash_median_ms))
        note(String(format: "PolicyRunner hand-off (submit → reply, zero-cost policy): median %.4f ms", report.runner_handoff_median_ms))
        note("takeover latency over \(latency.count) random takeovers: \(histogram.sorted { $0.key < $1.key }.map { "\($0.key) tick(s): \($0.value)" }.joined(separator: ", "))")
    }

    /// Three cameras whose pixels change every tick, like a moving scene.
    func observation(_ t: Int, frames: inout [String: Frame]) -> Observation {
        for name in ["front", "overhead", "wrist"] {
            frames[name]?.sequence = UInt64(t)
            frames[name]?.pixels[(t * 31) % (96 * 72 * 3)] &+= 1
        }
        let state = RobotState(jointPositions: [0, 0.3, -0.2, 0, 0, 0], jointVelocities: [0, 0, 0, 0, 0, 0],
                               endEffector: Pose(position: SIMD3(0.4 + Double(t % 100) * 0.001, 0, 0.2)), gripper: 1)
        return Observation(time: Double(t) * 0.05, state: state, frames: frames)
    }

    func timeTicks(hashFrames: Bool) -> [Double] {
        let clock = ManualClock(0)
        var sup = Supervisor(configuration: SupervisorConfiguration(), clock: clock)
        var frames: [String: Frame] = [:]
        for name in ["front", "overhead", "wrist"] { frames[name] = Frame(width: 96, height: 72) }
        _ = sup.submitInstruction("put the red cube in the bin")
        let wall = MonotonicClock()
        var times: [Double] = []
        times.reserveCapacity(ticks)
        let chunk = (0..<8).map { i in [0.005, -0.002 * Double(i % 3), 0.001, 0.01, 1.0] }
        for t in 0..<(ticks + 200) {
            clock.advance(by: 0.05)
            let obs = observation(t, frames: &frames)
            let t0 = wall.now()
            let summary = hashFrames ? TickSummary(observation: obs)
                : TickSummary(cameras: obs.frames.keys.sorted().map { CameraStamp(name: $0, sequence: UInt64(t), contentHash: UInt64(t)) },
                              endEffector: obs.state.endEffector.position, gripper: obs.state.gripper, jointPositions: obs.state.jointPositions)
            let out = sup.tick(summary)
            for case .requestInference(let id, _, _) in out { _ = sup.policyReply(requestId: id, actions: chunk) }
            let dt = (wall.now() - t0) * 1000
            if t >= 200 { times.append(dt) }
            if sup.mode != .autonomy { _ = sup.operatorEvent(.handBack) }
        }
        return times
    }

    final class InstantPolicy: Policy {
        let name = "instant"
        let chunkSize = 1
        func reset() {}
        func infer(_ r: PolicyRequest) throws -> ActionChunk { ActionChunk(actions: [[0, 0, 0, 0, 1]]) }
    }

    func timeRunnerHandoff() -> [Double] {
        let clock = MonotonicClock()
        let runner = PolicyRunner(policy: InstantPolicy(), clock: clock)
        defer { runner.shutdown() }
        let obs = Observation(time: 0, state: RobotState(jointPositions: [], jointVelocities: [], endEffector: Pose(position: .zero), gripper: 1), frames: [:])
        var times: [Double] = []
        for i in 0..<2_000 {
            let t0 = clock.now()
            runner.submit(PolicyRequest(id: UInt64(i), observation: obs, instruction: "x", deadline: t0 + 5))
            var got: [PolicyReply] = []
            while got.isEmpty { got = runner.waitForReplies(timeout: 1) }
            if i >= 100 { times.append((clock.now() - t0) * 1000) }
        }
        return times
    }

    func takeoverLatencies() -> [Int] {
        var rng = SeededGenerator(seed: seed)
        var out: [Int] = []
        for _ in 0..<takeovers {
            let clock = ManualClock(0)
            var sup = Supervisor(configuration: SupervisorConfiguration(), clock: clock)
            _ = sup.submitInstruction("pick")
            let runTicks = Int.random(in: 1...60, using: &rng)
            var seq: UInt64 = 0
            func summary() -> TickSummary {
                seq += 1
                return TickSummary(cameras: [CameraStamp(name: "front", sequence: seq, contentHash: seq)],
                                   endEffector: SIMD3(0.4, 0, 0.2 + Double(seq % 50) * 0.001), gripper: 1)
            }
            for _ in 0..<runTicks {
                clock.advance(by: 0.05)
                for case .requestInference(let id, _, _) in sup.tick(summary()) {
                    _ = sup.policyReply(requestId: id, actions: [[0.01, 0, 0, 0, 1], [0.01, 0, 0, 0, 1], [0.01, 0, 0, 0, 1]])
                }
            }
            // The human grabs the pad between two ticks.
            let stick = SIMD3(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), 0)
            _ = sup.teleop(TeleopCommand(linear: stick, deadman: true))
            var latency = -1
            for k in 1...10 {
                clock.advance(by: 0.05)
                if sup.tick(summary()).contains(where: { if case .send(_, .teleop, _) = $0 { true } else { false } }) { latency = k; break }
                _ = sup.teleop(TeleopCommand(linear: stick, deadman: true))
            }
            out.append(latency)
        }
        return out
    }

}
