// End to end: the real `vlaterm` binary on the real simulator inside tmux, read back with capture-pane the
// way a user would see it. Polls the pane with a deadline (the binary runs on its own clock; there is
// nothing to inject across a process boundary).
import Foundation
import XCTest

final class ConsoleEndToEndTests: XCTestCase {
    /// A private tmux server (own socket), so the test never touches the user's sessions.
    final class Tmux {
        let socket = "vlaterm-e2e-\(getpid())"
        let session = "e2e"
        let tmux: String

        init(tmux: String) { self.tmux = tmux }

        /// Runs tmux and returns its stdout. posix_spawn + waitpid rather than Foundation.Process: the tmux
        /// server that new-session forks inherits the child's descriptors, which can keep Process waiting.
        @discardableResult
        func run(_ args: [String]) throws -> String {
            let path = NSTemporaryDirectory() + "\(socket)-\(UUID().uuidString).out"
            defer { unlink(path) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = [tmux, "-L", socket, "-f", "/dev/null"] + args
            var cargs = argv.map { strdup($0) } + [nil]
            defer { for a in cargs { free(a) } }
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, tmux, &actions, nil, &cargs, environ)
            guard rc == 0 else { throw NSError(domain: "tmux", code: Int(rc)) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }

        func capture() throws -> String { try run(["capture-pane", "-p", "-t", session]) }
        func keys(_ k: String...) throws { try run(["send-keys", "-t", session] + k) }
        func format(_ f: String) throws -> String {
            try run(["display-message", "-p", "-t", session, f]).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Captures until `predicate` holds or `timeout` seconds pass; returns the last capture.
        func waitFor(_ what: String, timeout: Double = 10, _ predicate: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            while Date() < deadline {
                last = try capture()
                if predicate(last) { return last }
                usleep(50_000)
            }
            XCTFail("timed out waiting for \(what); screen was:\n\(last)")
            return last
        }

        func kill() { _ = try? run(["kill-server"]) }
    }

    static func findTmux() -> String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let binary: String = {
        // Tests/ConsoleTests/ThisFile.swift → package root → .build/debug/vlaterm
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/vlaterm").path
    }()

    /// The end-effector line of the robot panel, e.g. "x +0.330 y +0.000 z +0.240".
    static func endEffector(_ screen: String) -> String? {
        guard let r = screen.range(of: #"x [+-]\d\.\d{3} y [+-]\d\.\d{3} z [+-]\d\.\d{3}"#, options: .regularExpression) else { return nil }
        return String(screen[r])
    }

    /// The camera area: the first rows, left of the sidebar.
    static func thumbnails(_ screen: String, width: Int) -> String {
        screen.split(separator: "\n", omittingEmptySubsequences: false).prefix(16)
            .map { String($0.unicodeScalars.prefix(width)) }.joined(separator: "\n")
    }

    func testDriveResizeAndQuitRestoresTheTerminal() throws {
        guard let tmuxPath = Self.findTmux() else { throw XCTSkip("tmux is not installed") }
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.binary),
                      "build the binary first (swift build): \(Self.binary)")
        let t = Tmux(tmux: tmuxPath)
        defer { t.kill() }
        let pidFile = NSTemporaryDirectory() + "vlaterm-e2e-\(getpid()).pid"
        try t.run(["new-session", "-d", "-s", t.session, "-x", "80", "-y", "24",
                   "env PS1='E2E-PROMPT$ ' TERM=screen-256color LANG=C.UTF-8 bash --norc --noprofile"])
        _ = try t.waitFor("the shell prompt") { $0.contains("E2E-PROMPT$") }
        try t.keys("sh -c 'echo $$ > \(pidFile); exec \(Self.binary) --render ascii --seed 2'", "Enter")

        // Start: banner, thumbnails and the end-effector readout at 80x24.
        let first = try t.waitFor("the console") { $0.contains("[ IDLE ]") && Self.endEffector($0) != nil && $0.contains("front") }
        XCTAssertEqual(try t.format("#{alternate_on}"), "1", "the console runs on the alternate screen")
        let ee0 = try XCTUnwrap(Self.endEffector(first))
        let thumbs0 = Self.thumbnails(first, width: 48)
        XCTAssertTrue(first.contains("overhead") || first.contains("wrist"), "at least two cameras at 80x24:\n\(first)")

        // Drive: forward and down (keys are held by repeating them, as a terminal's auto-repeat does).
        for _ in 0..<6 { try t.keys("w"); usleep(60_000) }
        for _ in 0..<6 { try t.keys("f"); usleep(60_000) }
        let moved = try t.waitFor("the end effector to move", timeout: 15) {
            guard let ee = Self.endEffector($0) else { return false }
            return ee != ee0 && Self.thumbnails($0, width: 48) != thumbs0
        }
        XCTAssertTrue(moved.contains("TELEOP") || moved.contains("IDLE"))

        // Resize: the layout follows, all three cameras at 120x40.
        try t.run(["resize-window", "-t", t.session, "-x", "120", "-y", "40"])
        let big = try t.waitFor("the 120x40 layout") { s in
            let rows = s.split(separator: "\n", omittingEmptySubsequences: false)
            return rows.count >= 40 && s.contains("front") && s.contains("overhead") && s.contains("wrist")
                && (rows.first.map { $0.hasSuffix("Q:quit") && $0.unicodeScalars.count >= 119 } ?? false)
        }
        XCTAssertNotNil(Self.endEffector(big))

        // Help overlay lists the keyboard bindings from the keymap table.
        try t.keys("?")
        _ = try t.waitFor("the help overlay") { $0.contains("keyboard teleop") && $0.contains("STOP (latches)") }
        try t.keys("?")

        // Quit: alternate screen left, message printed, prompt back.
        try t.keys("Q")
        let after = try t.waitFor("the shell prompt after quit") { $0.contains("console closed") && $0.contains("E2E-PROMPT$") }
        XCTAssertFalse(after.contains("[ IDLE ]"), "the console's screen is gone")
        XCTAssertEqual(try t.format("#{alternate_on}"), "0")

        /// Starts the console (its pid in `pidFile`), sends `signal` from outside, expects the tty restored.
        func signalRestoresTheTerminal(_ signal: Int32, _ name: String) throws {
            try t.keys("clear; sh -c 'echo $$ > \(pidFile); exec \(Self.binary) --render ascii'", "Enter")
            _ = try t.waitFor("the console before \(name)") { $0.contains("[ IDLE ]") }
            let pid = try XCTUnwrap(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            Foundation.kill(pid, signal)
            _ = try t.waitFor("the prompt after \(name)") { $0.contains("closed by signal \(signal)") && $0.contains("E2E-PROMPT$") }
            XCTAssertEqual(try t.format("#{alternate_on}"), "0", "\(name) leaves the alternate screen")
        }

        // SIGTERM takes the same way out.
        try signalRestoresTheTerminal(SIGTERM, "SIGTERM")

        // Ctrl-C in the terminal (SIGINT from the tty) too.
        try t.keys("clear; \(Self.binary) --render ascii", "Enter")
        _ = try t.waitFor("the console a third time") { $0.contains("[ IDLE ]") }
        try t.keys("C-c")
        _ = try t.waitFor("the prompt after Ctrl-C") { $0.contains("closed by signal 2") && $0.contains("E2E-PROMPT$") }
        XCTAssertEqual(try t.format("#{alternate_on}"), "0")

        // SIGHUP (the SSH connection dropped) restores the tty as well.
        try signalRestoresTheTerminal(SIGHUP, "SIGHUP")

        // A terminal without cursor addressing gets a clear refusal, not a scrolling mess.
        try t.keys("clear; TERM=dumb \(Self.binary); echo exit=$?", "Enter")
        // Wait for the printed status, not the typed "exit=$?" that is on the screen at once.
        let dumb = try t.waitFor("the refusal on TERM=dumb") { $0.range(of: #"exit=[0-9]"#, options: .regularExpression) != nil }
        XCTAssertTrue(dumb.contains("cannot position the cursor") && dumb.contains("exit=1"), dumb)
        try? FileManager.default.removeItem(atPath: pidFile)
    }
}
