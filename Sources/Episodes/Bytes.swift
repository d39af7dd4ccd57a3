// Module Episodes: sessions on disk, the MCAP writer/reader/repair, and the LeRobot v3.0 exporter.
// Little-endian byte building and bounds-checked reading shared by the MCAP, protobuf and Parquet code.
// Every read of untrusted bytes goes through `ByteReader`, which throws instead of trapping.

/// Appends little-endian scalars and length-prefixed fields to a byte array.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8] = []
    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public var count: Int { bytes.count }
    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    public mutating func raw<S: Sequence>(_ b: S) where S.Element == UInt8 { bytes.append(contentsOf: b) }
    /// A string with a uint32 byte-length prefix (MCAP `String`).
    public mutating func string(_ s: String) { let u = Array(s.utf8); u32(UInt32(u.count)); raw(u) }
    /// Bytes with a uint32 length prefix.
    public mutating func bytes32(_ b: [UInt8]) { u32(UInt32(b.count)); raw(b) }
    /// Overwrites 8 bytes at `offset` (for lengths known only after the body is written).
    public mutating func patchU64(at offset: Int, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { for i in 0..<8 { bytes[offset + i] = $0[i] } }
    }
}

/// What went wrong while decoding untrusted bytes: where, and what was expected.
public struct DecodeError: Error, CustomStringConvertible, Equatable, Sendable {
    public var offset: Int
    public var message: String
    public init(offset: Int, _ message: String) { self.offset = offset; self.message = message }
    public var description: String { "at byte \(offset): \(message)" }
}

/// Reads little-endian scalars from a byte slice; every read checks bounds and throws `DecodeError`.
public struct ByteReader {
    public let bytes: ArraySlice<UInt8>
    /// Absolute index into `bytes` (slices keep their parent's indices).
    public private(set) var position: Int
    /// Added to positions in error messages so they name file offsets.
    public let baseOffset: Int

    public init(_ bytes: ArraySlice<UInt8>, baseOffset: Int = 0) {
        self.bytes = bytes; self.position = bytes.startIndex; self.baseOffset = baseOffset
    }
    public init(_ bytes: [UInt8], baseOffset: Int = 0) { self.init(bytes[...], baseOffset: baseOffset) }

    public var remaining: Int { bytes.endIndex - position }
    public var isAtEnd: Bool { position >= bytes.endIndex }
    /// Offset from the start of the slice.
    public var offset: Int { position - bytes.startIndex }

    func fail(_ what: String) -> DecodeError { DecodeError(offset: baseOffset + offset, what) }

    public mutating func need(_ n: Int, _ what: String) throws {
        guard n >= 0, n <= remaining else { throw fail("\(what): needs \(n) bytes, \(remaining) left") }
    }
    public mutating func u8(_ what: String = "u8") throws -> UInt8 {
        try need(1, what); defer { position += 1 }; return bytes[position]
    }
    private mutating func le<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        let n = MemoryLayout<T>.size
        try need(n, what)
        var v: T = 0
        for i in 0..<n { v |= T(bytes[position + i]) << (8 * i) }
        position += n
        return v
    }
    public mutating func u16(_ what: String = "u16") throws -> UInt16 { try le(UInt16.self, what) }
    public mutating func u32(_ what: String = "u32") throws -> UInt32 { try le(UInt32.self, what) }
    public mutating func u64(_ what: String = "u64") throws -> UInt64 { try le(UInt64.self, what) }
    public mutating func slice(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
        try need(n, what); defer { position += n }; return bytes[position..<(position + n)]
    }
    /// An unsigned LEB128 varint, as protobuf and Thrift's compact protocol both write it; at most 10 bytes.
    public mutating func uleb128(_ what: String) throws -> UInt64 {
        var v: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            let b = try u8(what)
            v |= UInt64(b & 0x7F) << UInt64(shift)
            if b & 0x80 == 0 { return v }
        }
        throw fail("\(what) longer than 10 bytes")
    }
    /// A length that must fit in what is left; never trusted for allocation before this check.
    public mutating func length32(_ what: String) throws -> Int {
        let n = Int(try u32(what + " length"))
        try need(n, what)
        return n
    }
    public mutating func length64(_ what: String) throws -> Int {
        let raw = try u64(what + " length")
        guard raw <= UInt64(remaining) else { throw fail("\(what): length \(raw) exceeds the \(remaining) bytes left") }
        return Int(raw)
    }
    public mutating func string(_ what: String) throws -> String {
        let b = try slice(try length32(what), what)
        guard let s = String(validating: b, as: UTF8.self) else { throw fail("\(what): not valid UTF-8") }
        return s
    }
    public mutating func bytes32(_ what: String) throws -> ArraySlice<UInt8> { try slice(try length32(what), what) }
    public mutating func skip(_ n: Int, _ what: String) throws { try need(n, what); position += n }
    /// A reader over a sub-slice of this one whose error offsets still name positions in the whole input.
    public func sub(_ s: ArraySlice<UInt8>) -> ByteReader {
        ByteReader(s, baseOffset: baseOffset + (s.startIndex - bytes.startIndex))
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib and MCAP use it), slicing-by-4 for speed on image-heavy chunks.
public enum Checksum {
    static let tables: [[UInt32]] = {
        var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 4)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<4 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xFF)] }
        }
        return t
    }()

    /// Continues a running CRC (start with 0) over `data`.
    public static func update<C: Collection>(_ crc: UInt32, _ data: C) -> UInt32 where C.Element == UInt8 {
        if let r = data.withContiguousStorageIfAvailable({ update(crc, UnsafeRawBufferPointer($0)) }) { return r }
        return update(crc, Array(data))
    }

    public static func update(_ crc: UInt32, _ buf: UnsafeRawBufferPointer) -> UInt32 {
        var c = ~crc
        let t0 = tables[0], t1 = tables[1], t2 = tables[2], t3 = tables[3]
        var i = 0
        let n = buf.count
        t0.withUnsafeBufferPointer { t0 in t1.withUnsafeBufferPointer { t1 in
            t2.withUnsafeBufferPointer { t2 in t3.withUnsafeBufferPointer { t3 in
                while i + 4 <= n {
                    c ^= UInt32(buf[i]) | UInt32(buf[i + 1]) << 8 | UInt32(buf[i + 2]) << 16 | UInt32(buf[i + 3]) << 24
                    c = t3[Int(c & 0xFF)] ^ t2[Int((c >> 8) & 0xFF)] ^ t1[Int((c >> 16) & 0xFF)] ^ t0[Int(c >> 24)]
                    i += 4
                }
                while i < n { c = t0[Int((c ^ UInt32(buf[i])) & 0xFF)] ^ (c >> 8); i += 1 }
            } }
        } }
        return ~c
    }

    public static func checksum<C: Collection>(_ data: C) -> UInt32 where C.Element == UInt8 { update(0, data) }
}

extension Array where Element == UInt8 {
    /// Appends `v` as an unsigned LEB128 varint (protobuf and Thrift compact use the same encoding).
    mutating func appendULEB128(_ v: UInt64) {
        var v = v
        while v >= 0x80 { append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        append(UInt8(v))
    }
}
