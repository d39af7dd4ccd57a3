// Keyboard teleop, the fallback when no gamepad is present.
//
// Terminals send key presses and auto-repeats but never key releases. So a key counts as held for a short
// window after its last press: long enough after the first press to bridge the terminal's auto-repeat delay
// (typically 250-600 ms), short after each repeat so motion stops soon after the key is let go. Time comes
// from the caller (an injected clock), so the semantics are tested without sleeping.
import RobotKit

/// A key as the console receives it (after curses decoding).
public enum KeyboardKey: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end, enter, escape, backspace, tab, delete
    case function(Int)

    /// How the help overlay names it.
    public var label: String {
        switch self {
        case .char(" "): "space"
        case .char(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .tab: "Tab"
        case .delete: "Del"
        case .function(let n): "F\(n)"
        }
    }
}

/// One of the four motion axes a key can push.
public enum TeleopAxis: Int, Sendable, CaseIterable { case x, y, z, yaw }

/// What a key does.
public enum KeyboardControl: Hashable, Sendable {
    /// Push `axis` in direction `sign` (+1 / -1) while held.
    case move(TeleopAxis, Int)
    case gripperToggle
    case operatorEvent(OperatorEvent)
}

public struct KeyboardBinding: Sendable, Equatable {
    public var keys: [KeyboardKey]
    public var control: KeyboardControl
    public var help: String
    public init(_ keys: [KeyboardKey], _ control: KeyboardControl, _ help: String) {
        self.keys = keys; self.control = control; self.help = help
    }
}

/// The keyboard keymap: a table of bindings (data, listed as-is by the help overlay).
public struct KeyboardKeymap: Sendable, Equatable {
    public var bindings: [KeyboardBinding]
    public init(bindings: [KeyboardBinding]) { self.bindings = bindings }

    public func control(for key: KeyboardKey) -> KeyboardControl? {
        bindings.first { $0.keys.contains(key) }?.control
    }

    /// Keys bound to more than one control (a keymap error worth reporting).
    public var duplicateKeys: [KeyboardKey] {
        var seen = Set<KeyboardKey>(), dup: [KeyboardKey] = []
        for b in bindings { for k in b.keys { if !seen.insert(k).inserted { dup.append(k) } } }
        return dup
    }

    /// Rows for the help overlay: keys joined by " / ", then what they do.
    public var helpRows: [(keys: String, action: String)] {
        bindings.map { ($0.keys.map(\.label).joined(separator: " "), $0.help) }
    }

    /// WASD + R/F for translation, Q/E for yaw, arrows as an alternative, space to stop.
    public static let standard = KeyboardKeymap(bindings: [
        KeyboardBinding([.char("w"), .up], .move(.x, +1), "move +x (away)"),
        KeyboardBinding([.char("s"), .down], .move(.x, -1), "move -x (towards)"),
        KeyboardBinding([.char("a"), .left], .move(.y, +1), "move +y (left)"),
        KeyboardBinding([.char("d"), .right], .move(.y, -1), "move -y (right)"),
        KeyboardBinding([.char("r"), .pageUp], .move(.z, +1), "move up (+z)"),
        KeyboardBinding([.char("f"), .pageDown], .move(.z, -1), "move down (-z)"),
        KeyboardBinding([.char("q")], .move(.yaw, +1), "yaw left"),
        KeyboardBinding([.char("e")], .move(.yaw, -1), "yaw right"),
        KeyboardBinding([.char("g")], .gripperToggle, "gripper open / close"),
        KeyboardBinding([.char("+"), .char("=")], .operatorEvent(.speedUp), "faster"),
        KeyboardBinding([.char("-")], .operatorEvent(.speedDown), "slower"),
        KeyboardBinding([.char(" ")], .operatorEvent(.stop), "STOP (latches)"),
        KeyboardBinding([.char("R")], .operatorEvent(.rearm), "re-arm after a stop"),
        KeyboardBinding([.char("p")], .operatorEvent(.pauseToggle), "pause / resume"),
        KeyboardBinding([.char("t")], .operatorEvent(.takeOver), "take over from the policy (any move key does too)"),
        KeyboardBinding([.char("h")], .operatorEvent(.handBack), "hand back to the policy, same instruction"),
        KeyboardBinding([.char("c")], .operatorEvent(.recordToggle), "record: start / stop an episode (--session)"),
        KeyboardBinding([.char("y")], .operatorEvent(.markSuccess), "end the episode as a success"),
        KeyboardBinding([.char("n")], .operatorEvent(.markFailure), "end the episode as a failure"),
        KeyboardBinding([.char("x")], .operatorEvent(.discard), "discard the episode being recorded"),
    ])
}

