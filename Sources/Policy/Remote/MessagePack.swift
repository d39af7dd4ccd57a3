// MessagePack (https://github.com/msgpack/msgpack/blob/master/spec.md): the openpi wire format.
// The decoder treats every byte as hostile: lengths are checked against the bytes actually present before
// anything is allocated, nesting depth is capped, and every error says where in the message it happened.

/// One MessagePack value. Maps keep their order (a list of pairs) so encoding is deterministic.
public indirect enum MsgPack: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case float32(Float)
    case float64(Double)
    case string(String)
    case binary([UInt8])
    case array([MsgPack])
    case map([MsgPackPair])
    case ext(type: Int8, data: [UInt8])

    /// Looks a key up in a map whether the peer sent it as str or bin (msgpack-numpy uses bin keys).
    public subscript(key: String) -> MsgPack? {
        guard case .map(let pairs) = self else { return nil }
        let utf8 = Array(key.utf8)
        for p in pairs {
            switch p.key {
            case .string(let s) where s == key: return p.value
            case .binary(let b) where b == utf8: return p.value
            default: continue
            }
        }
        return nil
    }

    /// A number of any msgpack numeric type as Double.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): Double(v)
        case .uint(let v): Double(v)
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: nil
        }
    }

    /// A non-negative integer that fits in Int.
    public var intValue: Int? {
        switch self {
        case .int(let v): v >= 0 && v <= Int64(Int.max) ? Int(v) : nil
        case .uint(let v): v <= UInt64(Int.max) ? Int(v) : nil
        default: nil
        }
    }

    /// str, or bin holding UTF-8 (msgpack-numpy's dtype strings arrive either way depending on the packer).
    public var stringValue: String? {
        switch self {
        case .string(let s): s
        case .binary(let b): String(validating: b, as: UTF8.self)
        default: nil
        }
    }

    /// A short name for error messages.
    public var typeName: String {
        switch self {
        case .null: "nil"
        case .bool: "bool"
        case .int, .uint: "int"
        case .float32, .float64: "float"
        case .string: "str"
        case .binary: "bin"
        case .array: "array"
        case .map: "map"
        case .ext: "ext"
        }
    }
}

public struct MsgPackPair: Equatable, Sendable {
    public var key: MsgPack
    public var value: MsgPack
    public init(_ key: MsgPack, _ value: MsgPack) { self.key = key; self.value = value }
}

public struct MsgPackError: Error, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "msgpack: \(message) at byte \(offset)" }
}

// MARK: encoding

