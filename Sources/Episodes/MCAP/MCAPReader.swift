// Reads an MCAP file from the front, record by record, so a file cut short by a crash still yields every
// complete chunk. Each chunk's CRC is checked; a chunk that fails is skipped and reported. Nothing here
// trusts a length field: each is checked against the bytes that remain before anything is allocated.

public struct MCAPReadResult: Sendable {
    public var header: (profile: String, library: String)?
    public var schemas: [UInt16: MCAPSchema] = [:]
    public var channels: [UInt16: MCAPChannel] = [:]
    public var messages: [MCAPMessage] = []
    public var metadata: [MCAPMetadata] = []
    /// Chunks whose CRC checked and whose messages are in `messages`.
    public var validChunks = 0
    /// Chunks skipped because their CRC or compression failed.
    public var badChunks = 0
    /// True when DataEnd, the footer and the closing magic were all found.
    public var complete = false
    /// Why reading stopped early, if it did (truncation, a malformed record).
    public var problems: [String] = []
    /// File offset just past the last record that parsed completely.
    public var validPrefix = 0
}

public enum MCAPReader {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Chunks above this decompressed size are refused (the writer makes ≤ 8 MiB chunks).
    public static let maxChunkSize = 256 << 20

    /// Parses `bytes`; throws only when the file is not MCAP at all (no leading magic or header).
    public static func read(_ bytes: [UInt8]) throws -> MCAPReadResult {
        var out = MCAPReadResult()
        guard bytes.count >= 8, Array(bytes[0..<8]) == MCAP.magic else {
            throw Failure(description: "not an MCAP file: the first 8 bytes are not the MCAP magic")
        }
        var r = ByteReader(bytes)
        try r.skip(8, "magic")
        out.validPrefix = 8
        var sawDataEnd = false
        while !r.isAtEnd {
            let recordStart = r.offset
            do {
                let opcode = try r.u8("record opcode")
                let length = try r.length64("record at \(recordStart) (opcode 0x\(String(opcode, radix: 16)))")
                let body = try r.slice(length, "record body")
                if sawDataEnd {
                    // Summary section: we rebuild everything from the data section, but we do need the footer.
                    if opcode == MCAP.Opcode.footer.rawValue {
                        out.complete = r.remaining >= 8 && Array(bytes[r.position..<(r.position + 8)]) == MCAP.magic
                        if !out.complete { out.problems.append("footer at \(recordStart) is not followed by the closing magic") }
                        out.validPrefix = r.offset
                        break
                    }
                    continue
                }
                try handle(opcode: opcode, body: r.sub(body), into: &out, inChunk: false)
                if opcode == MCAP.Opcode.dataEnd.rawValue { sawDataEnd = true }
                out.validPrefix = r.offset
            } catch let e as DecodeError {
                out.problems.append("stopped at byte \(recordStart): \(e.message)")
                break
            }
        }
        if out.header == nil { throw Failure(description: "not an MCAP file: no Header record after the magic") }
        if !out.complete && out.problems.isEmpty {
            out.problems.append(sawDataEnd ? "no footer after the summary" : "file ends without DataEnd (cut short)")
        }
        return out
    }

    private static func handle(opcode: UInt8, body: ByteReader, into out: inout MCAPReadResult, inChunk: Bool) throws {
        var b = body
        guard let op = MCAP.Opcode(rawValue: opcode) else { return }   // unknown opcodes are skipped by spec
        switch op {
        case .header:
            out.header = (try b.string("header profile"), try b.string("header library"))
        case .schema:
            let id = try b.u16("schema id")
            let s = MCAPSchema(id: id, name: try b.string("schema name"), encoding: try b.string("schema encoding"),
                               data: Array(try b.bytes32("schema data")))
            guard id != 0 else { throw b.fail("schema id 0 is reserved") }
            out.schemas[id] = s
        case .channel:
            let c = MCAPChannel(id: try b.u16("channel id"), schemaID: try b.u16("channel schema id"),
                                topic: try b.string("channel topic"), messageEncoding: try b.string("channel message encoding"),
                                metadata: try b.stringMap("channel metadata"))
            out.channels[c.id] = c
        case .message:
            let m = MCAPMessage(channelID: try b.u16("message channel"), sequence: try b.u32("message sequence"),
                                logTime: try b.u64("message log time"), publishTime: try b.u64("message publish time"),
                                data: Array(try b.slice(b.remaining, "message data")))
            out.messages.append(m)
        case .chunk:
            guard !inChunk else { throw b.fail("chunk inside a chunk") }
            try readChunk(b, into: &out)
        case .metadata:
            out.metadata.append(MCAPMetadata(name: try b.string("metadata name"), values: try b.stringMap("metadata")))
        default:
            break   // message indexes, attachments, DataEnd: nothing to collect here
        }
    }

    private static func readChunk(_ body: ByteReader, into out: inout MCAPReadResult) throws {
        var b = body
        _ = try b.u64("chunk start time"); _ = try b.u64("chunk end time")
        let rawSize = try b.u64("chunk uncompressed size")
        let crc = try b.u32("chunk crc")
        let compression = try b.string("chunk compression")
        let payload = try b.slice(try b.length64("chunk records"), "chunk records")
        guard rawSize <= UInt64(maxChunkSize) else {
            out.badChunks += 1; out.problems.append("chunk declares \(rawSize) bytes, above the limit; skipped"); return
        }
        let records: [UInt8]
        do {
            switch compression {
            case "": guard payload.count == Int(rawSize) else { throw b.fail("uncompressed chunk size mismatch") }
                records = Array(payload)
            case "zstd": records = try Zstd.decompress(payload, expectedSize: Int(rawSize), maxSize: maxChunkSize)
            default:
                out.badChunks += 1; out.problems.append("chunk compression '\(compression)' not supported; skipped"); return
            }
        } catch {
            out.badChunks += 1; out.problems.append("chunk at \(body.baseOffset): \(error); skipped"); return
        }
        if crc != 0 && Checksum.checksum(records) != crc {
            out.badChunks += 1; out.problems.append("chunk at \(body.baseOffset): CRC mismatch; skipped"); return
        }
        // Parse into a scratch copy so a malformed record inside drops the whole chunk, not half of it.
        var scratch = out
        scratch.messages = []
        var r = ByteReader(records, baseOffset: 0)
        do {
            while !r.isAtEnd {
                let op = try r.u8("chunk record opcode")
                let len = try r.length64("chunk record")
                try handle(opcode: op, body: r.sub(try r.slice(len, "chunk record body")), into: &scratch, inChunk: true)
            }
        } catch let e as DecodeError {
            out.badChunks += 1; out.problems.append("chunk at \(body.baseOffset): \(e.message); skipped"); return
        }
        out.schemas = scratch.schemas
        out.channels = scratch.channels
        out.messages.append(contentsOf: scratch.messages)
        out.validChunks += 1
    }
}
