// keymaps/*.toml → Keymap. Layout (see keymaps/README.md):
//   [keymap]      name, ids = ["0003:045e:028e", "*:054c:09cc"], names = ["substring"], default = bool
//   [axes.x|y|z|yaw|gripper]   code = "ABS_…", deadzone, scale, invert, expo
//   [buttons]     deadman = "BTN_TL", stop = ["BTN_EAST", "BTN_MODE"], speed_up = "ABS_HAT0Y-", …
import Foundation

extension Keymap {
    public static let maxFileBytes = 1 << 20

    public static func load(fileAt path: String) throws -> Keymap {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attrs?[.size] as? NSNumber)?.intValue, let data = FileManager.default.contents(atPath: path) else {
            throw KeymapError(issues: [KeymapIssue(file: path, line: 0, message: "cannot read the keymap file")])
        }
        guard size <= maxFileBytes else {
            throw KeymapError(issues: [KeymapIssue(file: path, line: 0, message: "file is \(size) bytes; a keymap is a few KiB")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KeymapError(issues: [KeymapIssue(file: path, line: 0, message: "not UTF-8 text; expected a TOML keymap")])
        }
        return try parse(text: text, file: path)
    }

    public static func parse(text: String, file: String) throws -> Keymap {
        let doc: TOMLDocument
        do { doc = try TOMLDocument.parse(text, file: file) } catch let e as TOMLError {
            throw KeymapError(issues: [KeymapIssue(file: e.file, line: e.line, message: e.message)])
        }
        var b = KeymapBuilder(file: file)
        b.read(doc)
        if !b.issues.isEmpty { throw KeymapError(issues: b.issues.sorted { $0.line < $1.line }) }
        return b.keymap
    }
}

private struct KeymapBuilder {
    let file: String
    var issues: [KeymapIssue] = []
    var keymap: Keymap

    init(file: String) {
        self.file = file
        keymap = Keymap(name: "", file: file, ids: [], names: [], isDefault: false, axes: [:], buttons: [])
    }

    mutating func issue(_ line: Int, _ m: String) { issues.append(KeymapIssue(file: file, line: line, message: m)) }

    mutating func read(_ doc: TOMLDocument) {
        for t in doc.tables {
            switch t.name {
            case "": for e in t.entries { issue(e.line, "`\(e.key)` outside a table; put it under [keymap], [axes.NAME] or [buttons]") }
            case "keymap": readHeader(t)
            case "buttons": readButtons(t)
            case "axes": if !t.entries.isEmpty { issue(t.line, "[axes] takes no keys; use [axes.x], [axes.y], [axes.z], [axes.yaw], [axes.gripper]") }
            default:
                if t.name.hasPrefix("axes."), let axis = MotionAxis(rawValue: String(t.name.dropFirst(5))) {
                    readAxis(axis, t)
                } else {
                    issue(t.line, "unknown table [\(t.name)]; expected [keymap], [buttons] or [axes.x|y|z|yaw|gripper]")
                }
            }
        }
        if doc.table("keymap") == nil { issue(1, "no [keymap] table; add one with at least `name = \"…\"`") }
        if keymap.triggers(for: .deadman).isEmpty {
            issue(doc.table("buttons")?.line ?? 1, "no deadman: add `deadman = \"BTN_…\"` under [buttons] (motion only while it is held)")
        }
        if keymap.axes[.gripper] != nil, let tog = keymap.buttons.first(where: { $0.control == .gripperToggle }) {
            issue(tog.line, "gripper is bound both to an analog axis ([axes.gripper]) and to gripper_toggle; keep one")
        }
        // One input, one meaning: a code bound twice (two buttons, or a button and an axis) is an error.
        var seen: [InputTrigger: ButtonBinding] = [:]
        for bb in keymap.buttons {
            if let prev = seen[bb.trigger] {
                issue(bb.line, "\(bb.trigger.name) is bound to both `\(prev.control.rawValue)` (line \(prev.line)) and `\(bb.control.rawValue)`")
            } else { seen[bb.trigger] = bb }
            if case .key = bb.trigger {} else {
                let code: UInt16 = { if case .axisPositive(let c) = bb.trigger { return c }; if case .axisNegative(let c) = bb.trigger { return c }; return 0 }()
                if let ax = keymap.axes.values.first(where: { $0.code == code }) {
                    issue(bb.line, "\(bb.trigger.name) reuses \(ax.codeName), already driving axis `\(ax.axis.rawValue)` (line \(ax.line))")
                }
            }
        }
        var axisSeen: [UInt16: AxisBinding] = [:]
        for ax in keymap.axes.values.sorted(by: { $0.line < $1.line }) {
            if let prev = axisSeen[ax.code] {
                issue(ax.line, "\(ax.codeName) drives both axis `\(prev.axis.rawValue)` (line \(prev.line)) and `\(ax.axis.rawValue)`")
            } else { axisSeen[ax.code] = ax }
        }
    }

