// A keymap: which evdev codes drive which controls, as data (keymaps/*.toml). Parsing validates everything
// a pad could get wrong (unknown code names, duplicate bindings, no deadman) and reports file:line.
import RobotKit

/// Analog controls a stick or trigger can drive.
public enum MotionAxis: String, Sendable, CaseIterable, Codable {
    case x, y, z, yaw, gripper
}

/// Digital controls a button (or an axis pushed past half-way) can drive.
public enum ButtonControl: String, Sendable, CaseIterable, Codable {
    case deadman
    case gripperToggle = "gripper_toggle"
    case stop, rearm
    case speedUp = "speed_up", speedDown = "speed_down"
    case record
    case markSuccess = "mark_success", markFailure = "mark_failure", discard
    case takeOver = "take_over", handBack = "hand_back"
    case startAutonomy = "start_autonomy"
    case pause

    /// The operator event a press sends, if any (deadman and gripper toggle are handled by the teleop itself).
    public var operatorEvent: OperatorEvent? {
        switch self {
        case .deadman, .gripperToggle: nil
        case .stop: .stop
        case .rearm: .rearm
        case .speedUp: .speedUp
        case .speedDown: .speedDown
        case .record: .recordToggle
        case .markSuccess: .markSuccess
        case .markFailure: .markFailure
        case .discard: .discard
        case .takeOver: .takeOver
        case .handBack: .handBack
        case .startAutonomy: .startAutonomy
        case .pause: .pauseToggle
        }
    }
}

/// What makes a button control "pressed": a key, or an absolute axis past half its range in one direction
/// (d-pad hats, triggers used as buttons).
public enum InputTrigger: Sendable, Hashable {
    case key(UInt16)
    case axisPositive(UInt16)
    case axisNegative(UInt16)

    public var name: String {
        switch self {
        case .key(let c): EvdevCodes.name(type: EvdevCodes.evKey, code: c)
        case .axisPositive(let c): EvdevCodes.name(type: EvdevCodes.evAbs, code: c) + "+"
        case .axisNegative(let c): EvdevCodes.name(type: EvdevCodes.evAbs, code: c) + "-"
        }
    }
}

public struct AxisBinding: Sendable, Equatable {
    public var axis: MotionAxis
    public var code: UInt16
    public var deadzone: Double = 0.1
    public var scale: Double = 1
    public var invert = false
    public var expo: Double = 0
    public var line: Int

    public var codeName: String { EvdevCodes.name(type: EvdevCodes.evAbs, code: code) }
}

public struct ButtonBinding: Sendable, Equatable {
    public var control: ButtonControl
    public var trigger: InputTrigger
    public var line: Int
}

/// `bus:vendor:product` in hex; a nil bus matches any bus.
public struct DeviceIDPattern: Sendable, Equatable, CustomStringConvertible {
    public var bus: UInt16?
    public var vendor: UInt16
    public var product: UInt16

    public func matches(_ id: DeviceID) -> Bool {
        (bus == nil || bus == id.bus) && vendor == id.vendor && product == id.product
    }

    public var description: String { "\(bus.map(hex4) ?? "*"):\(hex4(vendor)):\(hex4(product))" }

    /// Parses `0003:045e:028e` or `*:045e:028e`.
    public init?(_ s: String) {
        let p = s.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 3, p.allSatisfy({ $0.count <= 4 && !$0.isEmpty }),
              let v = UInt16(p[1], radix: 16), let pr = UInt16(p[2], radix: 16) else { return nil }
        if p[0] == "*" { bus = nil } else if let b = UInt16(p[0], radix: 16) { bus = b } else { return nil }
        vendor = v; product = pr
    }

    public init(bus: UInt16?, vendor: UInt16, product: UInt16) { self.bus = bus; self.vendor = vendor; self.product = product }
}

/// One keymap file, validated.
public struct Keymap: Sendable, Equatable {
    public var name: String
    public var file: String
    public var ids: [DeviceIDPattern]
    /// Case-insensitive substrings of the device name, tried when no id matches.
    public var names: [String]
    /// The fallback for any pad that follows the kernel gamepad spec.
    public var isDefault: Bool
    public var axes: [MotionAxis: AxisBinding]
    public var buttons: [ButtonBinding]

    public func triggers(for control: ButtonControl) -> [InputTrigger] {
        buttons.filter { $0.control == control }.map(\.trigger)
    }

    /// Every evdev code (key or axis) the keymap reads, for the live view and capability checks.
    public var boundAxisCodes: Set<UInt16> {
        var s = Set(axes.values.map(\.code))
        for b in buttons {
            switch b.trigger {
            case .axisPositive(let c), .axisNegative(let c): s.insert(c)
            case .key: break
            }
        }
        return s
    }
}

/// One problem in a keymap file.
public struct KeymapIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// All problems found in a keymap (check reports every one, not just the first).
public struct KeymapError: Error, Equatable, CustomStringConvertible {
    public var issues: [KeymapIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
