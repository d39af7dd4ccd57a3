// Where human commands come from. The keyboard is one source; the gamepad (issue 4) adds another by
// conforming to `TeleopSource`. The control thread polls every source once per tick.
import Foundation
import Input
import RobotKit
import TerminalUI

/// One source's contribution to a tick.
public struct TeleopPoll: Sendable, Equatable {
    /// The command to act on this tick, or nil for "nothing from me".
    public var command: TeleopCommand?
    /// Discrete operator events since the previous poll, in order.
    public var events: [OperatorEvent]
    public init(command: TeleopCommand? = nil, events: [OperatorEvent] = []) { self.command = command; self.events = events }
}

public protocol TeleopSource: AnyObject {
    var name: String { get }
    /// Called on the control thread once per tick.
    func poll(now: Double) -> TeleopPoll
    /// The status line for the input panel (thread-safe: called from the control thread).
    func status() -> DeviceStatus
    /// This source's bindings for the help overlay.
    func help() -> HelpSection
    /// An optional live-values panel (e.g. mapped gamepad axes).
    func panel() -> PanelContent?
}

extension TeleopSource {
    public func panel() -> PanelContent? { nil }
}

/// The keyboard as a teleop source: the UI thread feeds key presses, the control thread polls.
public final class KeyboardSource: TeleopSource, @unchecked Sendable {
    // @unchecked: all mutable state (`teleop`, `lastPress`) is behind `lock`.
    public let name = "keyboard"
    private let lock = NSLock()
    private var teleop: KeyboardTeleop
    private var lastPress: Double?
    private let clock: any Clock

    public init(teleop: KeyboardTeleop = KeyboardTeleop(), clock: any Clock) {
        self.teleop = teleop; self.clock = clock
    }

    public var keymap: KeyboardKeymap { teleop.keymap }

    /// UI thread: a key arrived. Returns what it did (unbound keys are the app's to handle).
    @discardableResult
    public func press(_ key: KeyboardKey) -> KeyPressResult {
        lock.lock(); defer { lock.unlock() }
        let now = clock.now()
        let r = teleop.press(key, at: now)
        if r != .unbound { lastPress = now }
        return r
    }

    public func releaseAll() { lock.lock(); teleop.releaseAll(); lock.unlock() }
    public func syncGripper(_ opening: Double) { lock.lock(); teleop.syncGripper(opening); lock.unlock() }

    public func poll(now: Double) -> TeleopPoll {
        lock.lock(); defer { lock.unlock() }
        let cmd = teleop.command(at: now)
        return TeleopPoll(command: cmd, events: teleop.takeEvents())
    }

    public func status() -> DeviceStatus {
        lock.lock(); defer { lock.unlock() }
        let active = lastPress.map { clock.now() - $0 < 2 } ?? false
        return DeviceStatus(name: "keyboard", status: active ? "active" : "ready", role: active ? .good : .text)
    }

    public func help() -> HelpSection {
        HelpSection(title: "keyboard teleop", note: teleop.holdNote, rows: teleop.keymap.helpRows)
    }
}
