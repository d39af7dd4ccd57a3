// NumPy arrays on the wire, both ways servers send them — never pickle (safety promise 10):
// - openpi's msgpack_numpy: a map with bin keys `__ndarray__` (true), `data` (raw bytes), `dtype` (e.g. "<f4"),
//   `shape` (array of ints);
// - json_numpy (OpenVLA's deploy.py): a JSON object {"__numpy__": base64, "dtype": "<f4", "shape": [7]}.
import Foundation

/// A decoded numeric array: shape plus values widened to Double (row-major, C order).
public struct NumericArray: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Double]
    public init(shape: [Int], values: [Double]) { self.shape = shape; self.values = values }

    /// (H, D) rows; a 1-D array is one row. Other ranks are rejected by the caller with the field name.
    public var rows: [[Double]]? {
        switch shape.count {
        case 1: return [values]
        case 2:
            let (h, d) = (shape[0], shape[1])
            return (0..<h).map { Array(values[($0 * d)..<($0 * d + d)]) }
        default: return nil
        }
    }
}

/// The element types we accept; anything else (objects, structured, complex, big-endian) is refused.
enum NumpyDType: String {
    case f2 = "<f2", f4 = "<f4", f8 = "<f8", u1 = "|u1", i1 = "|i1", i4 = "<i4", i8 = "<i8", b1 = "|b1"

    init?(descr: String) {
        // numpy writes "|u1" but "<u1"/"=u1" mean the same for one byte; "=" is native (little-endian here).
        let normalised = descr.replacingOccurrences(of: "=", with: "<")
        switch normalised {
        case "<u1", "u1", "uint8": self = .u1
        case "<i1", "i1", "int8": self = .i1
        case "<b1", "b1", "bool": self = .b1
        case "float32": self = .f4
        case "float64": self = .f8
        default: self.init(rawValue: normalised)
        }
    }

    var size: Int {
        switch self {
        case .u1, .i1, .b1: 1
        case .f2: 2
        case .f4, .i4: 4
        case .f8, .i8: 8
        }
    }

    func decode(_ data: [UInt8], count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for i in 0..<count {
                let o = i * size
                switch self {
                case .u1: out[i] = Double(raw[o])
                case .i1: out[i] = Double(Int8(bitPattern: raw[o]))
                case .b1: out[i] = raw[o] == 0 ? 0 : 1
                case .f2: out[i] = Double(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self))))
                case .f4: out[i] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self))))
                case .f8: out[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)))
                case .i4: out[i] = Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int32.self)))
                case .i8: out[i] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int64.self)))
                }
            }
        }
        return out
    }
}

enum NumpyWire {
    /// Largest array accepted from a server, in elements (a 64-step × 32-D chunk is 2 048; images are never
    /// sent back to us). Caps the allocation a hostile shape can cause.
    static let maxElements = 1 << 20

    /// Checks dtype/shape/byte count and decodes. `field` names the array in errors (e.g. "actions").
    static func decode(data: [UInt8], dtype: String, shape: [Int], field: String) throws -> NumericArray {
        guard let t = NumpyDType(descr: dtype) else {
            throw PolicyError.protocolViolation("\(field): dtype '\(dtype)' not supported (expected a little-endian number type such as <f4)")
        }
        guard shape.count <= 8, shape.allSatisfy({ $0 >= 0 }) else {
            throw PolicyError.protocolViolation("\(field): bad shape \(shape)")
        }
        var count = 1
        for d in shape {
            let (m, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, m <= maxElements else {
                throw PolicyError.protocolViolation("\(field): shape \(shape) exceeds \(maxElements) elements")
            }
            count = m
        }
        guard data.count == count * t.size else {
            throw PolicyError.protocolViolation("\(field): \(data.count) data bytes for shape \(shape) of \(dtype) (expected \(count * t.size))")
        }
        return NumericArray(shape: shape, values: t.decode(data, count: count))
    }

    // MARK: msgpack-numpy (openpi)

    static func msgpack(uint8 bytes: [UInt8], shape: [Int]) -> MsgPack {
        ndarrayMap(data: bytes, dtype: "|u1", shape: shape)
    }

    static func msgpack(float32 values: [Double]) -> MsgPack {
        var data: [UInt8] = []
        data.reserveCapacity(values.count * 4)
        for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { data += $0 } }
        return ndarrayMap(data: data, dtype: "<f4", shape: [values.count])
    }

