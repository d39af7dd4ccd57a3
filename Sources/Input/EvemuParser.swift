// Reader for the text format `evemu-record` / `evemu-describe` write (evemu 1.x, "# EVEMU 1.3"):
//   N: <name>                       I: <bus> <vendor> <product> <version>   (hex)
//   P: <8 hex bytes>                B: <type hex> <8 hex bytes>   (consecutive lines extend a type's bitmask)
//   A: <code hex> <min> <max> <fuzz> <flat> [<resolution>]   (decimal)
//   L: / S: <code hex> <value>      E: <sec>.<usec> <type hex> <code hex> <value decimal>   [# comment]
// Every file is untrusted: errors name file:line and what was expected; sizes are bounded.
import Foundation

public struct EvemuParseError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// A parsed recording: the device description and its events (times in seconds as recorded).
public struct EvemuRecording: Sendable, Equatable {
    public var device: InputDeviceInfo
    public var properties: [UInt8]
    public var events: [RawInputEvent]

    public init(device: InputDeviceInfo, properties: [UInt8] = [], events: [RawInputEvent]) {
        self.device = device; self.properties = properties; self.events = events
    }
}

public enum EvemuParser {
    public static let maxFileBytes = 64 << 20
    public static let maxLineBytes = 4096
    public static let maxEvents = 2_000_000

