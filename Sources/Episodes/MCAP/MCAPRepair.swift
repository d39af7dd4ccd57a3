// Rebuilds an MCAP file from what `MCAPReader` could recover: every message of every chunk whose CRC
// checked, the schemas, channels and metadata, plus a fresh summary and footer. The result is written to
// a temporary name, fsynced and renamed over the original, so the original survives until the copy is whole.
#if canImport(Glibc)
import Glibc
#endif

public enum MCAPRepair {
    /// Re-encodes `read` into `sink`, adding `extraMetadata` records after the recovered ones.
    public static func rewrite(_ read: MCAPReadResult, messages: [MCAPMessage], to sink: ByteSink,
                               extraMetadata: [MCAPMetadata] = [], options: MCAPWriter.Options = .init()) throws {
        var opts = options
        if let h = read.header { opts.profile = h.profile }
        let w = try MCAPWriter(sink: sink, options: opts)
        var schemaMap: [UInt16: UInt16] = [:]
        for s in read.schemas.values.sorted(by: { $0.id < $1.id }) {
            schemaMap[s.id] = try w.addSchema(name: s.name, encoding: s.encoding, data: s.data)
        }
        var channelMap: [UInt16: UInt16] = [:]
        for c in read.channels.values.sorted(by: { $0.id < $1.id }) {
            // A channel whose schema was lost keeps schema id 0 ("no schema"), as the spec allows.
            channelMap[c.id] = try w.addChannel(schemaID: schemaMap[c.schemaID] ?? 0, topic: c.topic,
                                                messageEncoding: c.messageEncoding, metadata: c.metadata)
        }
        for m in read.metadata { try w.addMetadata(name: m.name, values: m.values) }
        for m in extraMetadata { try w.addMetadata(name: m.name, values: m.values) }
        for m in messages {
            guard let ch = channelMap[m.channelID] else { continue }   // message on an unknown channel: unusable
            try w.write(channel: ch, sequence: m.sequence, logTime: m.logTime, publishTime: m.publishTime, data: m.data)
        }
        try w.finish()
    }
}

/// What `sessions repair` did to one episode file.
public struct EpisodeRepairReport: Codable, Sendable {
    public var file: String
    /// "ok" (nothing to do), "repaired", or "unrecoverable".
    public var status: String
    public var stepsKept: Int
    public var validChunks: Int
    public var badChunks: Int
    public var bytesBefore: Int
    public var bytesAfter: Int
    public var problems: [String]
    public init(file: String, status: String, stepsKept: Int, validChunks: Int, badChunks: Int, bytesBefore: Int,
                bytesAfter: Int, problems: [String]) {
        self.file = file; self.status = status; self.stepsKept = stepsKept; self.validChunks = validChunks
        self.badChunks = badChunks; self.bytesBefore = bytesBefore; self.bytesAfter = bytesAfter; self.problems = problems
    }
}

public enum EpisodeRepair {
    /// Repairs one episode file in place when it is cut short or has bad chunks.
    /// An unfinished episode gets an `episode` Metadata record with outcome `interrupted`.
    public static func repair(path: String) throws -> EpisodeRepairReport {
        let bytes = try DurableFile.read(path)
        let raw: MCAPReadResult
        do { raw = try MCAPReader.read(bytes) } catch {
            return EpisodeRepairReport(file: path, status: "unrecoverable", stepsKept: 0, validChunks: 0, badChunks: 0,
                                       bytesBefore: bytes.count, bytesAfter: bytes.count, problems: ["\(error)"])
        }
        let episode = try EpisodeReader.read(bytes: bytes)
        var report = EpisodeRepairReport(file: path, status: "ok", stepsKept: episode.steps.count,
                                         validChunks: raw.validChunks, badChunks: raw.badChunks,
                                         bytesBefore: bytes.count, bytesAfter: bytes.count, problems: raw.problems)
        if raw.complete && raw.badChunks == 0 { return report }
        var extra: [MCAPMetadata] = []
        if episode.outcome == nil {
            extra.append(MCAPMetadata(name: "episode", values: [
                "outcome": EpisodeOutcome.interrupted.rawValue, "length": String(episode.steps.count),
                "note": "recovered by sessions repair: \(raw.problems.joined(separator: "; "))",
            ]))
        }
        let tmp = path + ".repair-tmp"
        let sink = try FileSink(path: tmp)
        do {
            try MCAPRepair.rewrite(raw, messages: raw.messages, to: sink, extraMetadata: extra)
        } catch {
            try? sink.close()
            _ = tmp.withCString { unlink($0) }
            throw error
        }
        try DurableFile.renameDurably(tmp, to: path)
        report.status = "repaired"
        report.bytesAfter = (try? DurableFile.read(path).count) ?? 0
        return report
    }
}
