// Promise 9: hostile keymap and evemu files give an error, never a crash or a hang. Seeded mutations of the
// shipped files must either parse or throw the module's own error type.
import XCTest
@testable import Input
import RobotKit

final class HostileInputTests: XCTestCase {
    func mutations(of text: String, count: Int, seed: UInt64) -> [String] {
        var rng = SeededGenerator(seed: seed)
        let bytes = Array(text.utf8)
        let alphabet = Array("[]=\"'#.,:-+0123456789abcdefxABS_BTN \n\t\r\\{}~".utf8)
        return (0..<count).map { _ in
            var b = bytes
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                guard !b.isEmpty else { break }
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: b[i] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                case 1: b.remove(at: i)
                case 2: b.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], at: i)
                default: b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...40, using: &rng)))
                }
            }
            return String(decoding: b, as: UTF8.self)
        }
    }

    func testMutatedKeymapsParseOrFailWithFileLine() throws {
        let text = try String(contentsOfFile: TestPaths.keymaps + "/dualshock4.toml", encoding: .utf8)
        var failures = 0
        for m in mutations(of: text, count: 400, seed: 7) {
            do { _ = try Keymap.parse(text: m, file: "m.toml") } catch let e as KeymapError {
                failures += 1
                XCTAssertFalse(e.issues.isEmpty)
                XCTAssertTrue(e.issues.allSatisfy { $0.file == "m.toml" && $0.line >= 0 })
            }
        }
        XCTAssertGreaterThan(failures, 100, "most mutations must be caught")
    }

    func testMutatedEvemuFilesParseOrFailWithFileLine() throws {
        let text = try String(contentsOfFile: TestPaths.fixture("xbox-one-series.evemu"), encoding: .utf8)
        var failures = 0
        for m in mutations(of: text, count: 300, seed: 11) {
            do {
                let r = try EvemuParser.parse(text: m, file: "m.evemu")
                // Whatever parsed must also build a libevdev device and replay without trouble.
                let t = GamepadTeleop(source: try ReplayGamepadSource(recording: r, label: "m"), library: shippedLibrary())
                for i in 0...30 { _ = t.poll(now: Double(i) * 0.05) }
            } catch let e as EvemuParseError {
                failures += 1
                XCTAssertEqual(e.file, "m.evemu")
            }
        }
        XCTAssertGreaterThan(failures, 50)
    }
}
