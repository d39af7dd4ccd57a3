import Foundation
import XCTest

/// `vlaterm run` on the real binary and the MuJoCo simulator: a clean run succeeds; every injected fault raises its
/// exception, ends in a hold and then a stop (nobody answers), and no unsafe command reaches the robot.
final class HeadlessRunEndToEndTests: XCTestCase {
    static let vlaterm = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/vlaterm").path

    func run(_ args: [String]) throws -> (Int32, [String: Any]) {
        guard FileManager.default.isExecutableFile(atPath: Self.vlaterm) else {
            throw XCTSkip("\(Self.vlaterm) not built (swift build builds it)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.vlaterm)
        p.arguments = ["run", "put the red cube in the bin", "--json", "--takeover-budget", "1", "--max-seconds", "20"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (p.terminationStatus, obj)
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
                     ("gamepad-unplug@1", "inputDeviceLost"), ("drop-object@2.2", "objectDropped")]
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

    func testBadInjectionIsBadInput() throws {
        let (status, _) = try run(["--inject", "meteor@3"])
        XCTAssertEqual(status, 2)
    }
}
