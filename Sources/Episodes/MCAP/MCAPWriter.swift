// A chunked, indexed MCAP writer: messages are buffered into a chunk, compressed with zstd and written
// with a CRC once the chunk spans `chunkSpan` of log time (or grows past `chunkBytes`), followed by one
// MessageIndex per channel. `finish()` writes DataEnd, the summary (schemas, channels, statistics, chunk
// and metadata indexes), summary offsets and the footer. A crash loses at most the chunk being buffered:
// everything before it is complete records that `MCAPReader` and `MCAPRepair` can recover.

public final class MCAPWriter {
    public struct Options: Sendable {
        public var compression: MCAP.Compression = .zstd
        /// Flush a chunk once its messages span this much log time (nanoseconds). 1 s bounds crash loss.
        public var chunkSpanNanos: UInt64 = 1_000_000_000
        /// Flush a chunk once its uncompressed records reach this size.
        public var chunkBytes: Int = 8 << 20
        /// fdatasync after each chunk so a power cut, not only a crash, keeps finished chunks.
        public var syncEachChunk: Bool = true
        public var profile: String = ""
        public var library: String = "vlaterm"
        public init() {}
    }

    public let options: Options
    private let sink: ByteSink
    /// File offset of the next byte we write.
    public private(set) var position: UInt64 = 0
    private var dataCRC: UInt32 = 0

    private var schemas: [MCAPSchema] = []
    private var channels: [MCAPChannel] = []
    private var chunkIndexes: [ByteWriter] = []
    private var metadataIndexes: [(offset: UInt64, length: UInt64, name: String)] = []

    // Statistics.
    private var messageCount: UInt64 = 0
    private var messageStart: UInt64 = .max
    private var messageEnd: UInt64 = 0
    private var channelCounts: [UInt16: UInt64] = [:]
    private var chunkCount: UInt32 = 0

    // The open chunk.
    private var chunk = ByteWriter(capacity: 1 << 20)
    private var chunkStart: UInt64 = .max
    private var chunkEnd: UInt64 = 0
    private var chunkMessageIndex: [UInt16: ByteWriter] = [:]
    private var finished = false

    /// Bytes written to the sink in compressed chunks and the uncompressed size they came from.
    public private(set) var compressedBytes: UInt64 = 0
    public private(set) var uncompressedBytes: UInt64 = 0

    public init(sink: ByteSink, options: Options = Options()) throws {
        self.sink = sink
        self.options = options
        var w = ByteWriter()
        w.raw(MCAP.magic)
        w.record(.header) { $0.string(options.profile); $0.string(options.library) }
        try emit(w.bytes)
    }

    private func emit(_ bytes: [UInt8], data: Bool = true) throws {
        try sink.write(bytes)
        if data { dataCRC = Checksum.update(dataCRC, bytes) }
        position += UInt64(bytes.count)
    }

    public func addSchema(name: String, encoding: String, data: [UInt8]) throws -> UInt16 {
        let s = MCAPSchema(id: UInt16(schemas.count + 1), name: name, encoding: encoding, data: data)
        schemas.append(s)
        var w = ByteWriter()
        Self.encode(schema: s, into: &w)
        try emit(w.bytes)
        return s.id
    }

    public func addChannel(schemaID: UInt16, topic: String, messageEncoding: String,
                           metadata: [String: String] = [:]) throws -> UInt16 {
        let c = MCAPChannel(id: UInt16(channels.count), schemaID: schemaID, topic: topic,
                            messageEncoding: messageEncoding, metadata: metadata)
        channels.append(c)
        var w = ByteWriter()
        Self.encode(channel: c, into: &w)
        try emit(w.bytes)
        return c.id
    }

    static func encode(schema s: MCAPSchema, into w: inout ByteWriter) {
        w.record(.schema) { $0.u16(s.id); $0.string(s.name); $0.string(s.encoding); $0.bytes32(s.data) }
    }

    static func encode(channel c: MCAPChannel, into w: inout ByteWriter) {
        w.record(.channel) {
            $0.u16(c.id); $0.u16(c.schemaID); $0.string(c.topic); $0.string(c.messageEncoding); $0.stringMap(c.metadata)
        }
    }

    /// Buffers one message into the open chunk; flushes the chunk when it spans enough time or bytes.
    public func write(channel: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64,
                      data: [UInt8]) throws {
        let offset = UInt64(chunk.count)
        chunk.record(.message) {
            $0.u16(channel); $0.u32(sequence); $0.u64(logTime); $0.u64(publishTime); $0.raw(data)
        }
        chunkMessageIndex[channel, default: ByteWriter()].u64(logTime)
        chunkMessageIndex[channel, default: ByteWriter()].u64(offset)
        chunkStart = min(chunkStart, logTime)
        chunkEnd = max(chunkEnd, logTime)
        messageCount += 1
        messageStart = min(messageStart, logTime)
        messageEnd = max(messageEnd, logTime)
        channelCounts[channel, default: 0] += 1
        if chunkEnd - chunkStart >= options.chunkSpanNanos || chunk.count >= options.chunkBytes {
            try flushChunk()
        }
    }

