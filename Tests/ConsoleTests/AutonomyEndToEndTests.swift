// End to end: type an instruction in the real console, press Enter, watch the scripted expert drive the
// simulated arm under the supervisor, then press a movement key and see TAKEOVER. Uses --policy expert so the
// test does not depend on a trained model. Reuses the tmux driver of ConsoleEndToEndTests.
import Foundation
import Policy
import XCTest

final class AutonomyEndToEndTests: XCTestCase {
    func testTypedInstructionStartsAutonomyAndAMovementKeyTakesOver() throws {
        guard let tmuxPath = ConsoleEndToEndTests.findTmux() else { throw XCTSkip("tmux is not installed") }
        let binary = ConsoleEndToEndTests.binary
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary), "build the binary first (swift build): \(binary)")
        let t = ConsoleEndToEndTests.Tmux(tmux: tmuxPath)
        defer { t.kill() }
        try t.run(["new-session", "-d", "-s", t.session, "-x", "100", "-y", "30",
                   "env TERM=screen-256color LANG=C.UTF-8 \(binary) --render ascii --seed 2 --policy expert"])
        let first = try t.waitFor("the console") { $0.contains("[ IDLE ]") && ConsoleEndToEndTests.endEffector($0) != nil }
        let ee0 = try XCTUnwrap(ConsoleEndToEndTests.endEffector(first))

        // Type a new instruction: i, clear the line, the text, Enter.
        try t.keys("i")
        try t.run(["send-keys", "-t", t.session] + Array(repeating: "BSpace", count: 80))
        try t.keys("-l", "put the red cube in the bin")
        try t.keys("Enter")
        let auto = try t.waitFor("AUTONOMY with the end effector moving", timeout: 15) {
            $0.contains("[ AUTONOMY ]") && ConsoleEndToEndTests.endEffector($0).map { $0 != ee0 } == true
        }
        XCTAssertTrue(auto.contains("put the red cube"), "the instruction stays visible:\n\(auto)")
        XCTAssertTrue(auto.contains("Autonomy") && auto.contains("inference"), "policy timing panel:\n\(auto)")

        // A movement key during autonomy: the operator has the robot.
        try t.keys("a")
        let took = try t.waitFor("TAKEOVER", timeout: 10) { $0.contains("[ TAKEOVER ]") }
        XCTAssertTrue(took.contains("operator has control"), took)
        try t.keys("Q")
        _ = try t.waitFor("the console to close") { !$0.contains("[ TAKEOVER ]") }
    }
}

/// The built-in policy path: a real EmbeddedVLA file (random weights, so no claim about success) loaded by the
/// console through $VLATERM_MODEL with the real MiniLM encoder; Enter starts autonomy with it.
final class EmbeddedPolicyConsoleEndToEndTests: XCTestCase {
    func testConsoleLoadsTheBuiltInModelAndStartsAutonomyWithIt() throws {
        guard let tmuxPath = ConsoleEndToEndTests.findTmux() else { throw XCTSkip("tmux is not installed") }
        let dir = NSTemporaryDirectory() + "vlaterm-embedded-e2e-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let modelPath = dir + "/random.safetensors"
        try VLAModelFile.save(VLANetwork(config: VLAConfig(), seed: 7), to: URL(fileURLWithPath: modelPath))
        let t = ConsoleEndToEndTests.Tmux(tmux: tmuxPath)
        defer { t.kill() }
        try t.run(["new-session", "-d", "-s", t.session, "-x", "100", "-y", "30",
                   "env TERM=screen-256color LANG=C.UTF-8 VLATERM_MODEL=\(modelPath) \(ConsoleEndToEndTests.binary) --render ascii --seed 2"])
        let first = try t.waitFor("the console with the built-in policy", timeout: 20) { $0.contains("[ IDLE ]") && $0.contains("policy embedded") }
        XCTAssertFalse(first.contains("unavailable"), first)
        try t.keys("Enter")
        _ = try t.waitFor("autonomy with the built-in model", timeout: 20) { $0.contains("IDLE → AUTONOMY") || $0.contains("[ AUTONOMY ]") }
        try t.keys("Q")
    }
}