public enum MsgPackEncoder {
    public static func encode(_ v: MsgPack) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(sizeBound(v))   // one allocation: observations carry images of hundreds of kilobytes
        encode(v, into: &out)
        return out
    }

    public static func encode(_ v: MsgPack, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(0xc0)
        case .bool(let b): out.append(b ? 0xc3 : 0xc2)
        case .int(let i): if i >= 0 { encodeUInt(UInt64(i), &out) } else { encodeNegative(i, &out) }
        case .uint(let u): encodeUInt(u, &out)
        case .float32(let f): out.append(0xca); appendBE(UInt64(f.bitPattern), 4, &out)
        case .float64(let d): out.append(0xcb); appendBE(d.bitPattern, 8, &out)
        case .string(let s):
            let bytes = Array(s.utf8)
            header(bytes.count, fix: (0xa0, 31), [0xd9, 0xda, 0xdb], &out)
            out += bytes
        case .binary(let b):
            header(b.count, fix: nil, [0xc4, 0xc5, 0xc6], &out)
            out += b
        case .array(let a):
            header(a.count, fix: (0x90, 15), [0xdc, 0xdc, 0xdd], &out, allow8: false)
            for e in a { encode(e, into: &out) }
        case .map(let m):
            header(m.count, fix: (0x80, 15), [0xde, 0xde, 0xdf], &out, allow8: false)
            for p in m { encode(p.key, into: &out); encode(p.value, into: &out) }
        case .ext(let type, let data):
            switch data.count {
            case 1: out.append(0xd4)
            case 2: out.append(0xd5)
            case 4: out.append(0xd6)
            case 8: out.append(0xd7)
            case 16: out.append(0xd8)
            case ..<0x100: out.append(0xc7); out.append(UInt8(data.count))
            case ..<0x10000: out.append(0xc8); appendBE(UInt64(data.count), 2, &out)
            default: out.append(0xc9); appendBE(UInt64(data.count), 4, &out)
            }
            out.append(UInt8(bitPattern: type))
            out += data
        }
    }

    /// An upper bound of the encoded size (headers counted at their largest).
    static func sizeBound(_ v: MsgPack) -> Int {
        switch v {
        case .null, .bool: 1
        case .int, .uint, .float32, .float64: 9
        case .string(let s): 5 + s.utf8.count
        case .binary(let b): 5 + b.count
        case .ext(_, let d): 6 + d.count
        case .array(let a): a.reduce(5) { $0 + sizeBound($1) }
        case .map(let m): m.reduce(5) { $0 + sizeBound($1.key) + sizeBound($1.value) }
        }
    }

    /// fixstr/fixarray/fixmap when small, else the 8/16/32-bit length form (arrays and maps have no 8-bit form).
    private static func header(_ n: Int, fix: (UInt8, Int)?, _ codes: [UInt8], _ out: inout [UInt8], allow8: Bool = true) {
        if let (base, max) = fix, n <= max { out.append(base | UInt8(n)); return }
        if allow8 && n < 0x100 { out.append(codes[0]); out.append(UInt8(n)) }
        else if n < 0x10000 { out.append(codes[1]); appendBE(UInt64(n), 2, &out) }
        else { out.append(codes[2]); appendBE(UInt64(n), 4, &out) }
    }

    private static func encodeUInt(_ u: UInt64, _ out: inout [UInt8]) {
        switch u {
        case ..<0x80: out.append(UInt8(u))
        case ..<0x100: out.append(0xcc); out.append(UInt8(u))
        case ..<0x10000: out.append(0xcd); appendBE(u, 2, &out)
        case ..<0x1_0000_0000: out.append(0xce); appendBE(u, 4, &out)
        default: out.append(0xcf); appendBE(u, 8, &out)
        }
    }

    private static func encodeNegative(_ i: Int64, _ out: inout [UInt8]) {
        switch i {
        case -32 ..< 0: out.append(UInt8(bitPattern: Int8(i)))
        case Int64(Int8.min)...: out.append(0xd0); out.append(UInt8(bitPattern: Int8(i)))
        case Int64(Int16.min)...: out.append(0xd1); appendBE(UInt64(UInt16(bitPattern: Int16(i))), 2, &out)
        case Int64(Int32.min)...: out.append(0xd2); appendBE(UInt64(UInt32(bitPattern: Int32(i))), 4, &out)
        default: out.append(0xd3); appendBE(UInt64(bitPattern: i), 8, &out)
        }
    }

    @inline(__always) static func appendBE(_ v: UInt64, _ n: Int, _ out: inout [UInt8]) {
        for k in stride(from: n - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: v >> (UInt64(k) * 8))) }
    }
}

// MARK: decoding

public struct MsgPackDecoder {
    /// Deepest nesting accepted; openpi messages are 3–4 levels deep.
    public var maxDepth = 32
    public init() {}

    /// Decodes exactly one value that must span all of `bytes`.
    public func decode(_ bytes: [UInt8]) throws -> MsgPack {
        var r = Reader(bytes: bytes)
        let v = try value(&r, depth: 0)
        guard r.pos == bytes.count else { throw MsgPackError(offset: r.pos, message: "\(bytes.count - r.pos) trailing bytes") }
        return v
    }

    struct Reader {
        let bytes: [UInt8]
        var pos = 0
        var remaining: Int { bytes.count - pos }
        mutating func u8() throws -> UInt8 {
            guard pos < bytes.count else { throw MsgPackError(offset: pos, message: "message ends early") }
            defer { pos += 1 }
            return bytes[pos]
        }
        mutating func be(_ n: Int) throws -> UInt64 {
            guard remaining >= n else { throw MsgPackError(offset: pos, message: "message ends inside a \(n)-byte number") }
            var v: UInt64 = 0
            for i in 0..<n { v = v << 8 | UInt64(bytes[pos + i]) }
            pos += n
            return v
        }
        /// `n` bytes, after checking they are present (a hostile length never allocates).
        mutating func take(_ n: UInt64, what: String) throws -> [UInt8] {
            guard n <= UInt64(remaining) else {
                throw MsgPackError(offset: pos, message: "\(what) claims \(n) bytes but only \(remaining) remain")
            }
            defer { pos += Int(n) }
            return Array(bytes[pos..<(pos + Int(n))])
        }
    }

