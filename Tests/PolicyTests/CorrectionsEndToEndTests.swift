// `vlaterm record --sim --corrections MODEL` then `vlaterm train --init-from MODEL` through the built binary:
// the shipped policy drives, the scripted expert corrects it, and fine-tuning learns from the corrections only.
import Episodes
import Foundation
import TestSupport
import XCTest

final class CorrectionsEndToEndTests: XCTestCase {
    func testRecordCorrectionsThenFineTuneOnThem() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-corrections-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let model = VLATermProcess.packageRoot.appendingPathComponent("models/default.safetensors").path
        // Seeds 200000-200001: the shipped model needs the expert in both (it closes short of the cylinder in the first).
        let (status, rec) = try VLATermProcess.runJSON(["record", "--sim", "--corrections", model, "--episodes", "2",
                                                         "--session", "fixes", "--root", root, "--seed", "200000",
                                                         "--max-steps", "200", "--json"])
        XCTAssertEqual(status, 0)
        let interventions = try XCTUnwrap(rec["interventionSteps"] as? Int)
        let reasons = try XCTUnwrap(rec["corrections"] as? [String: Int])
        let episodes = try XCTUnwrap(rec["episodes"] as? [[String: Any]])
        XCTAssertEqual(episodes.count, 2)
        let correctedEpisodes = try XCTUnwrap(rec["correctedEpisodes"] as? Int)
        XCTAssertEqual(correctedEpisodes, episodes.filter { ($0["note"] as? String)?.contains("corrected steps") == true }.count,
                       "the count and the episodes' notes agree")
        XCTAssertGreaterThanOrEqual(interventions, 30, "at least one correction of at least --correction-ticks (30) steps")
        XCTAssertEqual(reasons.values.reduce(0, +) * 30 <= interventions, true, "every correction lasts at least 30 ticks")
        for e in episodes where (e["note"] as? String)?.contains("corrected steps") == true {
            XCTAssertTrue(reasons.keys.contains { (e["note"] as! String).contains($0) }, "the note names why: \(e)")
        }

        let out = root + "/tuned.safetensors"
        let (trainStatus, train) = try VLATermProcess.runJSON(["train", "--session", "fixes", "--root", root, "--init-from", model,
                                                                "--out", out, "--steps", "2", "--batch", "4", "--checkpoint-every", "0", "--json"])
        XCTAssertEqual(trainStatus, 0)
        let samples = try XCTUnwrap(train["samples"] as? Int)
        XCTAssertGreaterThan(samples, 0)
        XCTAssertLessThanOrEqual(samples, interventions, "only corrected steps teach, never the policy's own")
        XCTAssertEqual(train["parameters"] as? Int, 498_904, "the shipped model's architecture is kept")

