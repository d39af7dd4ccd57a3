// Safety promises 2 and 3 as a pure state machine (no I/O, no clock): frames and device changes go in,
// each control tick asks what to send.
//   - Motion only while the deadman is held.
//   - Deadman release → exactly one zero command at the next tick, then nothing (a zero only ever ends motion
//     that was actually sent: press and release between two ticks sends neither).
//   - Device lost mid-motion → one zero command (hold) and status lost.
//   - After (re)connect nothing moves until the sticks are neutral and the deadman is up, then pressed again.
//   - Only the newest frame at a tick boundary drives motion; button presses between ticks are never lost.
import RobotKit

/// Where the pad stands, for the console's status line.
public enum InputStatus: String, Sendable, Equatable, Codable {
    case none       // no pad configured or found
    case connected
    case lost       // was connected, now gone: INPUT LOST
}

/// Why a zero command was sent.
public enum ZeroReason: String, Sendable, Equatable {
    case deadmanReleased, inputLost
}

public enum TeleopTickAction: Sendable, Equatable {
    /// Deadman held: drive with this command.
    case send(TeleopCommand)
    /// The one zero command after a release or a loss.
    case sendZero(ZeroReason)
    /// Nothing to send this tick.
    case nothing

    /// The command to put on the wire, if any (a zero command has `deadman == false`, no motion, gripper unchanged).
    public var command: TeleopCommand? {
        switch self {
        case .send(let c): c
        case .sendZero: TeleopCommand(deadman: false)
        case .nothing: nil
        }
    }
}

public struct TeleopTick: Sendable, Equatable {
    public var action: TeleopTickAction
    /// Operator events pressed since the previous tick, in order.
    public var events: [OperatorEvent]
}

public struct TeleopStateMachine: Sendable {
    public enum Phase: String, Sendable, Equatable {
        case noDevice, waitingForNeutral, ready, moving, lost
    }

    public private(set) var phase: Phase = .noDevice
    private var latest = MappedControls()
    private var previousPressed: Set<ButtonControl>?
    private var zeroOwed: ZeroReason?
    /// A motion command went out since the last zero: only then does a release or loss owe a zero.
    private var motionSent = false
    private var pendingEvents: [OperatorEvent] = []
    private var usesGripperToggle = false
    /// Gripper target driven by the toggle button (1 = open).
    public private(set) var toggledGripper: Double = 1

    public init() {}

    public var status: InputStatus {
        switch phase {
        case .noDevice: .none
        case .lost: .lost
        case .waitingForNeutral, .ready, .moving: .connected
        }
    }

    /// A pad appeared (first time or re-plugged): it must prove it is at rest before anything moves.
    /// `usesGripperToggle`: the device's keymap drives the gripper with a toggle button (no analog trigger).
    public mutating func deviceConnected(usesGripperToggle: Bool) {
        self.usesGripperToggle = usesGripperToggle
        toggledGripper = 1
        phase = .waitingForNeutral
        previousPressed = nil
        latest = MappedControls()
    }

    /// The pad went away (unplugged, read error, end of a replay). Moving → owe one zero command (hold).
    public mutating func deviceLost() {
        if phase == .moving, motionSent { zeroOwed = .inputLost }
        if phase != .noDevice || zeroOwed != nil { phase = .lost }
        latest = MappedControls()
        previousPressed = nil
    }

    /// One complete frame after the keymap.
    public mutating func frame(_ m: MappedControls) {
        guard phase != .noDevice, phase != .lost else { return }
        latest = m
        let deadman = m.pressed.contains(.deadman)
        // Edges: the first frame after a connect is only a baseline (a button held while plugging in is no press).
        if let prev = previousPressed {
            for c in ButtonControl.allCases where m.pressed.contains(c) && !prev.contains(c) {
                if let e = c.operatorEvent { pendingEvents.append(e) }
                if c == .gripperToggle, usesGripperToggle, phase == .moving || deadman {
                    toggledGripper = toggledGripper > 0.5 ? 0 : 1
                }
            }
        }
        previousPressed = m.pressed
        switch phase {
        case .waitingForNeutral:
            if m.isNeutral && !deadman { phase = .ready }
        case .ready:
            if deadman { phase = .moving; zeroOwed = nil }
        case .moving:
            if !deadman { phase = .ready; if motionSent { zeroOwed = .deadmanReleased } }
        case .noDevice, .lost:
            break
        }
    }

    /// The control tick: what to send now, based on the newest frame.
    public mutating func tick() -> TeleopTick {
        let events = pendingEvents
        pendingEvents.removeAll()
        if phase == .moving {
            let gripper: Double? = latest.gripperAnalog ?? (usesGripperToggle ? toggledGripper : nil)
            let cmd = TeleopCommand(linear: latest.linear, yaw: latest.yaw, gripper: gripper, deadman: true)
            motionSent = true
            return TeleopTick(action: .send(cmd), events: events)
        }
        if let z = zeroOwed {
            zeroOwed = nil
            motionSent = false
            return TeleopTick(action: .sendZero(z), events: events)
        }
        return TeleopTick(action: .nothing, events: events)
    }
}