    public static func parse(fileAt path: String) throws -> EvemuRecording {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attrs?[.size] as? NSNumber else {
            throw EvemuParseError(file: path, line: 0, message: "cannot read the file (does it exist?)")
        }
        guard size.intValue <= maxFileBytes else {
            throw EvemuParseError(file: path, line: 0, message: "file is \(size.intValue) bytes; at most \(maxFileBytes) expected for a recording")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvemuParseError(file: path, line: 0, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EvemuParseError(file: path, line: 0, message: "not UTF-8 text; expected an evemu-record file")
        }
        return try parse(text: text, file: path)
    }

    public static func parse(text: String, file: String) throws -> EvemuRecording {
        var name: String?
        var id: DeviceID?
        var props: [UInt8] = []
        var masks: [UInt16: [UInt8]] = [:]
        var abs: [UInt16: AbsInfo] = [:]
        var absLines: [UInt16: Int] = [:]
        var events: [RawInputEvent] = []
        var lineNo = 0
        func fail(_ msg: String) -> EvemuParseError { EvemuParseError(file: file, line: lineNo, message: msg) }

        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {  // "\r\n" is one Character
            lineNo += 1
            guard rawLine.utf8.count <= maxLineBytes else { throw fail("line longer than \(maxLineBytes) bytes") }
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let tag = trimmed.first, trimmed.dropFirst().first == ":" else {
                throw fail("expected a line starting with N:, I:, P:, B:, A:, L:, S:, E: or #")
            }
            let rest = trimmed.dropFirst(2)
            // Everything after '#' is a comment (evemu appends "# EV_ABS / ABS_X 12" to E: lines).
            let body = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            switch tag {
            case "N":
                guard name == nil else { throw fail("second N: line; one device per file expected") }
                name = rest.trimmingCharacters(in: .whitespaces)
            case "I":
                guard fields.count == 4, let v = hexFields(fields), v.allSatisfy({ $0 <= 0xffff }) else {
                    throw fail("expected `I: <bus> <vendor> <product> <version>` as four hex numbers")
                }
                id = DeviceID(bus: UInt16(v[0]), vendor: UInt16(v[1]), product: UInt16(v[2]), version: UInt16(v[3]))
            case "P":
                guard fields.count == 8, let v = hexFields(fields), v.allSatisfy({ $0 <= 0xff }) else {
                    throw fail("expected `P:` followed by 8 hex bytes")
                }
                guard props.count < 64 else { throw fail("too many P: lines") }
                props += v.map { UInt8($0) }
            case "B":
                guard fields.count == 9, let v = hexFields(fields), v.allSatisfy({ $0 <= 0xff }) else {
                    throw fail("expected `B: <type> ` followed by 8 hex bytes")
                }
                let type = UInt16(v[0])
                guard let maxCode = EvdevCodes.maxCode(type: type) else { throw fail("unknown event type 0x\(String(type, radix: 16)) in B:") }
                let limit = (Int(maxCode) / 64 + 1) * 8
                var m = masks[type, default: []]
                guard m.count + 8 <= limit else { throw fail("B: bitmask for \(EvdevCodes.typeName(type)) longer than \(limit) bytes") }
                m += v.dropFirst().map { UInt8($0) }
                masks[type] = m
            case "A":
                guard fields.count == 5 || fields.count == 6, let code = UInt16(fields[0], radix: 16),
                      code <= EvdevCodes.maxCode(type: EvdevCodes.evAbs) ?? 0x3f else {
                    throw fail("expected `A: <code hex> <min> <max> <fuzz> <flat> [<resolution>]`")
                }
                let nums = fields.dropFirst().compactMap { Int32($0) }
                guard nums.count == fields.count - 1 else { throw fail("A: values must be decimal 32-bit integers") }
                guard nums[0] <= nums[1] else { throw fail("A: \(EvdevCodes.name(type: EvdevCodes.evAbs, code: code)) minimum \(nums[0]) is above maximum \(nums[1])") }
                guard abs[code] == nil else { throw fail("second A: line for \(EvdevCodes.name(type: EvdevCodes.evAbs, code: code))") }
                abs[code] = AbsInfo(minimum: nums[0], maximum: nums[1], fuzz: nums[2], flat: nums[3],
                                    resolution: nums.count > 4 ? nums[4] : 0)
                absLines[code] = lineNo
            case "L", "S":
                guard fields.count == 2, UInt16(fields[0], radix: 16) != nil, Int32(fields[1]) != nil else {
                    throw fail("expected `\(tag): <code hex> <value>`")
                }
            case "E":
                guard events.count < maxEvents else { throw fail("more than \(maxEvents) events; split the recording") }
                guard fields.count == 4, let t = parseTime(fields[0]), let type = UInt16(fields[1], radix: 16),
                      let code = UInt16(fields[2], radix: 16), let value = Int32(fields[3]) else {
                    throw fail("expected `E: <sec>.<usec> <type hex> <code hex> <value>`")
                }
                if let last = events.last, t < last.time { throw fail("event time \(fields[0]) goes backwards") }
                events.append(RawInputEvent(time: t, type: type, code: code, value: value))
            default:
                throw fail("unknown line tag `\(tag):`; expected N:, I:, P:, B:, A:, L:, S: or E:")
            }
        }
        lineNo = 0
        guard let name else { throw fail("no `N:` device name line; is this an evemu-record file?") }
        guard let id else { throw fail("no `I:` id line (bus vendor product version)") }
        let keys = bits(masks[EvdevCodes.evKey] ?? [])
        for code in bits(masks[EvdevCodes.evAbs] ?? []) where abs[code] == nil {
            throw fail("B: 03 sets \(EvdevCodes.name(type: EvdevCodes.evAbs, code: code)) but there is no `A:` line for it")
        }
        let device = InputDeviceInfo(name: name, id: id, keys: keys, axes: abs)
        return EvemuRecording(device: device, properties: props, events: events)
    }

    private static func hexFields(_ f: [String]) -> [UInt32]? {
        var out: [UInt32] = []
        for s in f {
            guard s.count <= 8, let v = UInt32(s.hasPrefix("0x") ? String(s.dropFirst(2)) : s, radix: 16) else { return nil }
            out.append(v)
        }
        return out
    }

    /// `12.000345` → seconds; microseconds are exactly six digits in evemu output but accept 1…9.
    private static func parseTime(_ s: String) -> Double? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 12, (1...9).contains(parts[1].count),
              let sec = UInt64(parts[0]), let frac = UInt64(parts[1]) else { return nil }
        var scale = 1.0
        for _ in 0..<parts[1].count { scale *= 10 }
        return Double(sec) + Double(frac) / scale
    }

    /// Bit i of byte k set → code 8k+i (the kernel's little-endian bitmask as evemu dumps it).
    private static func bits(_ bytes: [UInt8]) -> [UInt16] {
        var out: [UInt16] = []
        for (k, b) in bytes.enumerated() where b != 0 {
            for i in 0..<8 where b & (1 << i) != 0 { out.append(UInt16(k * 8 + i)) }
        }
        return out
    }
}