    mutating func readHeader(_ t: TOMLTable) {
        for e in t.entries {
            switch e.key {
            case "name":
                if case .string(let s) = e.value, !s.isEmpty { keymap.name = s } else { issue(e.line, "name: expected a non-empty string") }
            case "ids":
                for s in strings(e) {
                    if let p = DeviceIDPattern(s) { keymap.ids.append(p) }
                    else { issue(e.line, "ids: `\(s)` is not bus:vendor:product in hex (e.g. \"0003:045e:028e\", or \"*:045e:028e\" for any bus)") }
                }
            case "names": keymap.names = strings(e).filter { !$0.isEmpty }
            case "default":
                if case .bool(let b) = e.value { keymap.isDefault = b } else { issue(e.line, "default: expected true or false") }
            case "source", "notes": break  // free text for humans
            default: issue(e.line, "unknown key `\(e.key)` in [keymap]; expected name, ids, names, default, source, notes")
            }
        }
        if keymap.name.isEmpty, t["name"] == nil { issue(t.line, "[keymap] needs `name = \"…\"`") }
    }

    mutating func strings(_ e: TOMLEntry) -> [String] {
        switch e.value {
        case .string(let s): return [s]
        case .array(let a):
            var out: [String] = []
            for v in a { if case .string(let s) = v { out.append(s) } else { issue(e.line, "\(e.key): expected strings, found a \(v.typeName)") } }
            return out
        default: issue(e.line, "\(e.key): expected a string or an array of strings, found a \(e.value.typeName)"); return []
        }
    }

    mutating func readAxis(_ axis: MotionAxis, _ t: TOMLTable) {
        var b = AxisBinding(axis: axis, code: 0, line: t.line)
        var haveCode = false
        for e in t.entries {
            switch e.key {
            case "code":
                guard case .string(let s) = e.value else { issue(e.line, "code: expected a string like \"ABS_X\""); continue }
                guard let c = EvdevCodes.code(named: s) else { issue(e.line, "code: unknown evdev code name `\(s)` (expected e.g. ABS_X, ABS_RY, ABS_Z)"); continue }
                guard c.type == EvdevCodes.evAbs else { issue(e.line, "code: \(s) is a key; axes need an absolute axis (ABS_…). Bind keys under [buttons]"); continue }
                b.code = c.code; b.line = e.line; haveCode = true
            case "deadzone": if let v = number(e, in: 0..<1) { b.deadzone = v }
            case "scale": if let v = number(e, in: 0...10) { b.scale = v }
            case "expo": if let v = number(e, in: 0...1) { b.expo = v }
            case "invert":
                if case .bool(let v) = e.value { b.invert = v } else { issue(e.line, "invert: expected true or false") }
            default: issue(e.line, "unknown key `\(e.key)` in [axes.\(axis.rawValue)]; expected code, deadzone, scale, invert, expo")
            }
        }
        if haveCode { keymap.axes[axis] = b } else if t["code"] == nil { issue(t.line, "[axes.\(axis.rawValue)] needs `code = \"ABS_…\"`") }
    }

    mutating func number(_ e: TOMLEntry, in range: Range<Double>) -> Double? {
        guard let v = e.value.number, range.contains(v) else {
            issue(e.line, "\(e.key): expected a number in \(range.lowerBound)..<\(range.upperBound)"); return nil
        }
        return v
    }

    mutating func number(_ e: TOMLEntry, in range: ClosedRange<Double>) -> Double? {
        guard let v = e.value.number, range.contains(v) else {
            issue(e.line, "\(e.key): expected a number in \(range.lowerBound)...\(range.upperBound)"); return nil
        }
        return v
    }

    mutating func readButtons(_ t: TOMLTable) {
        for e in t.entries {
            guard let control = ButtonControl(rawValue: e.key) else {
                issue(e.line, "unknown control `\(e.key)` in [buttons]; expected one of \(ButtonControl.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            for s in strings(e) {
                guard let trig = Self.trigger(s) else {
                    issue(e.line, "\(e.key): unknown evdev code `\(s)` (expected a key like BTN_SOUTH, or an axis direction like ABS_HAT0Y- / ABS_Z+)")
                    continue
                }
                keymap.buttons.append(ButtonBinding(control: control, trigger: trig, line: e.line))
            }
        }
    }

    static func trigger(_ s: String) -> InputTrigger? {
        if s.hasSuffix("+") || s.hasSuffix("-") {
            guard let c = EvdevCodes.code(named: String(s.dropLast())), c.type == EvdevCodes.evAbs else { return nil }
            return s.hasSuffix("+") ? .axisPositive(c.code) : .axisNegative(c.code)
        }
        guard let c = EvdevCodes.code(named: s), c.type == EvdevCodes.evKey else { return nil }
        return .key(c.code)
    }
}
