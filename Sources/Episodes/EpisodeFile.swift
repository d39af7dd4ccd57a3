// One episode = one MCAP file: a channel per camera, robot state, the action sent, the command source with
// the intervention flag, and the instruction; episode facts (task, outcome, note, seed) as Metadata records.
// Step i is the message with sequence i on each channel, all stamped with the same log time.
import RobotKit

public enum EpisodeOutcome: String, Codable, Sendable, CaseIterable {
    case success, failure, unlabelled
    /// Cut short by a crash and recovered by `sessions repair`.
    case interrupted
}

/// One control tick as it goes to disk; camera images already JPEG-encoded.
public struct StepRecord: Sendable {
    public var time: Double            // seconds since the episode started
    public var state: RobotState
    public var action: Action          // what was actually sent, after safety checks
    public var source: CommandSource
    public var intervention: Bool      // a human corrected the policy at this step
    public var images: [String: [UInt8]]
    public init(time: Double, state: RobotState, action: Action, source: CommandSource, intervention: Bool,
                images: [String: [UInt8]]) {
        self.time = time; self.state = state; self.action = action; self.source = source
        self.intervention = intervention; self.images = images
    }
}

/// Writes one episode file. Not thread-safe: owned by the recorder's writer thread.
public final class EpisodeFileWriter {
    public let cameras: [CameraSpec]
    public let startNanos: UInt64
    private let mcap: MCAPWriter
    private var cameraChannels: [String: UInt16] = [:]
    private let stateCh: UInt16, actionCh: UInt16, sourceCh: UInt16, instructionCh: UInt16
    private var instructionSeq: UInt32 = 0
    public private(set) var stepCount = 0
    public var bytesWritten: UInt64 { mcap.position }

    /// `start` facts (task, robot, seed, fps …) go into an `episode_start` Metadata record right away,
    /// so even a file cut short says what it was.
    public init(sink: ByteSink, cameras: [CameraSpec], task: String, startNanos: UInt64,
                start: [String: String] = [:], options: MCAPWriter.Options = .init()) throws {
        self.cameras = cameras
        self.startNanos = startNanos
        mcap = try MCAPWriter(sink: sink, options: options)
        let image = try mcap.addSchema(name: EpisodeSchemas.imageSchema, encoding: "protobuf", data: EpisodeSchemas.imageDescriptorSet)
        let set = EpisodeSchemas.vlatermDescriptorSet
        let st = try mcap.addSchema(name: EpisodeSchemas.stateSchema, encoding: "protobuf", data: set)
        let ac = try mcap.addSchema(name: EpisodeSchemas.actionSchema, encoding: "protobuf", data: set)
        let so = try mcap.addSchema(name: EpisodeSchemas.sourceSchema, encoding: "protobuf", data: set)
        let ins = try mcap.addSchema(name: EpisodeSchemas.instructionSchema, encoding: "protobuf", data: set)
        for c in cameras {
            cameraChannels[c.name] = try mcap.addChannel(
                schemaID: image, topic: EpisodeSchemas.cameraTopic(c.name), messageEncoding: "protobuf",
                metadata: ["camera": c.name, "width": String(c.width), "height": String(c.height)])
        }
        stateCh = try mcap.addChannel(schemaID: st, topic: EpisodeSchemas.stateTopic, messageEncoding: "protobuf")
        actionCh = try mcap.addChannel(schemaID: ac, topic: EpisodeSchemas.actionTopic, messageEncoding: "protobuf")
        sourceCh = try mcap.addChannel(schemaID: so, topic: EpisodeSchemas.sourceTopic, messageEncoding: "protobuf")
        instructionCh = try mcap.addChannel(schemaID: ins, topic: EpisodeSchemas.instructionTopic, messageEncoding: "protobuf")
        var facts = start
        facts["task"] = task
        facts["start_ns"] = String(startNanos)
        facts["cameras"] = cameras.map(\.name).joined(separator: ",")
        try mcap.addMetadata(name: "episode_start", values: facts)
        try setInstruction(task, time: 0)
    }

    func nanos(_ t: Double) -> UInt64 { startNanos &+ UInt64(max(0, t) * 1e9) }

    /// Records the instruction in force from `time` on.
    public func setInstruction(_ text: String, time: Double) throws {
        let n = nanos(time)
        try mcap.write(channel: instructionCh, sequence: instructionSeq, logTime: n, publishTime: n,
                       data: EpisodeSchemas.encodeInstruction(nanos: n, text))
        instructionSeq += 1
    }

    public func write(_ s: StepRecord) throws {
        let n = nanos(s.time)
        let seq = UInt32(truncatingIfNeeded: stepCount)
        for c in cameras {
            guard let jpeg = s.images[c.name], let ch = cameraChannels[c.name] else { continue }
            try mcap.write(channel: ch, sequence: seq, logTime: n, publishTime: n,
                           data: EpisodeSchemas.encodeImage(nanos: n, frameID: c.name, jpeg: jpeg))
        }
        try mcap.write(channel: stateCh, sequence: seq, logTime: n, publishTime: n, data: EpisodeSchemas.encodeState(nanos: n, s.state))
        try mcap.write(channel: actionCh, sequence: seq, logTime: n, publishTime: n, data: EpisodeSchemas.encodeAction(nanos: n, s.action))
        try mcap.write(channel: sourceCh, sequence: seq, logTime: n, publishTime: n,
                       data: EpisodeSchemas.encodeSource(nanos: n, s.source, intervention: s.intervention))
        stepCount += 1
    }

    /// Writes the `episode` Metadata record (outcome, note, length …) and closes the file with its summary.
    public func finish(outcome: EpisodeOutcome, note: String = "", extra: [String: String] = [:]) throws {
        var facts = extra
        facts["outcome"] = outcome.rawValue
        facts["note"] = note
        facts["length"] = String(stepCount)
        try mcap.addMetadata(name: "episode", values: facts)
        try mcap.finish()
    }
}
