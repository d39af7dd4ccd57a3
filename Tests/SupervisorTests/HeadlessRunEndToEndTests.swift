import Episodes
import Foundation
import RobotKit
import TestSupport
import XCTest

/// `vlaterm run` on the real binary and the MuJoCo simulator: a clean run succeeds; every injected fault raises its
/// exception, ends in a hold and then a stop (nobody answers), and no unsafe command reaches the robot.
final class HeadlessRunEndToEndTests: XCTestCase {
    /// The scripted expert unless `args` names another policy: fault tests need a policy that would otherwise succeed.
    func run(_ args: [String], instruction: String = "put the red cube in the bin") throws -> (Int32, [String: Any]) {
        let policy = args.contains("--policy") ? [] : ["--policy", "expert"]
        return try VLATermProcess.runJSON(["run", instruction, "--json", "--takeover-budget", "1", "--max-seconds", "20"] + policy + args)
    }

    func testACleanRunSucceedsUnderSupervision() throws {
        let (status, r) = try run([])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(r["success"] as? Bool, true)
        XCTAssertEqual((r["exceptions"] as? [Any])?.count, 0)
        XCTAssertGreaterThan(r["autonomy_commands"] as? Int ?? 0, 20)
        XCTAssertEqual(r["unsafe_commands"] as? Int, 0)
    }

