// The gamepad as a console teleop source (issue 4): polls `Input.GamepadTeleop` on the control thread and
// offers its status line, its keymap for the help overlay, and a live panel of raw and mapped values so an
// operator can check a pad before driving. `GamepadAlertHook` puts INPUT LOST in the banner while the pad is gone.
import Foundation
import Input
import RobotKit
import TerminalUI

public final class GamepadSource: TeleopSource, @unchecked Sendable {
    // @unchecked: `teleop` and `lastView` are only touched with `lock` held.
    public let name = "gamepad"
    private let lock = NSLock()
    private let teleop: GamepadTeleop
    private var lastView: GamepadView

    public init(teleop: GamepadTeleop) {
        self.teleop = teleop
        lastView = teleop.view
    }

    public func poll(now: Double) -> TeleopPoll {
        lock.lock(); defer { lock.unlock() }
        let t = teleop.poll(now: now)
        lastView = teleop.view
        return TeleopPoll(command: t.action.command, events: t.events)
    }

    public var view: GamepadView { lock.lock(); defer { lock.unlock() }; return lastView }

    /// Where input comes from (`auto`, `/dev/input/event5`, `replay: pad.evemu`).
    public var teleopLabel: String { view.source }

    public func status() -> DeviceStatus {
        let v = view
        switch v.status {
        case .lost: return DeviceStatus(name: "gamepad", status: "INPUT LOST", role: .bad)
        case .none: return DeviceStatus(name: "gamepad", status: v.problem.map { "none (\($0))" } ?? "none", role: .dim)
        case .connected:
            let state: String
            switch v.phase {
            case .moving: state = "driving"
            case .waitingForNeutral: state = "centre sticks, release deadman"
            default: state = "ready"
            }
            return DeviceStatus(name: "gamepad", status: "\(v.deviceName ?? "pad"): \(state)", role: v.phase == .moving ? .good : .text)
        }
    }

    public func help() -> HelpSection {
        lock.lock(); defer { lock.unlock() }
        guard let k = teleop.currentKeymap else {
            return HelpSection(title: "gamepad", note: "no pad or no keymap yet; see `vlaterm devices`", rows: [])
        }
        var rows: [(keys: String, action: String)] = []
        for a in MotionAxis.allCases {
            guard let b = k.axes[a] else { continue }
            rows.append((keys: b.codeName + (b.invert ? " (inverted)" : ""), action: a == .gripper ? "gripper (pull to close)" : "move \(a.rawValue)"))
        }
        for c in ButtonControl.allCases {
            let t = k.triggers(for: c)
            if !t.isEmpty { rows.append((keys: t.map(\.name).joined(separator: " "), action: c.rawValue.replacingOccurrences(of: "_", with: " "))) }
        }
        return HelpSection(title: "gamepad: \(k.name)", note: "motion only while the deadman is held", rows: rows)
    }

    public func panel() -> PanelContent? {
        let v = view
        guard v.status != .none else { return nil }
        func bar(_ x: Double) -> String {
            let n = 10, filled = Int((abs(x) * Double(n)).rounded())
            let side = String(repeating: "=", count: filled) + String(repeating: " ", count: n - filled)
            return x < 0 ? "[" + String(side.reversed()) + "|" + String(repeating: " ", count: n) + "]"
                         : "[" + String(repeating: " ", count: n) + "|" + side + "]"
        }
        var lines: [[Span]] = [[Span(v.deviceName ?? "pad", .title)], [Span("keymap ", .dim), Span(v.keymapName ?? "none", .text)]]
        if v.status == .lost { lines.append([Span("INPUT LOST", .bad), Span(" " + (v.problem ?? ""), .dim)]) }
        let m = v.mapped
        for (label, value) in [("x", m.linear.x), ("y", m.linear.y), ("z", m.linear.z), ("yaw", m.yaw)] {
            lines.append([Span(label.padding(toLength: 4, withPad: " ", startingAt: 0), .key), Span(bar(value) + String(format: " %+.2f", value == 0 ? 0 : value))])
        }
        if let g = m.gripperAnalog { lines.append([Span("grip", .key), Span(String(format: " %.2f open", g))]) }
        lines.append([Span("deadman ", .key), Span(m.pressed.contains(.deadman) ? "HELD" : "up", m.pressed.contains(.deadman) ? .good : .dim)])
        let raw = v.axes.map { "\($0.code.replacingOccurrences(of: "ABS_", with: "")) \($0.raw)" }.joined(separator: "  ")
        if !raw.isEmpty { lines.append([Span(raw, .dim)]) }
        if !v.pressedKeys.isEmpty { lines.append([Span(v.pressedKeys.joined(separator: " "), .accent)]) }
        return PanelContent(title: "gamepad", lines: lines)
    }
}

/// Shows INPUT LOST in the banner while the pad is gone (and clears only the alert it set); when a pad
/// connects with a different keymap, refreshes the gamepad section of the help overlay.
public final class GamepadAlertHook: ConsoleTickHook {
    private let source: GamepadSource
    private let model: ConsoleModel?
    private var showing = false
    private var helpFor: String?
    public static let text = "INPUT LOST: gamepad gone, holding"

    public init(source: GamepadSource, model: ConsoleModel? = nil) { self.source = source; self.model = model }

    public func beforeSend(_ ctx: inout TickContext) throws {
        let view = source.view
        if let model, let k = view.keymapName, k != helpFor {
            helpFor = k
            let section = source.help()
            model.update { s in
                if let i = s.help.firstIndex(where: { $0.title.hasPrefix("gamepad") }) { s.help[i] = section }
                else { s.help.insert(section, at: min(1, s.help.count)) }
            }
        }
        let lost = view.status == .lost
        if lost, ctx.alert == nil || ctx.alert == Self.text {
            if !showing { ctx.log.append(LogLine(time: ctx.now, text: "gamepad: INPUT LOST (\(source.view.problem ?? "gone"))", role: .bad)) }
            ctx.alert = Self.text; showing = true
        } else if !lost, showing {
            if ctx.alert == Self.text { ctx.alert = nil }
            ctx.log.append(LogLine(time: ctx.now, text: "gamepad: connected; centre the sticks and press the deadman", role: .text))
            showing = false
        }
    }
}
