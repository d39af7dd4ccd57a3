import Foundation
import XCTest
import RobotKit
@testable import Policy

/// `vlaterm run --policy openpi://…` against a loopback openpi server: remote actions go through the same
/// supervisor checks as local ones, and a hostile server never gets an unsafe command to the robot.
final class RemoteRunEndToEndTests: XCTestCase {
    static let vlaterm = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/vlaterm").path

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
        guard FileManager.default.isExecutableFile(atPath: Self.vlaterm) else { throw XCTSkip("\(Self.vlaterm) not built") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.vlaterm)
        p.arguments = ["run", "put the red cube in the bin", "--policy", "openpi://127.0.0.1:\(port)", "--json",
                       "--takeover-budget", "1", "--max-seconds", "10"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
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

    /// `vlaterm eval --policy openpi://…` runs the same closed loop as for the built-in model: a well-behaved server
    /// drives every step of each episode; a server sending NaN gets no step executed (the episode fails, no crash).
    func testEvalRunsARemotePolicyThroughTheSameLoop() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.vlaterm) else { throw XCTSkip("\(Self.vlaterm) not built") }
        for (row, steps) in [([Float](arrayLiteral: 0.01, 0, 0, 0, 0, 0, -1), 20.0), ([Float.nan, 0, 0, 0, 0, 0, -1], 0.0)] {
            let s = LoopbackServer { conn, _ in
                guard (try? conn.acceptWebSocket()) != nil else { return }
                conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("action_horizon"), .int(2))])))
                while (try? conn.readMessage()) != nil {
                    conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("actions"), ndarrayF32([row, row]))])))
                }
            }
            defer { s.stop() }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Self.vlaterm)
            p.arguments = ["eval", "--policy", "openpi://127.0.0.1:\(s.port)", "--episodes", "2", "--max-steps", "20", "--json"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let r = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            XCTAssertEqual(r["model"] as? String, "openpi://127.0.0.1:\(s.port)", "\(r)")
            XCTAssertEqual(r["episodes"] as? Int, 2)
            XCTAssertEqual(r["mean_steps"] as? Double, steps, "\(row): \(r)")
            XCTAssertEqual(r["successes"] as? Int, 0)
        }
    }
}
