// The protobuf messages on an episode's channels, their descriptor sets, and their encode/decode.
// Cameras use Foxglove's own `foxglove.CompressedImage` so Foxglove shows them without configuration;
// the rest are small vlaterm messages whose descriptors travel inside the file.
import RobotKit

public enum EpisodeSchemas {
    public static let imageSchema = "foxglove.CompressedImage"
    public static let stateSchema = "vlaterm.RobotState"
    public static let actionSchema = "vlaterm.ActionSent"
    public static let sourceSchema = "vlaterm.ControlSource"
    public static let instructionSchema = "vlaterm.Instruction"

    public static let stateTopic = "/robot/state"
    public static let actionTopic = "/robot/action"
    public static let sourceTopic = "/control/source"
    public static let instructionTopic = "/instruction"
    public static func cameraTopic(_ name: String) -> String { "/camera/\(name)/image" }

    static let ts = Descriptor.Field("timestamp", 1, .message, typeName: ".google.protobuf.Timestamp")

    /// foxglove/CompressedImage.proto, field numbers as Foxglove publishes them.
    public static var imageDescriptorSet: [UInt8] {
        let m = Descriptor.message("CompressedImage", [
            ts, Descriptor.Field("frame_id", 4, .string), Descriptor.Field("data", 2, .bytes),
            Descriptor.Field("format", 3, .string),
        ])
        return Descriptor.set([Descriptor.timestampFile,
                               Descriptor.file(name: "foxglove/CompressedImage.proto", package: "foxglove",
                                               dependencies: ["google/protobuf/timestamp.proto"], messages: [m])])
    }

    /// vlaterm/episode.proto: every vlaterm message in one file, so each schema's set is self-contained.
    public static var vlatermDescriptorSet: [UInt8] {
        let msgs = [
            Descriptor.message("RobotState", [
                ts, .init("joint_positions", 2, .double, .repeated), .init("joint_velocities", 3, .double, .repeated),
                .init("ee_position", 4, .double, .repeated), .init("ee_orientation_wxyz", 5, .double, .repeated),
                .init("gripper", 6, .double),
            ]),
            Descriptor.message("ActionSent", [
                ts, .init("dx", 2, .double), .init("dy", 3, .double), .init("dz", 4, .double),
                .init("dyaw", 5, .double), .init("gripper", 6, .double),
            ]),
            Descriptor.message("ControlSource", [ts, .init("source", 2, .string), .init("intervention", 3, .bool)]),
            Descriptor.message("Instruction", [ts, .init("text", 2, .string)]),
        ]
        return Descriptor.set([Descriptor.timestampFile,
                               Descriptor.file(name: "vlaterm/episode.proto", package: "vlaterm",
                                               dependencies: ["google/protobuf/timestamp.proto"], messages: msgs)])
    }

    static func timestamp(_ nanos: UInt64) -> ProtoWriter {
        var t = ProtoWriter()
        t.int(1, Int64(nanos / 1_000_000_000)); t.int(2, Int64(nanos % 1_000_000_000))
        return t
    }

    public static func encodeImage(nanos: UInt64, frameID: String, jpeg: [UInt8]) -> [UInt8] {
        var w = ProtoWriter()
        w.message(1, timestamp(nanos)); w.string(4, frameID); w.bytesField(2, jpeg); w.string(3, "jpeg")
        return w.bytes
    }

    public static func encodeState(nanos: UInt64, _ s: RobotState) -> [UInt8] {
        var w = ProtoWriter()
        w.message(1, timestamp(nanos))
        w.packedDoubles(2, s.jointPositions); w.packedDoubles(3, s.jointVelocities)
        let p = s.endEffector.position, q = s.endEffector.quaternion
        w.packedDoubles(4, [p.x, p.y, p.z]); w.packedDoubles(5, [q[0], q[1], q[2], q[3]])
        w.double(6, s.gripper)
        return w.bytes
    }

