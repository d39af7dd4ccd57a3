import Foundation
@testable import Input
import RobotKit

/// Paths relative to this test target and the repository (found through #filePath, never the CWD).
enum TestPaths {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDir.appendingPathComponent("Fixtures").path
    static let repoRoot = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static let keymaps = repoRoot.appendingPathComponent("keymaps").path

    static func fixture(_ name: String) -> String { fixtures + "/" + name }
}

/// The shipped keymaps, without any user folder.
func shippedLibrary() -> KeymapLibrary { KeymapLibrary.load(shipped: TestPaths.keymaps, user: nil) }

/// A source the test scripts by hand: each entry is delivered when the clock reaches its time.
final class ScriptedSource: GamepadEventSource {
    let label = "scripted"
    private var script: [(Double, GamepadInput)]
    init(_ script: [(Double, GamepadInput)]) { self.script = script }
    func read(until now: Double) -> [GamepadInput] {
        var out: [GamepadInput] = []
        while let first = script.first, first.0 <= now { out.append(first.1); script.removeFirst() }
        return out
    }
}

/// Shorthands for building event streams.
func key(_ t: Double, _ code: UInt16, _ v: Int32) -> GamepadInput { .event(RawInputEvent(time: t, type: EvdevCodes.evKey, code: code, value: v)) }
func abs(_ t: Double, _ code: UInt16, _ v: Int32) -> GamepadInput { .event(RawInputEvent(time: t, type: EvdevCodes.evAbs, code: code, value: v)) }
func syn(_ t: Double) -> GamepadInput { .event(RawInputEvent(time: t, type: EvdevCodes.evSyn, code: EvdevCodes.synReport, value: 0)) }
func dropped(_ t: Double) -> GamepadInput { .event(RawInputEvent(time: t, type: EvdevCodes.evSyn, code: EvdevCodes.synDropped, value: 0)) }

func code(_ name: String) -> UInt16 { EvdevCodes.code(named: name)?.code ?? 0xffff }
