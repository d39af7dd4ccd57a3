// The gamepad as the console and `vlaterm run` see it: poll once per control tick, get at most one
// command plus the operator events, and read status and live values for the display.
// Source (real or replay) → frame assembler → keymap → deadman state machine: one path for both.
import RobotKit

/// One axis for the live "check your pad" view.
public struct AxisReading: Sendable, Equatable {
    public var code: String
    public var raw: Int32
    public var minimum: Int32
    public var maximum: Int32
}

/// Everything the console shows about the pad.
public struct GamepadView: Sendable, Equatable {
    public var status: InputStatus
    public var phase: TeleopStateMachine.Phase
    public var deviceName: String?
    public var keymapName: String?
    public var source: String
    /// A problem worth showing (no keymap matched, permission denied, keymap misses codes).
    public var problem: String?
    public var axes: [AxisReading]
    public var pressedKeys: [String]
    public var mapped: MappedControls
    /// Time of the newest complete frame (source clock), nil before the first.
    public var lastFrameTime: Double?
}

public final class GamepadTeleop {
    public let source: GamepadEventSource
    public let library: KeymapLibrary
    private let forcedKeymap: Keymap?
    private var assembler = GamepadFrameAssembler()
    private var machine = TeleopStateMachine()
    private var device: InputDeviceInfo?
    private var keymap: Keymap?
    private var lastFrame: GamepadFrame?
    private var mapped = MappedControls()
    private var problem: String?

    /// `keymap` forces one keymap (e.g. `--keymap FILE`); otherwise the library picks per device.
    public init(source: GamepadEventSource, library: KeymapLibrary, keymap: Keymap? = nil) {
        self.source = source; self.library = library; self.forcedKeymap = keymap
    }

    public var status: InputStatus { machine.status }

    /// The keymap in use for the current (or last) pad.
    public var currentKeymap: Keymap? { keymap }

    /// Read everything up to `now`, then decide this tick's command. Call once per control tick.
    public func poll(now: Double) -> TeleopTick {
        for input in source.read(until: now) { handle(input) }
        return machine.tick()
    }

    private func handle(_ input: GamepadInput) {
        switch assembler.handle(input) {
        case .none:
            break
        case .connected(let info):
            device = info
            lastFrame = nil
            mapped = MappedControls()
            if let k = forcedKeymap ?? library.match(info)?.keymap {
                keymap = k
                let missing = k.missingCodes(on: info)
                problem = missing.isEmpty ? nil : "keymap \(k.name) uses codes this pad lacks: \(missing.joined(separator: ", "))"
                machine.deviceConnected(usesGripperToggle: k.axes[.gripper] == nil && !k.triggers(for: .gripperToggle).isEmpty)
            } else {
                // Without a keymap nothing can move: stay "lost" so the console says why.
                keymap = nil
                problem = "no keymap matches \(info.name) (\(info.id)); try `vlaterm keymap import-sdl`"
                machine.deviceLost()
            }
        case .frame(let f):
            lastFrame = f
            guard let keymap, let device else { return }
            mapped = keymap.map(f, device: device)
            machine.frame(mapped)
        case .lost(let reason):
            problem = reason
            mapped = MappedControls()
            machine.deviceLost()
        }
    }

    public var view: GamepadView {
        var axes: [AxisReading] = []
        var keys: [String] = []
        if let device {
            for code in device.sortedAxisCodes {
                guard let info = device.axes[code] else { continue }
                axes.append(AxisReading(code: EvdevCodes.name(type: EvdevCodes.evAbs, code: code),
                                        raw: lastFrame?.axes[code] ?? info.value, minimum: info.minimum, maximum: info.maximum))
            }
            keys = (lastFrame?.keys ?? [:]).filter { $0.value != 0 }.keys.sorted()
                .map { EvdevCodes.name(type: EvdevCodes.evKey, code: $0) }
        }
        return GamepadView(status: status, phase: machine.phase, deviceName: device?.name, keymapName: keymap?.name,
                           source: source.label, problem: problem, axes: axes, pressedKeys: keys, mapped: mapped,
                           lastFrameTime: lastFrame?.time)
    }
}
