// End to end through the built binary: record the simulator's expert, replay its actions on the simulator,
// export it. Checks exit codes and JSON, the contract other tools rely on.
import Foundation
import XCTest
@testable import Episodes

final class CommandTests: XCTestCase {
    func testRecordSimExpertReplayOnRobotAndExport() throws {
        let vlaterm = CrashTests.vlaterm
        guard FileManager.default.isExecutableFile(atPath: vlaterm) else { throw XCTSkip("\(vlaterm) not built") }
        let root = try Fixtures.tempDir()
        var (status, out, err) = try Fixtures.run(vlaterm, ["record", "--sim", "--expert", "--episodes", "1", "--session", "e2e",
                                                            "--root", root, "--seed", "2", "--size", "32x24", "--json"])
        XCTAssertEqual(status, 0, err)
        let rec = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(rec["dropped"] as? Int, 0)
        let steps = try XCTUnwrap(rec["steps"] as? Int)
        XCTAssertGreaterThan(steps, 10)

        (status, out, err) = try Fixtures.run(vlaterm, ["replay", "e2e", "0", "--root", root, "--on-robot", "--json"])
        XCTAssertEqual(status, 0, err)
        let rep = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(rep["steps"] as? Int, steps)
        let replay = try XCTUnwrap(rep["replay"] as? [String: Any])
        XCTAssertEqual(replay["success"] as? Bool, replay["recordedSuccess"] as? Bool, "same seed, same actions, same outcome")
        XCTAssertEqual(replay["endEffectorError"] as? Double ?? 1, 0, accuracy: 1e-6)

        (status, _, err) = try Fixtures.run(vlaterm, ["replay", "e2e", "7", "--root", root])
        XCTAssertEqual(status, 2, "unknown episode is bad input: \(err)")
        XCTAssertTrue(err.contains("no episode 7"))

        (status, out, err) = try Fixtures.run(vlaterm, ["export", "e2e", "--format", "lerobot", "--root", root, "--out", root + "/ds", "--json"])
        XCTAssertEqual(status, 0, err)
        let exp = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(exp["frames"] as? Int, steps, "export at the recording rate keeps every step")
        (status, _, _) = try Fixtures.run(vlaterm, ["export", "e2e", "--format", "lerobot", "--root", root, "--out", root + "/ds"])
        XCTAssertEqual(status, 2, "refuses to overwrite without --overwrite")
    }
}