    private static func ndarrayMap(data: [UInt8], dtype: String, shape: [Int]) -> MsgPack {
        .map([
            MsgPackPair(.binary(Array("__ndarray__".utf8)), .bool(true)),
            MsgPackPair(.binary(Array("data".utf8)), .binary(data)),
            MsgPackPair(.binary(Array("dtype".utf8)), .string(dtype)),
            MsgPackPair(.binary(Array("shape".utf8)), .array(shape.map { .int(Int64($0)) })),
        ])
    }

    /// Decodes an msgpack-numpy map; a plain msgpack array of numbers (or of arrays of numbers) is accepted too.
    static func decode(msgpack v: MsgPack, field: String) throws -> NumericArray {
        if case .array(let items) = v { return try plainArray(items, field: field) }
        guard case .map = v, v["__ndarray__"] != nil else {
            throw PolicyError.protocolViolation("\(field): expected an ndarray (map with __ndarray__), got \(v.typeName)")
        }
        guard case .binary(let data)? = v["data"] else { throw PolicyError.protocolViolation("\(field).data: expected bin") }
        guard let dtype = v["dtype"]?.stringValue else { throw PolicyError.protocolViolation("\(field).dtype: expected str") }
        guard case .array(let dims)? = v["shape"] else { throw PolicyError.protocolViolation("\(field).shape: expected array") }
        var shape: [Int] = []
        for d in dims {
            guard let n = d.intValue else { throw PolicyError.protocolViolation("\(field).shape: \(d) is not a size") }
            shape.append(n)
        }
        return try decode(data: data, dtype: dtype, shape: shape, field: field)
    }

    private static func plainArray(_ items: [MsgPack], field: String) throws -> NumericArray {
        if let nums = Optional(items.compactMap(\.doubleValue)), nums.count == items.count {
            return NumericArray(shape: [nums.count], values: nums)
        }
        var values: [Double] = []
        var width: Int?
        for (h, row) in items.enumerated() {
            guard case .array(let cells) = row else { throw PolicyError.protocolViolation("\(field)[\(h)]: expected an array of numbers") }
            let nums = cells.compactMap(\.doubleValue)
            guard nums.count == cells.count else { throw PolicyError.protocolViolation("\(field)[\(h)]: non-numeric value") }
            if let w = width, w != nums.count { throw PolicyError.protocolViolation("\(field)[\(h)]: ragged rows (\(nums.count) vs \(w))") }
            width = nums.count
            values += nums
        }
        return NumericArray(shape: [items.count, width ?? 0], values: values)
    }

    // MARK: json_numpy (OpenVLA)

    static func jsonNumpy(uint8 bytes: [UInt8], shape: [Int]) -> [String: Any] {
        ["__numpy__": Data(bytes).base64EncodedString(), "dtype": "|u1", "shape": shape]
    }

    /// Decodes a json_numpy object or a plain JSON list of numbers (or list of lists).
    static func decode(json v: Any, field: String) throws -> NumericArray {
        if let list = v as? [Any] {
            let items: [MsgPack] = try list.map { try jsonToMsgPack($0, field: field) }
            return try plainArray(items, field: field)
        }
        guard let obj = v as? [String: Any], let b64 = obj["__numpy__"] as? String else {
            throw PolicyError.protocolViolation("\(field): expected a json_numpy object with __numpy__ or a list of numbers")
        }
        guard b64.utf8.count <= maxElements * 8 * 4 / 3 + 8, let data = Data(base64Encoded: b64) else {
            throw PolicyError.protocolViolation("\(field).__numpy__: not valid base64 (or too large)")
        }
        guard let dtype = obj["dtype"] as? String else { throw PolicyError.protocolViolation("\(field).dtype: expected a string") }
        guard let dims = obj["shape"] as? [Any] else { throw PolicyError.protocolViolation("\(field).shape: expected a list") }
        var shape: [Int] = []
        for d in dims {
            guard let n = (d as? NSNumber)?.intValue, (d as? NSNumber)?.doubleValue == Double(n) else {
                throw PolicyError.protocolViolation("\(field).shape: \(d) is not a size")
            }
            shape.append(n)
        }
        return try decode(data: [UInt8](data), dtype: dtype, shape: shape, field: field)
    }

    private static func jsonToMsgPack(_ v: Any, field: String) throws -> MsgPack {
        if let n = v as? NSNumber { return .float64(n.doubleValue) }
        if let a = v as? [Any] { return .array(try a.map { try jsonToMsgPack($0, field: field) }) }
        throw PolicyError.protocolViolation("\(field): non-numeric value")
    }
}
