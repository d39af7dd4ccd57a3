// The boundary between "where events come from" and "what they mean". A real device (libevdev fd) and an
// evemu replay both produce `GamepadInput`s; everything after that (frame assembly, keymap, deadman state
// machine) is one code path.
import RobotKit

/// What a source reports: a device appeared, an event, a resynchronised full state, or the device went away.
public enum GamepadInput: Sendable, Equatable {
    case connected(InputDeviceInfo)
    case event(RawInputEvent)
    /// Complete state after a SYN_DROPPED, as libevdev resynchronised it; completes a frame.
    case resynced([RawInputEvent])
    case lost(reason: String)
}

/// A non-blocking producer of gamepad input. `read(until:)` returns everything that happened up to `now`.
public protocol GamepadEventSource: AnyObject {
    /// Human name of where input comes from (`/dev/input/event5`, `replay: pad.evemu`).
    var label: String { get }
    func read(until now: Double) -> [GamepadInput]
}

/// Replays an evemu recording with its own timing against an injected clock: the event recorded at
/// `t` seconds after the first one is delivered once `now - start >= t`. At the end of the file the
/// device is reported lost, so a finished replay ends in a hold like an unplugged pad.
public final class ReplayGamepadSource: GamepadEventSource {
    public let label: String
    public let device: EvdevDevice
    private let events: [RawInputEvent]
    private let firstTime: Double
    private var start: Double?
    private var next = 0
    private var announced = false
    private var finished = false
    /// Report `.lost` after the last event (default) or stay connected with the last state.
    public var loseDeviceAtEnd: Bool

    public init(recording: EvemuRecording, label: String, loseDeviceAtEnd: Bool = true) throws {
        self.label = label
        self.device = try EvdevDevice(describing: recording.device)
        self.events = recording.events
        self.firstTime = recording.events.first?.time ?? 0
        self.loseDeviceAtEnd = loseDeviceAtEnd
    }

    /// Seconds of recording from the first event to the last.
    public var duration: Double { (events.last?.time ?? firstTime) - firstTime }

    public var isFinished: Bool { finished }

    public func read(until now: Double) -> [GamepadInput] {
        var out: [GamepadInput] = []
        if !announced {
            announced = true
            start = now
            out.append(.connected(device.info))
        }
        guard let start, !finished else { return out }
        // Everything was delivered on an earlier read: the recording is over and the "device" goes away.
        if next == events.count, loseDeviceAtEnd {
            finished = true
            out.append(.lost(reason: "\(label): end of recording"))
            return out
        }
        while next < events.count, events[next].time - firstTime <= now - start {
            var e = events[next]
            e.time = start + (e.time - firstTime)  // re-based onto the injected clock
            out.append(.event(e))
            next += 1
        }
        return out
    }
}
