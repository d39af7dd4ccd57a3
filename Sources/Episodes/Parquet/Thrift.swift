// Thrift compact protocol, the encoding of Parquet's FileMetaData and page headers: field headers carry
// the id delta and type in one byte, integers are zigzag varints, lists carry size and element type.

enum ThriftType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, structure = 12
}

/// Writes one Thrift compact struct (and nested ones). Field ids must increase within a struct.
struct ThriftWriter {
    var bytes: [UInt8] = []
    private var lastField: [Int16] = [0]

    mutating func varint(_ v: UInt64) { bytes.appendULEB128(v) }
    mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    mutating func fieldHeader(_ id: Int16, _ t: ThriftType) {
        let delta = id - (lastField.last ?? 0)
        if delta > 0 && delta <= 15 { bytes.append(UInt8(delta) << 4 | t.rawValue) } else {
            bytes.append(t.rawValue); zigzag(Int64(id))
        }
        lastField[lastField.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ v: Int32) { fieldHeader(id, .i32); zigzag(Int64(v)) }
    mutating func i64(_ id: Int16, _ v: Int64) { fieldHeader(id, .i64); zigzag(v) }
    mutating func bool(_ id: Int16, _ v: Bool) { fieldHeader(id, v ? .boolTrue : .boolFalse) }
    mutating func binary(_ id: Int16, _ b: [UInt8]) { fieldHeader(id, .binary); varint(UInt64(b.count)); bytes += b }
    mutating func string(_ id: Int16, _ s: String) { binary(id, Array(s.utf8)) }

    /// A nested struct field; `body` writes its fields.
    mutating func structField(_ id: Int16, _ body: (inout ThriftWriter) -> Void) {
        fieldHeader(id, .structure)
        structBody(body)
    }
    mutating func structBody(_ body: (inout ThriftWriter) -> Void) {
        lastField.append(0)
        body(&self)
        bytes.append(ThriftType.stop.rawValue)
        lastField.removeLast()
    }
    mutating func listHeader(_ id: Int16, _ elem: ThriftType, _ count: Int) {
        fieldHeader(id, .list)
        if count < 15 { bytes.append(UInt8(count) << 4 | elem.rawValue) } else { bytes.append(0xF0 | elem.rawValue); varint(UInt64(count)) }
    }
    mutating func structList<T>(_ id: Int16, _ items: [T], _ body: (inout ThriftWriter, T) -> Void) {
        listHeader(id, .structure, items.count)
        for it in items { structBody { body(&$0, it) } }
    }
    mutating func i32List(_ id: Int16, _ items: [Int32]) {
        listHeader(id, .i32, items.count)
        for v in items { zigzag(Int64(v)) }
    }
    mutating func stringList(_ id: Int16, _ items: [String]) {
        listHeader(id, .binary, items.count)
        for s in items { let u = Array(s.utf8); varint(UInt64(u.count)); bytes += u }
    }
    /// Ends the top-level struct.
    mutating func stop() { bytes.append(ThriftType.stop.rawValue) }
}

/// A decoded Thrift value (generic: the reader does not need the IDL to walk the structure).
indirect enum ThriftValue {
    case bool(Bool), int(Int64), double(Double), binary(ArraySlice<UInt8>)
    case list([ThriftValue]), map([(ThriftValue, ThriftValue)]), structure([Int16: ThriftValue])

    var int: Int64? { if case .int(let v) = self { return v }; return nil }
    var string: String? { if case .binary(let b) = self { return String(validating: b, as: UTF8.self) }; return nil }
    var list: [ThriftValue]? { if case .list(let l) = self { return l }; return nil }
    var fields: [Int16: ThriftValue]? { if case .structure(let s) = self { return s }; return nil }
}

/// Reads Thrift compact structs from untrusted bytes: bounded depth, counts checked against what remains.
struct ThriftReader {
    var r: ByteReader
    static let maxDepth = 24

    init(_ r: ByteReader) { self.r = r }

    mutating func varint() throws -> UInt64 { try r.uleb128("thrift varint") }
    mutating func zigzag() throws -> Int64 { let u = try varint(); return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1))) }

    mutating func readStruct(depth: Int = 0) throws -> [Int16: ThriftValue] {
        guard depth < Self.maxDepth else { throw r.fail("thrift structs nested deeper than \(Self.maxDepth)") }
        var out: [Int16: ThriftValue] = [:]
        var last: Int16 = 0
        while true {
            let h = try r.u8("thrift field header")
            if h == 0 { return out }
            guard let t = ThriftType(rawValue: h & 0x0F) else { throw r.fail("thrift: unknown type \(h & 0x0F)") }
            let delta = Int16(h >> 4)
            let id: Int16
            if delta != 0 { id = last &+ delta } else {
                let z = try zigzag()
                guard let i = Int16(exactly: z) else { throw r.fail("thrift: field id \(z) out of range") }
                id = i
            }
            last = id
            out[id] = try value(t, depth: depth)
        }
    }

    mutating func value(_ t: ThriftType, depth: Int) throws -> ThriftValue {
        switch t {
        case .boolTrue: return .bool(true)
        case .boolFalse: return .bool(false)
        case .byte: return .int(Int64(Int8(bitPattern: try r.u8("thrift byte"))))
        case .i16, .i32, .i64: return .int(try zigzag())
        case .double: return .double(Double(bitPattern: try r.u64("thrift double")))
        case .binary:
            let n = try varint()
            guard n <= UInt64(r.remaining) else { throw r.fail("thrift binary of \(n) bytes exceeds the \(r.remaining) left") }
            return .binary(try r.slice(Int(n), "thrift binary"))
        case .list, .set:
            let h = try r.u8("thrift list header")
            var n = UInt64(h >> 4)
            if n == 15 { n = try varint() }
            guard n <= UInt64(r.remaining) else { throw r.fail("thrift list of \(n) items exceeds the \(r.remaining) bytes left") }
            guard let et = ThriftType(rawValue: h & 0x0F) else { throw r.fail("thrift: unknown list element type") }
            var items: [ThriftValue] = []
            for _ in 0..<n {
                if et == .boolTrue || et == .boolFalse { items.append(.bool(try r.u8("thrift bool") == 1)); continue }
                items.append(try value(et, depth: depth + 1))
            }
            return .list(items)
        case .map:
            let n = try varint()
            guard n <= UInt64(r.remaining) else { throw r.fail("thrift map of \(n) entries exceeds the bytes left") }
            if n == 0 { return .map([]) }
            let kv = try r.u8("thrift map types")
            guard let kt = ThriftType(rawValue: kv >> 4), let vt = ThriftType(rawValue: kv & 0x0F) else { throw r.fail("thrift: bad map types") }
            var out: [(ThriftValue, ThriftValue)] = []
            for _ in 0..<n { out.append((try value(kt, depth: depth + 1), try value(vt, depth: depth + 1))) }
            return .map(out)
        case .structure: return .structure(try readStruct(depth: depth + 1))
        case .stop: throw r.fail("thrift: stop where a value was expected")
        }
    }
}
