// Turns a stream of evdev events into complete frames. The kernel groups the changes of one hardware
// report between SYN_REPORTs; only a finished group is a consistent state. After SYN_DROPPED the kernel
// lost events: everything up to and including the next SYN_REPORT is discarded (never acted on), unless a
// libevdev resync delivers the full state first.

/// The full state of a pad after a complete report.
public struct GamepadFrame: Sendable, Equatable {
    /// Time of the SYN_REPORT that completed the frame (seconds, source clock).
    public var time: Double
    public var keys: [UInt16: Int32]
    public var axes: [UInt16: Int32]

    public init(time: Double, keys: [UInt16: Int32] = [:], axes: [UInt16: Int32] = [:]) {
        self.time = time; self.keys = keys; self.axes = axes
    }

    public func isPressed(_ code: UInt16) -> Bool { (keys[code] ?? 0) != 0 }
}

/// What the assembler tells its caller after one input.
public enum FrameAssemblerAction: Sendable, Equatable {
    case none
    case frame(GamepadFrame)
    case connected(InputDeviceInfo)
    case lost(reason: String)
}

/// A pure state machine: `mutating func handle` per input, the caller acts on the returned action.
public struct GamepadFrameAssembler: Sendable {
    private enum State: Sendable { case disconnected, assembling, dropped }
    private var state: State = .disconnected
    /// Committed state (last complete frame) and the changes since, not yet committed.
    private var committed = GamepadFrame(time: 0)
    private var pending: [RawInputEvent] = []
    /// Half-frames can be arbitrarily long on a hostile stream; beyond this the frame is treated as dropped.
    static let maxPendingEvents = 1024

    public init() {}

    /// True between SYN_DROPPED and the next good SYN_REPORT (or resync).
    public var isDiscarding: Bool { state == .dropped }

    public mutating func handle(_ input: GamepadInput) -> FrameAssemblerAction {
        switch input {
        case .connected(let info):
            state = .assembling
            pending.removeAll()
            // Start from the device's reported values (absinfo value; keys up) so an untouched axis is known.
            var f = GamepadFrame(time: 0)
            for (code, a) in info.axes { f.axes[code] = a.value }
            for k in info.keys { f.keys[k] = 0 }
            committed = f
            return .connected(info)
        case .lost(let reason):
            state = .disconnected
            pending.removeAll()
            return .lost(reason: reason)
        case .resynced(let snapshot):
            guard state != .disconnected else { return .none }
            pending.removeAll()
            var f = committed
            var t = f.time
            for e in snapshot { apply(e, to: &f); t = max(t, e.time) }
            f.time = t
            committed = f
            state = .assembling
            return .frame(f)
        case .event(let e):
            return handle(event: e)
        }
    }

    private mutating func handle(event e: RawInputEvent) -> FrameAssemblerAction {
        switch state {
        case .disconnected:
            return .none
        case .dropped:
            // Discard everything up to and including the next SYN_REPORT.
            if e.isSynReport { state = .assembling }
            return .none
        case .assembling:
            if e.isSynDropped {
                pending.removeAll()
                state = .dropped
                return .none
            }
            if e.isSynReport {
                var f = committed
                for p in pending { apply(p, to: &f) }
                f.time = e.time
                pending.removeAll()
                committed = f
                return .frame(f)
            }
            guard e.type == EvdevCodes.evKey || e.type == EvdevCodes.evAbs else { return .none }
            if pending.count >= Self.maxPendingEvents {
                pending.removeAll()
                state = .dropped
                return .none
            }
            pending.append(e)
            return .none
        }
    }

    private func apply(_ e: RawInputEvent, to f: inout GamepadFrame) {
        if e.type == EvdevCodes.evKey { f.keys[e.code] = e.value }
        else if e.type == EvdevCodes.evAbs { f.axes[e.code] = e.value }
    }
}
