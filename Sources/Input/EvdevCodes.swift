// Event types and code names, resolved through libevdev so our names are exactly the kernel's.
import CEvdev

/// One evdev event as read from a device (or replayed from an evemu file): time in seconds.
public struct RawInputEvent: Sendable, Equatable {
    public var time: Double
    public var type: UInt16
    public var code: UInt16
    public var value: Int32

    public init(time: Double, type: UInt16, code: UInt16, value: Int32) {
        self.time = time; self.type = type; self.code = code; self.value = value
    }

    public var isSynReport: Bool { type == EvdevCodes.evSyn && code == EvdevCodes.synReport }
    public var isSynDropped: Bool { type == EvdevCodes.evSyn && code == EvdevCodes.synDropped }
}

/// The handful of kernel constants the Input module names, plus name lookups through libevdev.
public enum EvdevCodes {
    public static let evSyn = UInt16(EV_SYN)
    public static let evKey = UInt16(EV_KEY)
    public static let evAbs = UInt16(EV_ABS)
    public static let evMsc = UInt16(EV_MSC)
    public static let synReport = UInt16(SYN_REPORT)
    public static let synDropped = UInt16(SYN_DROPPED)

    public static let absX = UInt16(ABS_X)
    public static let absY = UInt16(ABS_Y)
    public static let absHat0X = UInt16(ABS_HAT0X)
    public static let absHat3Y = UInt16(ABS_HAT3Y)
    /// First code of the kernel gamepad block (BTN_SOUTH == BTN_GAMEPAD == BTN_A).
    public static let btnSouth = UInt16(BTN_SOUTH)
    public static let btnThumbR = UInt16(BTN_THUMBR)
    /// Joystick-class buttons (BTN_TRIGGER … BTN_DEAD): D-input pads such as the F310 in "D" mode.
    public static let btnJoystick = UInt16(BTN_JOYSTICK)
    public static let btnDigi = UInt16(BTN_DIGI)

    /// Largest valid code for a type (KEY_MAX, ABS_MAX, …), or nil for an unknown type.
    public static func maxCode(type: UInt16) -> UInt16? {
        let m = libevdev_event_type_get_max(UInt32(type))
        return m < 0 ? nil : UInt16(m)
    }

    /// `BTN_SOUTH` → (EV_KEY, 0x130); `ABS_RX` → (EV_ABS, 3). Only key and absolute codes are bindable.
    public static func code(named name: String) -> (type: UInt16, code: UInt16)? {
        for type in [evKey, evAbs] {
            let c = libevdev_event_code_from_name(UInt32(type), name)
            if c >= 0 { return (type, UInt16(c)) }
        }
        return nil
    }

    /// The kernel's name for a code (`BTN_SOUTH`), or `TYPE_0x…` when libevdev has none.
    public static func name(type: UInt16, code: UInt16) -> String {
        if let p = libevdev_event_code_get_name(UInt32(type), UInt32(code)) { return String(cString: p) }
        return "\(typeName(type))_0x\(String(code, radix: 16))"
    }

    public static func typeName(_ type: UInt16) -> String {
        if let p = libevdev_event_type_get_name(UInt32(type)) { return String(cString: p) }
        return "EV_0x\(String(type, radix: 16))"
    }
}
