import RobotKit
import XCTest
@testable import Supervisor

/// `commitAfterStall`: the supervisor executes a chunk whole after the policy's actions went nowhere, as
/// `vlaterm eval` does, and only the policy's own uninterrupted motion counts.
final class StallCommitTests: XCTestCase {
    let still = Array(repeating: [0.0, 0, 0, 0, 0], count: 6)

    func config() -> SupervisorConfiguration {
        var cfg = SupervisorConfiguration()
        cfg.actionsPerChunk = 2
        cfg.commitAfterStall = StallRule(window: 4, distance: 0.005)
        return cfg
    }

    let go = Array(repeating: [0.01, 0, 0, 0, 1.0], count: 6)

    /// Answers request i with `rows(i)`; returns how many actions each chunk ran (the chunk's executable length).
    func chunkLengths(_ h: inout Harness, rows: [[Double]], chunks: Int) -> [Int] { chunkLengths(&h, chunks: chunks) { _ in rows } }

    func chunkLengths(_ h: inout Harness, chunks: Int, rows: (Int) -> [[Double]]) -> [Int] {
        var lengths: [Int] = []
        while lengths.count < chunks {
            let out = h.tick()
            if let id = out.requestIds.first {
                _ = h.sup.policyReply(requestId: id, actions: rows(lengths.count))
                lengths.append(h.sup.chunkPosition.count)
            }
        }
        return lengths
    }

    func testAStalledPolicysNextChunkRunsWholeAndIsLogged() {
        var h = Harness(config())
        h.startAutonomy(still)
        XCTAssertEqual(h.sup.chunkPosition.count, 2)
        // Chunks of 2: after 4 still actions the next chunk runs all 6. Still again, so the next runs whole too (it
        // moves, but the window saw only still actions); after its 6 moving actions re-planning cuts at 2 again.
        XCTAssertEqual(chunkLengths(&h, chunks: 5) { $0 < 2 ? self.still : self.go }, [2, 6, 6, 2, 2])
        XCTAssertEqual(h.sup.stallCommits, 2)

        var moving = Harness(config())
        moving.startAutonomy(go)
        XCTAssertEqual(chunkLengths(&moving, rows: go, chunks: 4), [2, 2, 2, 2], "a policy that moves re-plans every 2")
        XCTAssertEqual(moving.sup.stallCommits, 0)

        var off = Harness({ var c = config(); c.commitAfterStall = nil; return c }())
        off.startAutonomy(still)
        XCTAssertEqual(chunkLengths(&off, rows: still, chunks: 4), [2, 2, 2, 2], "nil never commits")
    }

    func testAHumanTakingOverStartsTheWindowAgain() {
        var h = Harness(config())
        h.startAutonomy(still)
        XCTAssertEqual(h.ticks(2).flatMap(\.sends).count, 2, "two still actions of the policy")
        // Take over and hand back: the policy's actions before the takeover no longer count.
        _ = h.sup.teleop(TeleopCommand(linear: SIMD3(1, 0, 0), deadman: true))
        _ = h.tick()
        _ = h.sup.teleop(TeleopCommand(deadman: false))
        _ = h.tick()
        _ = h.sup.operatorEvent(.handBack)
        XCTAssertEqual(h.sup.mode, .autonomy)
        let before = h.sup.stallCommits
        XCTAssertEqual(chunkLengths(&h, rows: still, chunks: 3), [2, 2, 6], "a whole new window of the policy's own actions")
        XCTAssertEqual(h.sup.stallCommits, before + 1)
    }

    func testTheLogSaysWhy() {
        var h = Harness(config())
        h.startAutonomy(still)
        var logs: [String] = []
        for _ in 0..<8 {
            let out = h.tick()
            if let id = out.requestIds.first { logs += h.sup.policyReply(requestId: id, actions: still).logs }
        }
        XCTAssertTrue(logs.contains { $0.contains("went nowhere") && $0.contains("6 actions") }, "\(logs)")
    }
}