        let (evalStatus, eval) = try VLATermProcess.runJSON(["eval", "--model", out, "--episodes", "1", "--max-steps", "5", "--json"])
        XCTAssertEqual(evalStatus, 0, "the fine-tuned model loads and runs")
        XCTAssertEqual(eval["episodes"] as? Int, 1)
        // The model has the auxiliary head: its first grasp point is scored, and whether it aimed at another object.
        XCTAssertNotNil(eval["mean_grasp_point_error_cm"] as? Double, "\(eval)")
        XCTAssertTrue([0, 1].contains(eval["first_grasp_point_nearer_another_object"] as? Int), "\(eval)")
        // --compare-expert: each chunk's first action next to the scripted expert's, with the expert's phase.
        let traced = try VLATermProcess.run(["eval", "--model", out, "--episodes", "1", "--max-steps", "5", "--compare-expert"])
        XCTAssertEqual(traced.status, 0)
        let rows = traced.stderr.split(separator: "\n").filter { $0.contains(" policy ") && $0.contains(" expert ") }
        XCTAssertEqual(rows.count, 2, "replan:4 over 5 ticks asks for two chunks:\n\(traced.stderr)")
        XCTAssertTrue(rows.allSatisfy { $0.contains("(approach)  hand z ") }, "the expert is still approaching:\n\(traced.stderr)")
        XCTAssertTrue(rows.allSatisfy { $0.contains("cm across from the goal") }, "each row says where hand and object are")
        // --observation-lag 1 (a late chunk's timing): the first chunk is the same, later ones see an older view.
        let lagged = try VLATermProcess.run(["eval", "--model", out, "--episodes", "1", "--max-steps", "9", "--compare-expert",
                                             "--observation-lag", "1"])
        XCTAssertEqual(lagged.status, 0)
        func policyRows(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.contains(" policy ") }.map { String($0.split(separator: "expert")[0]) }
        }
        let prompt = try VLATermProcess.run(["eval", "--model", out, "--episodes", "1", "--max-steps", "9", "--compare-expert"])
        let (p0, p1) = (policyRows(prompt.stderr), policyRows(lagged.stderr))
        XCTAssertEqual(p0.count, 3); XCTAssertEqual(p1.count, 3)
        XCTAssertEqual(p0.first, p1.first, "the first chunk has no older view to use")
        XCTAssertNotEqual(p0.last, p1.last, "later chunks are predicted from the observation a tick older")
        XCTAssertEqual(try VLATermProcess.run(["eval", "--model", out, "--episodes", "1", "--observation-lag", "9"]).status, 2)

        // The same loop inside `train`: one round of one corrected episode, then a little more training.
        let roundArgs = ["train", "--session", "fixes", "--root", root, "--init-from", model, "--out", root + "/round.safetensors",
                         "--steps", "1", "--batch", "4", "--checkpoint-every", "0", "--corrections-rounds", "1", "--correction-delay", "10",
                         "--correction-episodes", "1", "--correction-steps", "2", "--correction-seed", "200000", "--json"]
        let (roundStatus, rounds) = try VLATermProcess.runJSON(roundArgs)
        XCTAssertEqual(roundStatus, 0)
        let round = try XCTUnwrap((rounds["correction_rounds"] as? [[String: Any]])?.first)
        XCTAssertEqual(round["session"] as? String, "round-corrections-1")
        XCTAssertEqual(round["episodes"] as? Int, 1)
        XCTAssertEqual(round["steps"] as? Int, 2)
        XCTAssertEqual(rounds["steps"] as? Int, 3, "1 main step + 2 after the round")
        XCTAssertEqual(round["samples_added"] as? Int ?? -1 >= 0, true)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/round-corrections-1/session.json"))
        XCTAssertEqual(try VLATermProcess.runJSON(roundArgs).status, 2, "never appends to another run's corrections")

        let (badStatus, _) = try VLATermProcess.runJSON(["record", "--sim", "--corrections", root + "/missing.safetensors",
                                                          "--episodes", "1", "--session", "x", "--root", root])
        XCTAssertEqual(badStatus, 2, "a missing model is bad input")
    }

    /// `--correction-delay N`: the policy drives on for a random 0…N ticks past the mistake before the expert steps in.
    /// Same model, seeds and scenes, so until the first mistake both recordings are the same; after it, the delayed
    /// one keeps the policy in control for longer (drawn per correction, seeded by the episode).
    func testACorrectionDelayLetsThePolicyGoOnPastItsMistake() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-delay-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let model = VLATermProcess.packageRoot.appendingPathComponent("models/default.safetensors").path
        // (first corrected step or nil, episode length) for each of 4 episodes
        func firstCorrections(delay: Int) throws -> [(Int?, Int)] {
            try recordCorrections(model: model, root: root, session: "delay\(delay)", episodes: 4, seed: 200000, maxSteps: 160,
                                  ["--correction-delay", "\(delay)"])
                .map { steps in (steps.firstIndex(where: \.intervention), steps.count) }
        }
        let atOnce = try firstCorrections(delay: 0), delayed = try firstCorrections(delay: 40)
        let corrected = (0..<4).filter { atOnce[$0].0 != nil }
        XCTAssertFalse(corrected.isEmpty, "the shipped model needed the expert in none of seeds 200000-200003; choose seeds where it does")
        var later = 0
        for k in corrected {
            let first = atOnce[k].0!
            guard let d = delayed[k].0 else {
                // The episode ended (the policy finished on its own) before the drawn delay ran out.
                XCTAssertLessThanOrEqual(delayed[k].1, first + 41, "episode \(k): a mistake is corrected within N ticks unless the episode ends")
                later += 1
                continue
            }
            XCTAssertGreaterThanOrEqual(d, first, "episode \(k): never earlier than the immediate correction")
            XCTAssertLessThanOrEqual(d, first + 40, "episode \(k): at most N ticks later")
            if d > first { later += 1 }
        }
        XCTAssertGreaterThan(later, 0, "the policy went on past at least one mistake")
        let (bad, _) = try VLATermProcess.runJSON(["record", "--sim", "--corrections", model, "--episodes", "1",
                                                    "--correction-delay", "500", "--session", "x", "--root", root])
        XCTAssertNotEqual(bad, 0, "a delay past 100 ticks is refused")
    }

    /// `record --corrections … --observation-lag 1`: the policy drives with a late chunk's timing (each chunk from
    /// the view a tick old, its first action skipped). The first chunk has no older view, so the first 4 actions match
    /// an unlagged recording; the next chunk's do not.
    func testCorrectionsCanBeRecordedWithALateChunksTiming() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-lag-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let model = VLATermProcess.packageRoot.appendingPathComponent("models/default.safetensors").path
        func actions(lag: Int) throws -> [[Double]] {
            try recordCorrections(model: model, root: root, session: "lag\(lag)", episodes: 1, seed: 7, maxSteps: 12,
                                  ["--observation-lag", "\(lag)"])[0].map(\.action.vector)
        }
        let prompt = try actions(lag: 0), lagged = try actions(lag: 1)
        XCTAssertGreaterThanOrEqual(min(prompt.count, lagged.count), 8)
        XCTAssertEqual(Array(prompt.prefix(4)), Array(lagged.prefix(4)), "the first chunk is the same")
        XCTAssertNotEqual(Array(prompt[4..<8]), Array(lagged[4..<8]), "the second is predicted from an older view")
        let (bad, _) = try VLATermProcess.runJSON(["record", "--sim", "--corrections", model, "--episodes", "1",
                                                    "--observation-lag", "9", "--session", "x", "--root", root])
        XCTAssertNotEqual(bad, 0, "a lag past 8 ticks is refused")
    }

    /// `vlaterm record --sim --corrections MODEL` into a fresh session, then every recorded episode's steps.
    private func recordCorrections(model: String, root: String, session: String, episodes: Int, seed: Int, maxSteps: Int,
                                   _ extra: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [[RecordedStep]] {
        let (status, _) = try VLATermProcess.runJSON(["record", "--sim", "--corrections", model, "--episodes", "\(episodes)",
                                                      "--session", session, "--root", root, "--seed", "\(seed)",
                                                      "--max-steps", "\(maxSteps)", "--json"] + extra)
        XCTAssertEqual(status, 0, file: file, line: line)
        return try (0..<episodes).map { k in
            try EpisodeReader.read(path: root + "/\(session)/" + String(format: "episode-%06d.mcap", k)).steps
        }
    }
}
