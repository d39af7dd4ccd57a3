// `vlaterm keymap import-sdl "LINE"`: an SDL GameControllerDB mapping line → a keymap in our TOML.
//
// A line is `GUID,Name,key:value,...,platform:Linux,`. SDL's values name *indices*, not evdev codes:
// `bN` = the N-th button, `aN` = the N-th axis, `hH.M` = hat H with direction mask M (1 up, 2 right,
// 4 down, 8 left); `aN~` inverts, `+aN`/`-aN` use one half of an axis. SDL's Linux joystick backend numbers
// them from the device's capability bits: buttons first BTN_JOYSTICK (0x120) … KEY_MAX, then 0 … BTN_JOYSTICK-1;
// axes in ABS_ code order skipping the hats ABS_HAT0X … ABS_HAT3Y; hat H is ABS_HAT<H>X/Y.
// So the index→code mapping needs the pad's key and axis list. With a device description (an evemu file)
// it is exact; without one we assume an xpad-style pad (what most X-input pads report): buttons BTN_SOUTH,
// BTN_EAST, BTN_NORTH, BTN_WEST, BTN_TL, BTN_TR, BTN_SELECT, BTN_START, BTN_MODE, BTN_THUMBL, BTN_THUMBR
// (b0 … b10) and axes ABS_X, ABS_Y, ABS_Z, ABS_RX, ABS_RY, ABS_RZ, then the rest in ABS_ order.
// The GUID carries bus/vendor/product/version (little-endian 16-bit words 0, 2, 4, 6) when SDL built it from
// the device ids; those become the keymap's `ids`.

public struct SDLImportError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { "import-sdl: \(message)" }
}

public enum SDLMappingImport {
    /// The xpad-style button set assumed when no device description is given.
    static let assumedButtons = ["BTN_SOUTH", "BTN_EAST", "BTN_NORTH", "BTN_WEST", "BTN_TL", "BTN_TR",
                                 "BTN_SELECT", "BTN_START", "BTN_MODE", "BTN_THUMBL", "BTN_THUMBR"]

    /// Button index → evdev code as SDL's Linux backend enumerates them.
    public static func buttonOrder(device: InputDeviceInfo?) -> [UInt16] {
        guard let device else { return assumedButtons.compactMap { EvdevCodes.code(named: $0)?.code } }
        let keys = device.keys
        return keys.filter { $0 >= EvdevCodes.btnJoystick } + keys.filter { $0 < EvdevCodes.btnJoystick }
    }

    /// Axis index → evdev code (hats skipped).
    public static func axisOrder(device: InputDeviceInfo?) -> [UInt16] {
        let isHat = { (c: UInt16) in c >= EvdevCodes.absHat0X && c <= EvdevCodes.absHat3Y }
        guard let device else {
            let maxAbs = EvdevCodes.maxCode(type: EvdevCodes.evAbs) ?? 0x3f
            return (0...maxAbs).filter { !isHat($0) }
        }
        return device.sortedAxisCodes.filter { !isHat($0) }
    }

    /// Parses the line and writes a keymap TOML text (check it with `Keymap.parse`).
    public static func keymapTOML(fromLine line: String, device: InputDeviceInfo? = nil) throws -> String {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= 4096 else { throw SDLImportError(message: "line longer than 4096 bytes") }
        let fields = trimmed.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        guard fields.count >= 3 else { throw SDLImportError(message: "expected `GUID,Name,a:b0,...`; found \(fields.count) comma-separated fields") }
        let guid = fields[0], name = fields[1]
        guard guid.count == 32, guid.allSatisfy(\.isHexDigit) else {
            throw SDLImportError(message: "first field `\(guid)` is not a 32-hex-digit SDL GUID")
        }
        let buttons = buttonOrder(device: device), axes = axisOrder(device: device)
        var map: [String: Binding] = [:]
        for f in fields.dropFirst(2) {
            let kv = f.split(separator: ":", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw SDLImportError(message: "`\(f)` is not key:value") }
            if kv[0] == "platform" || kv[0] == "crc" || kv[0] == "hint" || kv[0] == "sdk>=" || kv[0] == "sdk<=" { continue }
            if kv[0].hasPrefix("+") || kv[0].hasPrefix("-") {
                throw SDLImportError(message: "`\(f)`: half-axis outputs are not supported; edit the keymap by hand")
            }
            map[kv[0]] = try binding(kv[1], field: f, buttons: buttons, axes: axes, haveDevice: device != nil)
        }
        return render(name: name, guid: guid, line: trimmed, map: map, exactDevice: device != nil)
    }

    enum Binding: Equatable {
        case key(UInt16)
        case axis(UInt16, inverted: Bool)
        case halfAxis(UInt16, positive: Bool)

        var buttonName: String {
            switch self {
            case .key(let c): EvdevCodes.name(type: EvdevCodes.evKey, code: c)
            case .axis(let c, let inv): EvdevCodes.name(type: EvdevCodes.evAbs, code: c) + (inv ? "-" : "+")
            case .halfAxis(let c, let pos): EvdevCodes.name(type: EvdevCodes.evAbs, code: c) + (pos ? "+" : "-")
            }
        }
    }

