import Foundation
import XCTest
import RobotKit
import TestSupport
@testable import Policy

/// `vlaterm run --policy openpi://…` against a loopback openpi server: remote actions go through the same
/// supervisor checks as local ones, and a hostile server never gets an unsafe command to the robot.
final class RemoteRunEndToEndTests: XCTestCase {
    /// An openpi server whose first two replies are a gentle chunk, then `bad` rows (LIBERO 7-D).
    func server(bad: [Float]) -> LoopbackServer {
        LoopbackServer { conn, _ in
            guard (try? conn.acceptWebSocket()) != nil else { return }
            conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("action_horizon"), .int(2))])))
            var n = 0
            while (try? conn.readMessage()) != nil {
                n += 1
                let row: [Float] = n <= 2 ? [0.1, 0, 0, 0, 0, 0, -1] : bad
                conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("actions"), ndarrayF32([row, row]))])))
            }
        }
    }

    func run(port: Int) throws -> [String: Any] {
        try VLATermProcess.runJSON(["run", "put the red cube in the bin", "--policy", "openpi://127.0.0.1:\(port)", "--json",
                                    "--takeover-budget", "1", "--max-seconds", "10"]).json
    }

    func testHostileRemoteActionsNeverReachTheRobot() throws {
        // NaN is refused by the client itself (policy failed); 10 × 0.05 m = 0.5 m per tick is refused by the
        // supervisor's range check (beyond 5 × the 2 cm limit).
        for (bad, kind) in [([Float.nan, 0, 0, 0, 0, 0, -1], "policyFailed"), ([10, 0, 0, 0, 0, 0, -1], "outOfRangeAction")] {
            let s = server(bad: bad)
            let r = try run(port: s.port)
            let kinds = (r["exceptions"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            XCTAssertEqual(kinds.first, kind, "\(bad)")
            XCTAssertEqual(r["autonomy_commands"] as? Int, 4, "the two good chunks ran: \(r)")
            XCTAssertEqual(r["unsafe_commands"] as? Int, 0)
            XCTAssertEqual(r["commands_after_first_exception"] as? Int, 0)
            XCTAssertEqual(r["final_mode"] as? String, "estop")
            s.stop()
        }
    }

    /// console, run and eval share the remote-link flags: the API key from --api-key-env reaches the server from run
    /// and eval, and a bad --mapping file is bad input (exit 2) for all three, console included.
    func testRemotePolicyFlagsWorkTheSameForConsoleRunAndEval() throws {
        let seen = Box<[String: String]>([:])
        let s = LoopbackServer { conn, _ in
            guard let headers = try? conn.acceptWebSocket() else { return }
            seen.set(headers)
            conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("action_horizon"), .int(2))])))
            while (try? conn.readMessage()) != nil {
                let row: [Float] = [0.01, 0, 0, 0, 0, 0, -1]
                conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("actions"), ndarrayF32([row, row]))])))
            }
        }
        defer { s.stop() }
        let url = "openpi://127.0.0.1:\(s.port)"
        let key = ["--api-key-env", "VLATERM_TEST_API_KEY"], env = ["VLATERM_TEST_API_KEY": "sekret-\(s.port)"]
        for args in [["run", "put the red cube in the bin", "--max-seconds", "0.5"], ["eval", "--episodes", "1", "--max-steps", "3"]] {
            seen.set([:])
            let (_, r) = try VLATermProcess.runJSON(args + ["--policy", url, "--json"] + key, environment: env)
            XCTAssertFalse(r.isEmpty, "\(args[0]) reported")
            XCTAssertEqual(seen.get()["authorization"], "Api-Key sekret-\(s.port)", "\(args[0]) sent the key")
        }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-mapping-\(s.port).json").path
        for args in [["console"], ["run", "put the red cube in the bin"], ["eval", "--episodes", "1"]] {
            let (status, _) = try VLATermProcess.runJSON(args + ["--policy", url, "--mapping", missing])
            XCTAssertEqual(status, 2, "\(args[0]) --mapping of a missing file is bad input")
        }
    }

    /// `vlaterm eval --policy openpi://…` runs the same closed loop as for the built-in model: a well-behaved server
    /// drives every step of each episode; a server sending NaN gets no step executed (the episode fails, no crash).
    func testEvalRunsARemotePolicyThroughTheSameLoop() throws {
        for (row, steps) in [([Float](arrayLiteral: 0.01, 0, 0, 0, 0, 0, -1), 20.0), ([Float.nan, 0, 0, 0, 0, 0, -1], 0.0)] {
            let s = LoopbackServer { conn, _ in
                guard (try? conn.acceptWebSocket()) != nil else { return }
                conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("action_horizon"), .int(2))])))
                while (try? conn.readMessage()) != nil {
                    conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("actions"), ndarrayF32([row, row]))])))
                }
            }
            defer { s.stop() }
            let r = try VLATermProcess.runJSON(["eval", "--policy", "openpi://127.0.0.1:\(s.port)", "--episodes", "2",
                                                "--max-steps", "20", "--json"]).json
            XCTAssertEqual(r["model"] as? String, "openpi://127.0.0.1:\(s.port)", "\(r)")
            XCTAssertEqual(r["episodes"] as? Int, 2)
            XCTAssertEqual(r["mean_steps"] as? Double, steps, "\(row): \(r)")
            XCTAssertEqual(r["successes"] as? Int, 0)
        }
    }
}