/// What a key press did.
public enum KeyPressResult: Equatable, Sendable {
    case motion, gripper, event(OperatorEvent), unbound
}

public struct KeyboardTeleop: Sendable {
    public let keymap: KeyboardKeymap
    /// Seconds a first press counts as held (bridges the terminal's auto-repeat delay).
    public let initialHold: Double
    /// Seconds each auto-repeat extends the hold.
    public let repeatHold: Double

    /// Per axis: direction and until when it is held.
    private var held: [TeleopAxis: (sign: Int, until: Double)] = [:]
    private var gripperTarget: Double?
    private var pendingEvents: [OperatorEvent] = []

    public init(keymap: KeyboardKeymap = .standard, initialHold: Double = 0.5, repeatHold: Double = 0.15) {
        self.keymap = keymap; self.initialHold = initialHold; self.repeatHold = repeatHold
    }

    /// The help note explaining the hold window.
    public var holdNote: String {
        "terminals send no key-up: a key moves while held, stopping \(ms(repeatHold)) after its last repeat (\(ms(initialHold)) after a single tap)"
    }
    private func ms(_ s: Double) -> String { "\(Int((s * 1000).rounded())) ms" }

    /// Handles one key press (or auto-repeat) at time `now`.
    @discardableResult
    public mutating func press(_ key: KeyboardKey, at now: Double) -> KeyPressResult {
        guard let control = keymap.control(for: key) else { return .unbound }
        switch control {
        case .move(let axis, let sign):
            // A press of the same direction while still held is an auto-repeat; anything else starts fresh.
            let repeating = held[axis].map { $0.sign == sign && $0.until >= now } ?? false
            held[axis] = (sign, now + (repeating ? repeatHold : initialHold))
            return .motion
        case .gripperToggle:
            gripperTarget = (gripperTarget ?? 1) > 0.5 ? 0 : 1
            return .gripper
        case .operatorEvent(let e):
            if e == .stop { held.removeAll() }          // the stop key also drops every held key at once
            pendingEvents.append(e)
            return .event(e)
        }
    }

    /// Sets the gripper target the next toggle flips from (e.g. the robot's current opening).
    public mutating func syncGripper(_ opening: Double) { if gripperTarget == nil { gripperTarget = opening > 0.5 ? 1 : 0 } }

    /// Drops every held key (focus moved to the instruction line, device switch, …).
    public mutating func releaseAll() { held.removeAll() }

    /// The command at `now`: held axes at full deflection, expired holds dropped. Holding any motion key is
    /// the keyboard's deadman.
    public mutating func command(at now: Double) -> TeleopCommand {
        held = held.filter { $0.value.until > now }
        func v(_ a: TeleopAxis) -> Double { Double(held[a]?.sign ?? 0) }
        return TeleopCommand(linear: SIMD3(v(.x), v(.y), v(.z)), yaw: v(.yaw), gripper: gripperTarget,
                             deadman: !held.isEmpty)
    }

    /// Operator events pressed since the last call, in order.
    public mutating func takeEvents() -> [OperatorEvent] {
        defer { pendingEvents.removeAll() }
        return pendingEvents
    }
}
