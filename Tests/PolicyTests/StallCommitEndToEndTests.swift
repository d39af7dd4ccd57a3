import Foundation
import TestSupport
import XCTest

/// The shipped model dithers over the bin on some layouts: each chunk plans the release 5–8 actions ahead and
/// re-planning every 4 cuts it off (models/README.md). `--commit-after-stall` (on by default in eval, run and the
/// console) runs the next chunk whole after 30 actions that went nowhere. Fixed checks: both paths are deterministic.
final class StallCommitEndToEndTests: XCTestCase {
    var model: String { VLATermProcess.packageRoot.appendingPathComponent("models/default.safetensors").path }

    /// Seed 5013 ("move the red cylinder to the bin") is one such layout: it hovers to the step limit without the rule
    /// and lets go into the bin with it.
    func testEvalReleasesAHoverThatReplanningAloneHoldsForever() throws {
        guard FileManager.default.fileExists(atPath: model) else { throw XCTSkip("no shipped model at \(model)") }
        let base = ["eval", "--model", model, "--episodes", "1", "--seed", "5013", "--max-steps", "200", "--json"]
        let (status, on) = try VLATermProcess.runJSON(base)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(on["commit_after_stall"] as? Int, 30, "the default")
        XCTAssertEqual(on["successes"] as? Int, 1, "\(on)")
        XCTAssertGreaterThanOrEqual(on["stall_commits"] as? Int ?? 0, 1)

        let (_, off) = try VLATermProcess.runJSON(base + ["--commit-after-stall", "0"])
        XCTAssertEqual(off["successes"] as? Int, 0, "without the rule the hover never ends: \(off)")
        XCTAssertEqual(off["stall_commits"] as? Int, 0)
        XCTAssertEqual(try VLATermProcess.run(["eval", "--commit-after-stall", "-1"]).status, 2)
    }

    /// `vlaterm run` executes chunks through the supervisor: the same rule reaches it from the flag (seed 10 stalls
    /// once on the way and succeeds either way), and 0 turns it off.
    func testRunAppliesTheRuleThroughTheSupervisor() throws {
        guard FileManager.default.fileExists(atPath: model) else { throw XCTSkip("no shipped model at \(model)") }
        let base = ["run", "put the red cube in the bin", "--json", "--seed", "10", "--max-seconds", "20", "--in-tick-wait", "1"]
        let (_, on) = try VLATermProcess.runJSON(base, environment: ["VLATERM_MODEL": model])
        XCTAssertGreaterThanOrEqual(on["stall_commits"] as? Int ?? 0, 1, "\(on["log"] ?? "")")
        XCTAssertTrue(((on["log"] as? [String]) ?? []).contains { $0.contains("went nowhere") })
        let (_, off) = try VLATermProcess.runJSON(base + ["--commit-after-stall", "0"], environment: ["VLATERM_MODEL": model])
        XCTAssertEqual(off["stall_commits"] as? Int, 0)
        XCTAssertEqual(try VLATermProcess.run(["run", "x", "--commit-after-stall", "-3"]).status, 2)
    }
}
