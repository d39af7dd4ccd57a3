// Issue 4 end to end: the real binary on the real simulator, driven by a recorded DualShock 4 session
// (`--gamepad-replay`), read back through tmux. The recording is the shipped fixture slowed down 5x so that
// even a slow debug build on a busy machine gets several control ticks inside each recorded gesture.
import Foundation
import XCTest

final class GamepadEndToEndTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InputTests/Fixtures/dualshock4.evemu").path

    /// The fixture with every `E:` timestamp multiplied by `factor` (same events, same order).
    static func slowed(by factor: Double) throws -> String {
        let text = try String(contentsOfFile: fixture, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("E: "), let space = line.dropFirst(3).firstIndex(of: " "),
                  let t = Double(line[line.index(line.startIndex, offsetBy: 3)..<space]) else { return String(line) }
            return "E: " + String(format: "%.6f", t * factor) + line[space...]
        }.joined(separator: "\n")
    }

    static func x(_ screen: String) -> Double? {
        guard let s = ConsoleEndToEndTests.endEffector(screen), let r = s.range(of: #"^x [+-]\d\.\d{3}"#, options: .regularExpression)
        else { return nil }
        return Double(s[r].dropFirst(2))
    }

    func testRecordedPadDrivesTheSimulatedRobotThenInputLostHolds() throws {
        guard let tmuxPath = ConsoleEndToEndTests.findTmux() else { throw XCTSkip("tmux is not installed") }
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: ConsoleEndToEndTests.binary), "build the binary first (swift build)")
        let replay = NSTemporaryDirectory() + "vlaterm-pad-e2e-\(getpid()).evemu"
        try Self.slowed(by: 5).write(toFile: replay, atomically: true, encoding: .utf8)
        defer { unlink(replay) }
        let t = ConsoleEndToEndTests.Tmux(tmux: tmuxPath)
        defer { t.kill() }
        try t.run(["new-session", "-d", "-s", t.session, "-x", "160", "-y", "50",
                   "env TERM=screen-256color LANG=C.UTF-8 \(ConsoleEndToEndTests.binary) --render ascii --seed 2 --gamepad-replay \(replay)"])
        let start = try t.waitFor("the console with the gamepad panel", timeout: 30) { $0.contains("keymap DualShock 4") && Self.x($0) != nil }
        let x0 = try XCTUnwrap(Self.x(start))
        // The recording ends after ~5.3 s: the pad is reported lost and the banner says so.
        let lost = try t.waitFor("INPUT LOST", timeout: 40) { $0.contains("INPUT LOST: gamepad gone, holding") }
        let x1 = try XCTUnwrap(Self.x(lost))
        XCTAssertGreaterThan(x1, x0 + 0.005, "left stick fully up with the deadman held drives +x (\(x0) → \(x1))")
        usleep(500_000)
        let later = try t.capture()
        XCTAssertEqual(Self.x(later), x1, "after the loss the robot holds")
        try t.keys("Q")
    }
}