    private func value(_ r: inout Reader, depth: Int) throws -> MsgPack {
        guard depth <= maxDepth else { throw MsgPackError(offset: r.pos, message: "nesting deeper than \(maxDepth)") }
        let start = r.pos
        let b = try r.u8()
        switch b {
        case 0x00...0x7f: return .int(Int64(b))
        case 0xe0...0xff: return .int(Int64(Int8(bitPattern: b)))
        case 0x80...0x8f: return try map(Int(b & 0x0f), &r, depth)
        case 0x90...0x9f: return try array(Int(b & 0x0f), &r, depth)
        case 0xa0...0xbf: return try string(UInt64(b & 0x1f), &r, start)
        case 0xc0: return .null
        case 0xc2: return .bool(false)
        case 0xc3: return .bool(true)
        case 0xc4: return .binary(try r.take(try r.be(1), what: "bin8"))
        case 0xc5: return .binary(try r.take(try r.be(2), what: "bin16"))
        case 0xc6: return .binary(try r.take(try r.be(4), what: "bin32"))
        case 0xc7, 0xc8, 0xc9:
            let n = try r.be(b == 0xc7 ? 1 : b == 0xc8 ? 2 : 4)
            let t = Int8(bitPattern: try r.u8())
            return .ext(type: t, data: try r.take(n, what: "ext"))
        case 0xca: return .float32(Float(bitPattern: UInt32(try r.be(4))))
        case 0xcb: return .float64(Double(bitPattern: try r.be(8)))
        case 0xcc: return .uint(try r.be(1))
        case 0xcd: return .uint(try r.be(2))
        case 0xce: return .uint(try r.be(4))
        case 0xcf: return .uint(try r.be(8))
        case 0xd0: return .int(Int64(Int8(truncatingIfNeeded: try r.be(1))))
        case 0xd1: return .int(Int64(Int16(truncatingIfNeeded: try r.be(2))))
        case 0xd2: return .int(Int64(Int32(truncatingIfNeeded: try r.be(4))))
        case 0xd3: return .int(Int64(bitPattern: try r.be(8)))
        case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
            let n: UInt64 = [1, 2, 4, 8, 16][Int(b - 0xd4)]
            let t = Int8(bitPattern: try r.u8())
            return .ext(type: t, data: try r.take(n, what: "fixext"))
        case 0xd9: return try string(try r.be(1), &r, start)
        case 0xda: return try string(try r.be(2), &r, start)
        case 0xdb: return try string(try r.be(4), &r, start)
        case 0xdc: return try array(Int(try r.be(2)), &r, depth)
        case 0xdd: return try array(Int(try r.be(4)), &r, depth)
        case 0xde: return try map(Int(try r.be(2)), &r, depth)
        case 0xdf: return try map(Int(try r.be(4)), &r, depth)
        default: throw MsgPackError(offset: start, message: "reserved type byte 0xc1")
        }
    }

    private func string(_ n: UInt64, _ r: inout Reader, _ start: Int) throws -> MsgPack {
        let bytes = try r.take(n, what: "str")
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw MsgPackError(offset: start, message: "str is not valid UTF-8")
        }
        return .string(s)
    }

    private func array(_ n: Int, _ r: inout Reader, _ depth: Int) throws -> MsgPack {
        // Every element takes at least one byte: a count beyond the remaining bytes is a lie, refuse before reserving.
        guard n <= r.remaining else { throw MsgPackError(offset: r.pos, message: "array claims \(n) elements but only \(r.remaining) bytes remain") }
        var out: [MsgPack] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try value(&r, depth: depth + 1)) }
        return .array(out)
    }

    private func map(_ n: Int, _ r: inout Reader, _ depth: Int) throws -> MsgPack {
        guard n <= r.remaining / 2 else { throw MsgPackError(offset: r.pos, message: "map claims \(n) entries but only \(r.remaining) bytes remain") }
        var out: [MsgPackPair] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let k = try value(&r, depth: depth + 1)
            out.append(MsgPackPair(k, try value(&r, depth: depth + 1)))
        }
        return .map(out)
    }
}