    public static func encodeAction(nanos: UInt64, _ a: Action) -> [UInt8] {
        var w = ProtoWriter()
        w.message(1, timestamp(nanos))
        w.double(2, a.dx); w.double(3, a.dy); w.double(4, a.dz); w.double(5, a.dyaw); w.double(6, a.gripper)
        return w.bytes
    }

    public static func encodeSource(nanos: UInt64, _ source: CommandSource, intervention: Bool) -> [UInt8] {
        var w = ProtoWriter()
        w.message(1, timestamp(nanos)); w.string(2, source.rawValue); w.bool(3, intervention)
        return w.bytes
    }

    public static func encodeInstruction(nanos: UInt64, _ text: String) -> [UInt8] {
        var w = ProtoWriter()
        w.message(1, timestamp(nanos)); w.string(2, text)
        return w.bytes
    }

    // Decoding: unknown fields are skipped (forward compatible); wrong wire types are errors.

    static func bad(_ what: String) -> DecodeError { DecodeError(offset: 0, what) }

    public static func decodeImage(_ b: [UInt8]) throws -> (format: String, data: [UInt8]) {
        var r = ProtoReader(b[...]); var format = "", data: [UInt8] = []
        while let (f, v) = try r.next() {
            switch f {
            case 2: guard let d = v.bytes else { throw bad("CompressedImage.data: wrong wire type") }; data = Array(d)
            case 3: format = v.string ?? ""
            default: break
            }
        }
        return (format, data)
    }

    public static func decodeState(_ b: [UInt8]) throws -> RobotState {
        var r = ProtoReader(b[...])
        var s = RobotState(jointPositions: [], jointVelocities: [], endEffector: Pose(position: .zero), gripper: 0)
        while let (f, v) = try r.next() {
            switch f {
            case 2: s.jointPositions += try doubles(v, "joint_positions")
            case 3: s.jointVelocities += try doubles(v, "joint_velocities")
            case 4:
                let p = try doubles(v, "ee_position")
                guard p.count == 3 else { throw bad("RobotState.ee_position: expected 3 values, got \(p.count)") }
                s.endEffector.position = SIMD3(p[0], p[1], p[2])
            case 5:
                let q = try doubles(v, "ee_orientation_wxyz")
                guard q.count == 4 else { throw bad("RobotState.ee_orientation_wxyz: expected 4 values, got \(q.count)") }
                s.endEffector.quaternion = SIMD4(q[0], q[1], q[2], q[3])
            case 6: s.gripper = try double(v, "gripper")
            default: break
            }
        }
        return s
    }

    public static func decodeAction(_ b: [UInt8]) throws -> Action {
        var r = ProtoReader(b[...]); var a = Action(gripper: 0)
        while let (f, v) = try r.next() {
            switch f {
            case 2: a.dx = try double(v, "dx")
            case 3: a.dy = try double(v, "dy")
            case 4: a.dz = try double(v, "dz")
            case 5: a.dyaw = try double(v, "dyaw")
            case 6: a.gripper = try double(v, "gripper")
            default: break
            }
        }
        return a
    }

    public static func decodeSource(_ b: [UInt8]) throws -> (CommandSource, Bool) {
        var r = ProtoReader(b[...]); var s = CommandSource.none, inter = false
        while let (f, v) = try r.next() {
            switch f {
            case 2: s = CommandSource(rawValue: v.string ?? "") ?? .none
            case 3: inter = (v.uint ?? 0) != 0
            default: break
            }
        }
        return (s, inter)
    }

    public static func decodeInstruction(_ b: [UInt8]) throws -> String {
        var r = ProtoReader(b[...]); var text = ""
        while let (f, v) = try r.next() { if f == 2 { text = v.string ?? "" } }
        return text
    }

    private static func double(_ v: ProtoValue, _ name: String) throws -> Double {
        guard let d = v.double else { throw bad("field \(name): expected a double") }
        return d
    }
    private static func doubles(_ v: ProtoValue, _ name: String) throws -> [Double] {
        guard let d = v.doubles else { throw bad("field \(name): expected packed doubles") }
        return d
    }
}