    /// Writes a Metadata record (outside chunks, as the spec requires) and remembers it for the index.
    public func addMetadata(name: String, values: [String: String]) throws {
        var w = ByteWriter()
        w.record(.metadata) { $0.string(name); $0.stringMap(values) }
        metadataIndexes.append((position, UInt64(w.count), name))
        try emit(w.bytes)
    }

    /// Compresses and writes the open chunk and its message indexes; no-op when empty.
    public func flushChunk() throws {
        guard !chunkMessageIndex.isEmpty else { return }
        let records = chunk.bytes
        let crc = Checksum.checksum(records)
        let payload: [UInt8]
        switch options.compression {
        case .none: payload = records
        case .zstd: payload = try Zstd.compress(records[...])
        }
        let chunkOffset = position
        var w = ByteWriter(capacity: payload.count + 64)
        w.record(.chunk) {
            $0.u64(chunkStart); $0.u64(chunkEnd); $0.u64(UInt64(records.count)); $0.u32(crc)
            $0.string(options.compression.rawValue)
            $0.u64(UInt64(payload.count)); $0.raw(payload)
        }
        let chunkLength = UInt64(w.count)
        var indexOffsets: [(UInt16, UInt64)] = []
        for ch in chunkMessageIndex.keys.sorted() {
            indexOffsets.append((ch, chunkOffset + UInt64(w.count)))
            let entries = chunkMessageIndex[ch]?.bytes ?? []
            w.record(.messageIndex) { $0.u16(ch); $0.bytes32(entries) }
        }
        let indexLength = UInt64(w.count) - chunkLength
        try emit(w.bytes)

        var ci = ByteWriter()
        ci.record(.chunkIndex) {
            $0.u64(chunkStart); $0.u64(chunkEnd); $0.u64(chunkOffset); $0.u64(chunkLength)
            var m = ByteWriter()
            for (ch, off) in indexOffsets { m.u16(ch); m.u64(off) }
            $0.bytes32(m.bytes)
            $0.u64(indexLength); $0.string(options.compression.rawValue)
            $0.u64(UInt64(payload.count)); $0.u64(UInt64(records.count))
        }
        chunkIndexes.append(ci)
        chunkCount += 1
        compressedBytes += UInt64(payload.count)
        uncompressedBytes += UInt64(records.count)

        chunk.bytes.removeAll(keepingCapacity: true)
        chunkMessageIndex.removeAll(keepingCapacity: true)
        chunkStart = .max
        chunkEnd = 0
        if options.syncEachChunk { try sink.sync() }
    }

    /// Flushes, writes DataEnd, the summary section, summary offsets and the footer, then syncs and closes.
    public func finish() throws {
        guard !finished else { return }
        try flushChunk()
        var de = ByteWriter()
        de.record(.dataEnd) { $0.u32(dataCRC) }
        try emit(de.bytes, data: false)

        let summaryStart = position
        var s = ByteWriter()
        var groups: [(MCAP.Opcode, Int, Int)] = []
        func group(_ op: MCAP.Opcode, _ body: (inout ByteWriter) -> Void) {
            let start = s.count
            body(&s)
            if s.count > start { groups.append((op, start, s.count - start)) }
        }
        group(.schema) { w in for sc in schemas { Self.encode(schema: sc, into: &w) } }
        group(.channel) { w in for c in channels { Self.encode(channel: c, into: &w) } }
        group(.statistics) { w in
            w.record(.statistics) {
                $0.u64(messageCount); $0.u16(UInt16(schemas.count)); $0.u32(UInt32(channels.count))
                $0.u32(0); $0.u32(UInt32(metadataIndexes.count)); $0.u32(chunkCount)
                $0.u64(messageCount == 0 ? 0 : messageStart); $0.u64(messageEnd)
                var m = ByteWriter()
                for ch in channelCounts.keys.sorted() { m.u16(ch); m.u64(channelCounts[ch] ?? 0) }
                $0.bytes32(m.bytes)
            }
        }
        group(.chunkIndex) { w in for ci in chunkIndexes { w.raw(ci.bytes) } }
        group(.metadataIndex) { w in
            for mi in metadataIndexes { w.record(.metadataIndex) { $0.u64(mi.offset); $0.u64(mi.length); $0.string(mi.name) } }
        }
        let summaryOffsetStart = summaryStart + UInt64(s.count)
        for (op, start, length) in groups {
            s.record(.summaryOffset) { $0.u8(op.rawValue); $0.u64(summaryStart + UInt64(start)); $0.u64(UInt64(length)) }
        }
        // Footer: the summary CRC covers the summary, the summary offsets and the footer up to its CRC field.
        s.u8(MCAP.Opcode.footer.rawValue); s.u64(20); s.u64(summaryStart); s.u64(summaryOffsetStart)
        s.u32(Checksum.checksum(s.bytes))
        s.raw(MCAP.magic)
        try emit(s.bytes, data: false)
        try sink.sync()
        try sink.close()
        finished = true
    }
}
