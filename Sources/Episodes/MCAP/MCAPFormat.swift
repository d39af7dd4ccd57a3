// MCAP constants (spec: mcap.dev/spec). Records are <opcode u8><content length u64><content>, little-endian.

public enum MCAP {
    /// 0x89 "MCAP" "0" "\r\n": starts and ends every file; the "0" is the major version.
    public static let magic: [UInt8] = [0x89, 0x4D, 0x43, 0x41, 0x50, 0x30, 0x0D, 0x0A]

    public enum Opcode: UInt8, Sendable {
        case header = 0x01, footer = 0x02, schema = 0x03, channel = 0x04, message = 0x05, chunk = 0x06
        case messageIndex = 0x07, chunkIndex = 0x08, attachment = 0x09, attachmentIndex = 0x0A
        case statistics = 0x0B, metadata = 0x0C, metadataIndex = 0x0D, summaryOffset = 0x0E, dataEnd = 0x0F
    }

    public enum Compression: String, Sendable {
        case none = "", zstd = "zstd"
    }
}

/// A channel as registered in a file.
public struct MCAPChannel: Sendable, Equatable {
    public var id: UInt16
    public var schemaID: UInt16
    public var topic: String
    public var messageEncoding: String
    public var metadata: [String: String]
}

/// A schema as registered in a file.
public struct MCAPSchema: Sendable, Equatable {
    public var id: UInt16
    public var name: String
    public var encoding: String
    public var data: [UInt8]
}

/// One message as read back.
public struct MCAPMessage: Sendable {
    public var channelID: UInt16
    public var sequence: UInt32
    public var logTime: UInt64
    public var publishTime: UInt64
    public var data: [UInt8]
}

/// A Metadata record: a name and string pairs.
public struct MCAPMetadata: Sendable, Equatable {
    public var name: String
    public var values: [String: String]
}

extension ByteWriter {
    /// MCAP `Map<string,string>`: uint32 byte length, then key/value strings. Sorted for stable output.
    mutating func stringMap(_ m: [String: String]) {
        var inner = ByteWriter()
        for k in m.keys.sorted() { inner.string(k); inner.string(m[k] ?? "") }
        bytes32(inner.bytes)
    }

    /// Appends one record and returns its start offset within `bytes`.
    @discardableResult
    mutating func record(_ op: MCAP.Opcode, _ body: (inout ByteWriter) -> Void) -> Int {
        let start = count
        u8(op.rawValue)
        u64(0)
        body(&self)
        patchU64(at: start + 1, UInt64(count - start - 9))
        return start
    }
}

extension ByteReader {
    mutating func stringMap(_ what: String) throws -> [String: String] {
        var r = sub(try bytes32(what))
        var m: [String: String] = [:]
        while !r.isAtEnd { let k = try r.string(what + " key"); m[k] = try r.string(what + " value") }
        return m
    }
}
