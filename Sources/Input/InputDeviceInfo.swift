// What a device is and what it can report: the same shape for a real /dev/input node and an evemu file.

/// One absolute axis' range as the kernel reports it (struct input_absinfo).
public struct AbsInfo: Sendable, Equatable, Codable {
    public var minimum: Int32
    public var maximum: Int32
    public var fuzz: Int32
    public var flat: Int32
    public var resolution: Int32
    public var value: Int32

    public init(minimum: Int32, maximum: Int32, fuzz: Int32 = 0, flat: Int32 = 0, resolution: Int32 = 0, value: Int32 = 0) {
        self.minimum = minimum; self.maximum = maximum; self.fuzz = fuzz; self.flat = flat
        self.resolution = resolution; self.value = value
    }
}

/// The identity (`I:` line / EVIOCGID) used to match keymaps.
public struct DeviceID: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var bus: UInt16
    public var vendor: UInt16
    public var product: UInt16
    public var version: UInt16

    public init(bus: UInt16, vendor: UInt16, product: UInt16, version: UInt16 = 0) {
        self.bus = bus; self.vendor = vendor; self.product = product; self.version = version
    }

    /// `0003:045e:028e` (bus:vendor:product, hex), the form keymaps use.
    public var description: String { [bus, vendor, product].map { hex4($0) }.joined(separator: ":") }
}

func hex4(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// Name, ids and capabilities of an input device.
public struct InputDeviceInfo: Sendable, Equatable {
    public var name: String
    public var id: DeviceID
    /// EV_KEY codes the device reports.
    public var keys: [UInt16]
    /// EV_ABS codes and their ranges.
    public var axes: [UInt16: AbsInfo]

    public init(name: String, id: DeviceID, keys: [UInt16], axes: [UInt16: AbsInfo]) {
        self.name = name; self.id = id; self.keys = keys.sorted(); self.axes = axes
    }

    public var sortedAxisCodes: [UInt16] { axes.keys.sorted() }

    /// Kernel gamepad spec (BTN_SOUTH…BTN_THUMBR) plus two absolute axes.
    public var followsGamepadSpec: Bool {
        hasXY && keys.contains(where: { $0 >= EvdevCodes.btnSouth && $0 <= EvdevCodes.btnThumbR })
    }

    /// A pad we can drive with: X/Y axes and gamepad or joystick-class buttons (D-input pads report the latter).
    public var isGamepad: Bool {
        hasXY && keys.contains(where: { $0 >= EvdevCodes.btnJoystick && $0 < EvdevCodes.btnDigi })
    }

    private var hasXY: Bool { axes[EvdevCodes.absX] != nil && axes[EvdevCodes.absY] != nil }
}