    func testEveryInjectedFaultRaisesItsExceptionAndEndsInAStop() throws {
        let cases = [("policy-nan@1", "nonFiniteAction"), ("camera-freeze@1", "frozenCamera"), ("policy-stall@1", "missedDeadline"),
                     ("gamepad-unplug@1", "inputDeviceLost"), ("drop-object@2.2", "objectDropped"),
                     ("push-object@0.5", "objectPushed")]
        for (fault, kind) in cases {
            let (status, r) = try run(["--inject", fault])
            let kinds = (r["exceptions"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            XCTAssertEqual(kinds.first, kind, fault)
            XCTAssertEqual(kinds.last, "takeoverUnanswered", "\(fault): unanswered → stop")
            XCTAssertEqual(r["final_mode"] as? String, "estop", fault)
            XCTAssertEqual(r["unsafe_commands"] as? Int, 0, fault)
            XCTAssertEqual(r["commands_after_first_exception"] as? Int, 0, "\(fault): the exception holds the robot")
            XCTAssertEqual(status, 1, fault)
        }
    }

    /// The shipped model (models/default.safetensors) drives `vlaterm run` — its default policy — under the same
    /// supervision as the console, and completes the README's example, "put the red cube in the bin", in at least two
    /// of seeds 0–2. Runs are deterministic (the simulator pauses while the model thinks), so these are fixed checks,
    /// not a lottery; two of three rather than one seed, because any model fails some layouts (the shipped one is held
    /// for contact force on seed 0) and the success rate over many seeds is `vlaterm eval`'s job (models/README.md).
    /// A run that does not succeed must still end safely: no unsafe command, and nothing sent after its exception.
    func testTheBuiltInModelCompletesPickPlaceUnderSupervision() throws {
        let model = VLATermProcess.packageRoot.appendingPathComponent("models/default.safetensors").path
        guard FileManager.default.fileExists(atPath: model) else { throw XCTSkip("no shipped model at \(model)") }
        var successes = 0
        for seed in 0...2 {
            // A debug build takes ~25 ms a chunk: a 1 s wait gives it the release build's timing (1–5 ms, on time).
            let (status, r) = try VLATermProcess.runJSON(["run", "put the red cube in the bin", "--json", "--seed", "\(seed)",
                                                          "--takeover-budget", "1", "--max-seconds", "20", "--in-tick-wait", "1"])
            XCTAssertEqual(r["policy"] as? String, "embedded", "run's default policy is the built-in model: \(r)")
            XCTAssertEqual(r["unsafe_commands"] as? Int, 0, "seed \(seed)")
            XCTAssertEqual(r["commands_after_first_exception"] as? Int, 0, "seed \(seed)")
            guard r["success"] as? Bool == true else { continue }
            successes += 1
            XCTAssertEqual(status, 0, "seed \(seed)")
            XCTAssertEqual((r["exceptions"] as? [Any])?.count, 0, "seed \(seed): \(r["exceptions"] ?? [])")
            XCTAssertGreaterThan(r["inference_requests"] as? Int ?? 0, 5, "seed \(seed)")
            XCTAssertGreaterThan(r["autonomy_commands"] as? Int ?? 0, 20, "seed \(seed): the model's actions drove the robot")
            XCTAssertEqual(r["chunks_on_time"] as? Int, r["inference_requests"] as? Int, "seed \(seed): every chunk within its tick")
        }
        XCTAssertGreaterThanOrEqual(successes, 2, "successes on seeds 0-2")
    }

    /// The built-in model's chunks are answered inside the tick (`inTickReplyWait`): a stalled model misses that wait
    /// (counted as a late chunk) and then its deadline; NaN actions are rejected. Either way the robot holds, and stops
    /// when nobody takes over.
    func testTheBuiltInModelsInTickChunksSurviveStallsAndNaN() throws {
        let model = VLATermProcess.packageRoot.appendingPathComponent("models/default.safetensors").path
        guard FileManager.default.fileExists(atPath: model) else { throw XCTSkip("no shipped model at \(model)") }
        // At 0.6 s the hand is still on its way down to the object (nothing to press on yet).
        for (fault, kind) in [("policy-stall@0.6", "missedDeadline"), ("policy-nan@0.6", "nonFiniteAction")] {
            let (status, r) = try run(["--inject", fault, "--policy", "embedded", "--in-tick-wait", "1", "--seed", "1"])
            let kinds = (r["exceptions"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            XCTAssertEqual(kinds.first, kind, fault)
            XCTAssertEqual(r["final_mode"] as? String, "estop", fault)
            XCTAssertEqual(r["unsafe_commands"] as? Int, 0, fault)
            XCTAssertEqual(r["commands_after_first_exception"] as? Int, 0, "\(fault): the exception holds the robot")
            XCTAssertEqual(status, 1, fault)
            XCTAssertGreaterThanOrEqual(r["chunks_on_time"] as? Int ?? 0, 2, "\(fault): chunks came within the tick before it")
            XCTAssertEqual(r["chunks_late"] as? Int, fault.hasPrefix("policy-stall") ? 1 : 0, fault)
        }
        // --in-tick-wait 0: the never-wait timing (each chunk from the tick after its observation), nothing in-tick.
        let (_, r) = try run(["--policy", "embedded", "--in-tick-wait", "0", "--max-seconds", "3"])
        XCTAssertEqual(r["chunks_on_time"] as? Int, 0)
        XCTAssertEqual(r["chunks_late"] as? Int, 0)
        XCTAssertGreaterThan(r["autonomy_commands"] as? Int ?? 0, 20)
        XCTAssertEqual(r["unsafe_commands"] as? Int, 0)
    }

    /// A shove while the target is pinched in the fingers may not move it at all (the grasp holds): then the run
    /// goes on; if it does, the simulator's predicates report a push or a drop. Either way nothing unsafe is sent.
    func testPushObjectWhileGraspedEndsInSuccessOrItsOwnExceptionNeverAnUnsafeCommand() throws {
        for at in ["1.5", "2.2"] {
            let (status, r) = try run(["--inject", "push-object@" + at])
            let kinds = (r["exceptions"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            let log = (r["log"] as? [String]) ?? []
            XCTAssertTrue(log.contains { $0.contains("INJECT push-object") }, "the fault fired at \(at)")
            XCTAssertTrue(r["success"] as? Bool == true || ["objectPushed", "objectDropped"].contains(kinds.first ?? ""),
                          "push@\(at): recovers, or the push/drop predicate holds the robot: \(kinds)")
            XCTAssertEqual(r["unsafe_commands"] as? Int, 0)
            XCTAssertEqual(r["commands_after_first_exception"] as? Int, 0)
            XCTAssertEqual(status, r["success"] as? Bool == true ? 0 : 1)
        }
    }

    /// Issue 7: grab the stick mid-run (an evemu recording of a DualShock 4: deadman + stick at 0.5 s into the replay,
    /// which starts 1 s into the run), and find the correction in the recorded episode.
    func testATakeoverFromAnEvemuReplayIsRecordedAsIntervention() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let replay = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("InputTests/Fixtures/dualshock4.evemu").path
        let (_, r) = try run(["--gamepad-replay", replay, "--gamepad-replay-start", "1", "--record", "takeover", "--root", root])
        XCTAssertGreaterThan(r["interventions"] as? Int ?? 0, 0)
        let episode = try EpisodeReader.read(path: root + "/takeover/episode-000000.mcap")
        let flagged = episode.steps.filter(\.intervention)
        XCTAssertEqual(flagged.count, r["interventions"] as? Int, "every human step during the run is flagged")
        XCTAssertTrue(flagged.allSatisfy { $0.source == .teleop })
        guard let first = episode.steps.firstIndex(where: \.intervention) else { return XCTFail("no intervention step recorded") }
        XCTAssertGreaterThan(first, 10, "the policy drove first")
        XCTAssertTrue(episode.steps[..<first].allSatisfy { $0.source == .autonomy || $0.source == .none })
        XCTAssertTrue(episode.steps[..<first].contains { $0.source == .autonomy })
        // Bumpless: the first human step moves by at most one tick's limit from where the policy left the arm.
        XCTAssertLessThanOrEqual(abs(episode.steps[first].action.dx), 0.02 + 1e-12)
        XCTAssertEqual(episode.steps[first].action.gripper, episode.steps[first - 1].action.gripper, accuracy: 1e-9,
                       "the gripper does not jump when the human takes over")
    }

    func testBadInjectionIsBadInput() throws {
        let (status, _) = try run(["--inject", "meteor@3"])
        XCTAssertEqual(status, 2)
        XCTAssertEqual(try run(["--in-tick-wait", "-1"]).0, 2)
        XCTAssertEqual(try run(["--in-tick-wait", "nan"]).0, 2)
    }
}
