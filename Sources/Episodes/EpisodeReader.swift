// Reads an episode file back into steps, for replay, export and training. Works on files cut short by a
// crash: every complete chunk is used; the partial last step (some channels missing) is dropped.
import RobotKit

public struct RecordedStep: Sendable {
    public var index: Int
    public var time: Double
    public var state: RobotState
    public var action: Action
    public var source: CommandSource
    public var intervention: Bool
    /// Camera name → JPEG bytes (decode with `JPEGCodec` when pixels are needed).
    public var images: [String: [UInt8]]
}

public struct RecordedEpisode: Sendable {
    public var cameras: [CameraSpec]
    public var steps: [RecordedStep]
    /// (seconds since start, text), in order.
    public var instructions: [(time: Double, text: String)]
    /// `episode_start` facts overlaid with the final `episode` facts (absent when cut short).
    public var facts: [String: String]
    public var task: String { facts["task"] ?? instructions.first?.text ?? "" }
    /// nil when the file never got its `episode` record (still recording, or crashed).
    public var outcome: EpisodeOutcome? { facts["finished"] == "1" ? EpisodeOutcome(rawValue: facts["outcome"] ?? "") : nil }
    public var read: MCAPReadResult
}

public enum EpisodeReader {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(path: String) throws -> RecordedEpisode {
        do { return try read(bytes: try DurableFile.read(path)) } catch let e as Failure {
            throw Failure(description: "\(path): \(e.description)")
        } catch let e as MCAPReader.Failure {
            throw Failure(description: "\(path): \(e.description)")
        }
    }

    public static func read(bytes: [UInt8]) throws -> RecordedEpisode {
        var r = try MCAPReader.read(bytes)
        var facts: [String: String] = [:]
        for m in r.metadata where m.name == "episode_start" { facts.merge(m.values) { $1 } }
        for m in r.metadata where m.name == "episode" { facts.merge(m.values) { $1 }; facts["finished"] = "1" }

        var byTopic: [UInt16: String] = [:]
        var cameras: [CameraSpec] = []
        var cameraOf: [UInt16: String] = [:]
        for c in r.channels.values.sorted(by: { $0.id < $1.id }) {
            byTopic[c.id] = c.topic
            if r.schemas[c.schemaID]?.name == EpisodeSchemas.imageSchema {
                let name = c.metadata["camera"] ?? c.topic
                cameras.append(CameraSpec(name: name, width: Int(c.metadata["width"] ?? "") ?? 0,
                                          height: Int(c.metadata["height"] ?? "") ?? 0))
                cameraOf[c.id] = name
            }
        }
        if let order = facts["cameras"]?.split(separator: ",").map(String.init), Set(order) == Set(cameras.map(\.name)) {
            cameras.sort { (order.firstIndex(of: $0.name) ?? 0) < (order.firstIndex(of: $1.name) ?? 0) }
        }
        let start = UInt64(facts["start_ns"] ?? "") ?? r.messages.map(\.logTime).min() ?? 0
        func seconds(_ t: UInt64) -> Double { t >= start ? Double(t - start) / 1e9 : -Double(start - t) / 1e9 }

        var states: [UInt32: (UInt64, RobotState)] = [:], actions: [UInt32: Action] = [:]
        var sources: [UInt32: (CommandSource, Bool)] = [:], images: [UInt32: [String: [UInt8]]] = [:]
        var instructions: [(UInt64, String)] = []
        for m in r.messages {
            let topic = byTopic[m.channelID] ?? ""
            do {
                if let cam = cameraOf[m.channelID] {
                    images[m.sequence, default: [:]][cam] = try EpisodeSchemas.decodeImage(m.data).data
                } else if topic == EpisodeSchemas.stateTopic {
                    states[m.sequence] = (m.logTime, try EpisodeSchemas.decodeState(m.data))
                } else if topic == EpisodeSchemas.actionTopic {
                    actions[m.sequence] = try EpisodeSchemas.decodeAction(m.data)
                } else if topic == EpisodeSchemas.sourceTopic {
                    sources[m.sequence] = try EpisodeSchemas.decodeSource(m.data)
                } else if topic == EpisodeSchemas.instructionTopic {
                    instructions.append((m.logTime, try EpisodeSchemas.decodeInstruction(m.data)))
                }
            } catch let e as DecodeError {
                throw Failure(description: "message \(m.sequence) on \(topic): \(e.message)")
            }
        }
        var steps: [RecordedStep] = []
        for seq in states.keys.sorted() {
            guard let (t, s) = states[seq], let a = actions[seq] else { continue }
            let (src, inter) = sources[seq] ?? (.none, false)
            steps.append(RecordedStep(index: steps.count, time: seconds(t), state: s, action: a, source: src,
                                      intervention: inter, images: images[seq] ?? [:]))
        }
        r.messages = []   // the decoded steps hold what we need; drop the raw copies
        return RecordedEpisode(cameras: cameras, steps: steps,
                               instructions: instructions.sorted { $0.0 < $1.0 }.map { (seconds($0.0), $0.1) },
                               facts: facts, read: r)
    }
}
