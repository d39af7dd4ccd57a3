// Hand-written protobuf wire format: enough to encode our channel messages and their FileDescriptorSet,
// and to decode them again with every length checked (messages read back from disk are untrusted).

/// Builds one protobuf message.
public struct ProtoWriter {
    public var bytes: [UInt8] = []
    public init() {}

    mutating func varint(_ v: UInt64) { bytes.appendULEB128(v) }
    mutating func tag(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }

    public mutating func uint(_ field: Int, _ v: UInt64) { guard v != 0 else { return }; tag(field, 0); varint(v) }
    public mutating func int(_ field: Int, _ v: Int64) { guard v != 0 else { return }; tag(field, 0); varint(UInt64(bitPattern: v)) }
    public mutating func bool(_ field: Int, _ v: Bool) { guard v else { return }; tag(field, 0); varint(1) }
    public mutating func double(_ field: Int, _ v: Double) {
        guard v.bitPattern != 0 else { return }
        tag(field, 1)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func bytesField(_ field: Int, _ b: [UInt8]) {
        tag(field, 2); varint(UInt64(b.count)); bytes.append(contentsOf: b)
    }
    public mutating func string(_ field: Int, _ s: String) { guard !s.isEmpty else { return }; bytesField(field, Array(s.utf8)) }
    /// proto2-style fields (descriptors) are written even when empty/zero.
    public mutating func stringAlways(_ field: Int, _ s: String) { bytesField(field, Array(s.utf8)) }
    public mutating func intAlways(_ field: Int, _ v: Int64) { tag(field, 0); varint(UInt64(bitPattern: v)) }
    public mutating func message(_ field: Int, _ m: ProtoWriter) { bytesField(field, m.bytes) }
    /// proto3 packed repeated double.
    public mutating func packedDoubles(_ field: Int, _ vs: [Double]) {
        guard !vs.isEmpty else { return }
        tag(field, 2); varint(UInt64(vs.count * 8))
        for v in vs { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    }
}

/// One decoded field value.
public enum ProtoValue {
    case varint(UInt64)
    case fixed64(UInt64)
    case fixed32(UInt32)
    case bytes(ArraySlice<UInt8>)
}

/// Walks the fields of one protobuf message.
public struct ProtoReader {
    var r: ByteReader
    public init(_ bytes: ArraySlice<UInt8>) { r = ByteReader(bytes) }

    mutating func varint() throws -> UInt64 { try r.uleb128("varint") }

    /// The next (field number, value), or nil at the end.
    public mutating func next() throws -> (Int, ProtoValue)? {
        if r.isAtEnd { return nil }
        let key = try varint()
        let field = Int(key >> 3)
        guard field > 0, field < 1 << 29 else { throw r.fail("bad field number \(field)") }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed64(try r.u64("fixed64")))
        case 5: return (field, .fixed32(try r.u32("fixed32")))
        case 2:
            let n = try varint()
            guard n <= UInt64(r.remaining) else { throw r.fail("field \(field): length \(n) exceeds \(r.remaining) bytes left") }
            return (field, .bytes(try r.slice(Int(n), "field \(field)")))
        default: throw r.fail("field \(field): unsupported wire type \(key & 7)")
        }
    }
}

extension ProtoValue {
    public var double: Double? { if case .fixed64(let v) = self { return Double(bitPattern: v) }; return nil }
    public var uint: UInt64? { if case .varint(let v) = self { return v }; return nil }
    public var int: Int64? { uint.map { Int64(bitPattern: $0) } }
    public var bytes: ArraySlice<UInt8>? { if case .bytes(let b) = self { return b }; return nil }
    public var string: String? { bytes.flatMap { String(validating: $0, as: UTF8.self) } }
    /// Packed doubles (or one unpacked double).
    public var doubles: [Double]? {
        switch self {
        case .fixed64(let v): return [Double(bitPattern: v)]
        case .bytes(let b):
            guard b.count % 8 == 0 else { return nil }
            var out: [Double] = []
            out.reserveCapacity(b.count / 8)
            var i = b.startIndex
            while i < b.endIndex {
                var v: UInt64 = 0
                for k in 0..<8 { v |= UInt64(b[i + k]) << (8 * UInt64(k)) }
                out.append(Double(bitPattern: v)); i += 8
            }
            return out
        default: return nil
        }
    }
}

/// Builds `google.protobuf.FileDescriptorSet` bytes by hand (descriptor.proto field numbers).
public enum Descriptor {
    public enum FieldType: Int64, Sendable { case double = 1, int64 = 3, uint64 = 4, int32 = 5, bool = 8, string = 9, message = 11, bytes = 12, uint32 = 13 }
    public enum Label: Int64, Sendable { case optional = 1, repeated = 3 }

    public struct Field: Sendable {
        public var name: String, number: Int64, type: FieldType, label: Label = .optional, typeName: String? = nil
        public init(_ name: String, _ number: Int64, _ type: FieldType, _ label: Label = .optional, typeName: String? = nil) {
            self.name = name; self.number = number; self.type = type; self.label = label; self.typeName = typeName
        }
    }

    /// DescriptorProto: name = 1, field = 2. FieldDescriptorProto: name 1, number 3, label 4, type 5, type_name 6, json_name 10.
    public static func message(_ name: String, _ fields: [Field]) -> ProtoWriter {
        var m = ProtoWriter()
        m.stringAlways(1, name)
        for f in fields {
            var fw = ProtoWriter()
            fw.stringAlways(1, f.name); fw.intAlways(3, f.number); fw.intAlways(4, f.label.rawValue)
            fw.intAlways(5, f.type.rawValue)
            if let t = f.typeName { fw.stringAlways(6, t) }
            fw.stringAlways(10, jsonName(f.name))
            m.message(2, fw)
        }
        return m
    }

    /// FileDescriptorProto: name 1, package 2, dependency 3, message_type 4, syntax 12.
    public static func file(name: String, package: String, dependencies: [String] = [], messages: [ProtoWriter]) -> ProtoWriter {
        var f = ProtoWriter()
        f.stringAlways(1, name); f.stringAlways(2, package)
        for d in dependencies { f.stringAlways(3, d) }
        for m in messages { f.message(4, m) }
        f.stringAlways(12, "proto3")
        return f
    }

    /// FileDescriptorSet: file = 1 (dependencies first, as protoc emits them).
    public static func set(_ files: [ProtoWriter]) -> [UInt8] {
        var s = ProtoWriter()
        for f in files { s.message(1, f) }
        return s.bytes
    }

    /// google/protobuf/timestamp.proto, needed by every message that carries a Timestamp.
    public static var timestampFile: ProtoWriter {
        file(name: "google/protobuf/timestamp.proto", package: "google.protobuf",
             messages: [message("Timestamp", [Field("seconds", 1, .int64), Field("nanos", 2, .int32)])])
    }

    static func jsonName(_ s: String) -> String {
        var out = ""; var upper = false
        for c in s { if c == "_" { upper = true } else { out += upper ? c.uppercased() : String(c); upper = false } }
        return out
    }
}
