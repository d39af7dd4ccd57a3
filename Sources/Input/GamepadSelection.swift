// What `--gamepad auto|none|/dev/input/eventN` and `--gamepad-replay FILE` mean, in one place, so the
// console and `vlaterm run` wire the pad the same way.

public enum GamepadSelection: Sendable, Equatable {
    case none
    /// The first gamepad in /dev/input; re-plug picks the same pad (by ids) or the next gamepad.
    case auto
    case path(String)
    /// An evemu recording replayed with its own timing on the given clock.
    case replay(String)

    /// `--gamepad-replay` wins over `--gamepad`.
    public init(gamepad: String?, replay: String?) {
        if let replay { self = .replay(replay); return }
        switch gamepad ?? "auto" {
        case "none", "off": self = .none
        case "auto", "": self = .auto
        case let p: self = .path(p)
        }
    }

    /// Builds the teleop for this selection (nil for `.none`). Throws `EvemuParseError` for a bad recording
    /// (exit 2 in commands); a missing or unreadable live device is not an error: the status says why.
    public func makeTeleop(library: KeymapLibrary, keymap: Keymap? = nil, grab: Bool = false) throws -> GamepadTeleop? {
        let source: GamepadEventSource
        switch self {
        case .none: return nil
        case .auto: source = LiveGamepadSource(path: nil, grab: grab)
        case .path(let p): source = LiveGamepadSource(path: p, grab: grab)
        case .replay(let file):
            let rec = try EvemuParser.parse(fileAt: file)
            source = try ReplayGamepadSource(recording: rec, label: "replay: \(file)")
        }
        return GamepadTeleop(source: source, library: library, keymap: keymap)
    }
}