    static func binding(_ v: String, field: String, buttons: [UInt16], axes: [UInt16], haveDevice: Bool) throws -> Binding {
        let hint = haveDevice ? "" : " (without --evemu an xpad-style pad is assumed; pass the pad's recording for exact indices)"
        var s = Substring(v)
        var half: Bool?
        if s.hasPrefix("+") { half = true; s = s.dropFirst() } else if s.hasPrefix("-") { half = false; s = s.dropFirst() }
        let inverted = s.hasSuffix("~")
        if inverted { s = s.dropLast() }
        if s.hasPrefix("b"), let i = Int(s.dropFirst()), i >= 0 {
            guard i < buttons.count else { throw SDLImportError(message: "`\(field)`: button b\(i) does not exist, the pad has \(buttons.count)\(hint)") }
            return .key(buttons[i])
        }
        if s.hasPrefix("a"), let i = Int(s.dropFirst()), i >= 0 {
            guard i < axes.count else { throw SDLImportError(message: "`\(field)`: axis a\(i) does not exist, the pad has \(axes.count)\(hint)") }
            if let half { return .halfAxis(axes[i], positive: half != inverted) }
            return .axis(axes[i], inverted: inverted)
        }
        if s.hasPrefix("h") {
            let p = s.dropFirst().split(separator: ".")
            guard p.count == 2, let h = UInt16(p[0]), h <= 3, let m = Int(p[1]) else {
                throw SDLImportError(message: "`\(field)`: expected a hat as hH.M (e.g. h0.1)")
            }
            let x = EvdevCodes.absHat0X + 2 * h, y = x + 1
            switch m {
            case 1: return .halfAxis(y, positive: false)
            case 2: return .halfAxis(x, positive: true)
            case 4: return .halfAxis(y, positive: true)
            case 8: return .halfAxis(x, positive: false)
            default: throw SDLImportError(message: "`\(field)`: hat direction mask must be 1, 2, 4 or 8")
            }
        }
        throw SDLImportError(message: "`\(field)`: expected bN, aN, +aN, -aN, aN~ or hH.M")
    }

    /// Bus/vendor/product from an SDL 2 GUID, when it was built from the device ids (zero padding words).
    static func ids(fromGUID g: String) -> String? {
        var bytes: [UInt8] = []
        var i = g.startIndex
        while i < g.endIndex {
            let j = g.index(i, offsetBy: 2)
            guard let b = UInt8(g[i..<j], radix: 16) else { return nil }
            bytes.append(b); i = j
        }
        func w(_ k: Int) -> UInt16 { UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8 }
        guard bytes.count == 16, w(6) == 0, w(10) == 0, w(4) != 0 else { return nil }
        return "\(hex4(w(0))):\(hex4(w(4))):\(hex4(w(8)))"
    }

    static func render(name: String, guid: String, line: String, map: [String: Binding], exactDevice: Bool) -> String {
        func q(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var out = """
        # Generated by `vlaterm keymap import-sdl` from an SDL GameControllerDB line:
        #   \(line.prefix(400))
        # SDL indices were turned into evdev codes \(exactDevice ? "using the pad's recorded capabilities" : "assuming an xpad-style pad (see `vlaterm keymap import-sdl --help`)").
        [keymap]
        name = \(q(name))

        """
        if let id = ids(fromGUID: guid) { out += "ids = [\(q(id))]\n" }
        out += "names = [\(q(name))]\nsource = \(q("SDL GameControllerDB, GUID \(guid)"))\n"
        // Same layout by position as the shipped keymaps (keymaps/README.md).
        let sticks: [(String, String)] = [("lefty", "x"), ("leftx", "y"), ("righty", "z"), ("rightx", "yaw")]
        for (sdl, axis) in sticks {
            guard case .axis(let c, let inv)? = map[sdl] else { continue }
            out += "\n[axes.\(axis)]\ncode = \(q(EvdevCodes.name(type: EvdevCodes.evAbs, code: c)))\n"
            out += "invert = \(!inv)\ndeadzone = 0.12\nexpo = 0.3\nscale = 1.0\n"
        }
        var gripperIsAxis = false
        switch map["righttrigger"] {
        case .axis(let c, _)?, .halfAxis(let c, _)?:
            gripperIsAxis = true
            out += "\n[axes.gripper]\ncode = \(q(EvdevCodes.name(type: EvdevCodes.evAbs, code: c)))\ndeadzone = 0.05\n"
        default: break
        }
        out += "\n[buttons]\n"
        var used = Set<String>()
        func bind(_ control: String, _ sdlKeys: [String]) {
            let names = sdlKeys.compactMap { map[$0]?.buttonName }.filter { !used.contains($0) }
            guard !names.isEmpty else { return }
            used.formUnion(names)
            out += "\(control) = " + (names.count == 1 ? q(names[0]) : "[" + names.map(q).joined(separator: ", ") + "]") + "\n"
        }
        bind("deadman", ["leftshoulder"])
        if !gripperIsAxis { bind("gripper_toggle", map["righttrigger"] != nil ? ["righttrigger"] : ["rightshoulder"]) }
        bind("stop", ["b", "guide"])
        bind("rearm", ["y"])
        bind("record", ["a"])
        bind("discard", ["x"])
        bind("speed_up", ["dpup"])
        bind("speed_down", ["dpdown"])
        bind("mark_success", ["dpright"])
        bind("mark_failure", ["dpleft"])
        bind("start_autonomy", ["start"])
        bind("pause", ["back"])
        bind("take_over", ["leftstick"])
        bind("hand_back", ["rightstick"])
        return out
    }
}
