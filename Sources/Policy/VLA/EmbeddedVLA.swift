// The built-in vision-language-action policy: a VLANetwork plus the text encoder, behind the `Policy`
// protocol. Loading validates the file (hostile input) and `check(cameras:actionNames:)` refuses a model
// made for another robot before it ever drives one.
import Foundation
import RobotKit
import Tensor

/// Turns an instruction into the model's text embedding (all-MiniLM-L6-v2 in production; a stub in tests).
public protocol InstructionEmbedder: AnyObject {
    var dimension: Int { get }
    func embedding(_ text: String) -> [Float]
}

extension TextEncoder: InstructionEmbedder {
    public func embedding(_ text: String) -> [Float] { embed(text).vector }
}

public final class EmbeddedVLA: Policy {
    public let network: VLANetwork
    public var config: VLAConfig { network.config }
    public let name = "embedded"
    public var chunkSize: Int { config.chunkSize }
    private let embedder: InstructionEmbedder
    /// Embeddings by instruction text: MiniLM costs ~10 ms, and the console sends the same sentence every chunk.
    private var embeddingCache: [String: [Float]] = [:]
    /// The auxiliary head's last prediction in robot units: where the gripper will next close and open
    /// ([x, y, z] each), nil for models without the head. For displays and diagnosis; never sent to the robot.
    public private(set) var lastPoints: [[Double]]?

    public init(network: VLANetwork, embedder: InstructionEmbedder) throws {
        guard embedder.dimension == network.config.textDimension else {
            throw VLAModelError.mismatch("the model expects \(network.config.textDimension)-D instruction embeddings "
                                         + "(\(network.config.textEncoder)) but the text encoder gives \(embedder.dimension)-D")
        }
        self.network = network; self.embedder = embedder
    }

    /// `VLATERM_MODEL` if set, else `models/default.safetensors` under the current directory, else next to
    /// the package root the executable was built in (…/.build/<config>/vlaterm → …/models/).
    public static var defaultModelURL: URL {
        let env = ProcessInfo.processInfo.environment
        if let p = env["VLATERM_MODEL"], !p.isEmpty { return URL(fileURLWithPath: p) }
        let rel = "models/default.safetensors"
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(rel)
        if FileManager.default.fileExists(atPath: cwd.path) { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(rel)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return cwd
    }

    /// Loads a model file; `embedder` nil loads all-MiniLM-L6-v2 from its default folder (may throw TextEncoderError).
    public static func load(url: URL, embedder: InstructionEmbedder? = nil) throws -> EmbeddedVLA {
        let network = try VLAModelFile.load(url: url)
        return try EmbeddedVLA(network: network, embedder: embedder ?? TextEncoder())
    }

    /// Refuses a model whose cameras, image size or action space this robot does not provide.
    public func check(cameras: [CameraSpec], actionNames: [String] = Action.names) throws {
        try Self.check(config, cameras: cameras, actionNames: actionNames)
    }

    public static func check(_ config: VLAConfig, cameras: [CameraSpec], actionNames: [String] = Action.names) throws {
        guard config.actionNames == actionNames else {
            throw VLAModelError.mismatch("it outputs actions \(config.actionNames) but this robot takes \(actionNames); "
                                         + "train a model on this robot's recordings")
        }
        for name in config.cameras {
            guard let spec = cameras.first(where: { $0.name == name }) else {
                throw VLAModelError.mismatch("it needs camera \"\(name)\" but this robot has \(cameras.map(\.name)); "
                                             + "train a model on this robot's cameras")
            }
            guard spec.width == config.imageWidth, spec.height == config.imageHeight else {
                throw VLAModelError.mismatch("it was trained on \(config.imageWidth)x\(config.imageHeight) images but camera "
                                             + "\"\(name)\" gives \(spec.width)x\(spec.height); run the robot at the model's size or retrain")
            }
        }
    }

    public func reset() { embeddingCache.removeAll(keepingCapacity: true) }

    /// The cached embedding of an instruction.
    public func embedding(for instruction: String) -> [Float] {
        if let e = embeddingCache[instruction] { return e }
        let e = embedder.embedding(instruction)
        if embeddingCache.count > 256 { embeddingCache.removeAll() }
        embeddingCache[instruction] = e
        return e
    }

    public func infer(_ request: PolicyRequest) throws -> ActionChunk {
        let start = DispatchTime.now().uptimeNanoseconds
        var frames: [Frame] = []
        for name in config.cameras {
            guard let f = request.observation.frames[name] else {
                throw PolicyError.configuration("observation has no \"\(name)\" frame (model cameras: \(config.cameras))")
            }
            guard f.width == config.imageWidth, f.height == config.imageHeight, f.pixels.count == f.width * f.height * 3 else {
                throw PolicyError.configuration("camera \"\(name)\" frame is \(f.width)x\(f.height); the model needs \(config.imageWidth)x\(config.imageHeight)")
            }
            frames.append(f)
        }
        let actions = predict(frames: frames, proprioception: request.observation.state.proprioception,
                              embedding: embedding(for: request.instruction))
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        return ActionChunk(actions: actions, done: false, inferenceMs: ms)
    }

    /// One forward pass: frames in `config.cameras` order → K actions in robot units. The gripper is clamped
    /// to 0 (closed) … 1 (open); every value is finite or zero.
    public func predict(frames: [Frame], proprioception: [Double], embedding: [Float]) -> [[Double]] {
        let p = config.proprioDimension
        var prop = [Float](repeating: 0, count: p)
        for i in 0..<min(p, proprioception.count) { prop[i] = Float(proprioception[i]) }
        let (out, aux) = withNoGrad {
            network.forwardWithAuxiliary(images: frames.map(ImagePixels.tensor),
                                         proprio: Tensor(shape: [1, p], data: config.proprioNormalizer.normalize(prop)),
                                         text: Tensor(shape: [1, config.textDimension], data: embedding))
        }
        lastPoints = aux.map { t in
            let n = config.proprioNormalizer
            var points: [[Double]] = []
            for k in 0..<(t.count / 3) {
                var xyz: [Double] = []
                for i in 0..<3 {
                    let v: Float = t.data[3 * k + i] * n.std[i] + n.mean[i]
                    xyz.append(Double(v))
                }
                points.append(xyz)
            }
            return points
        }
        let a = config.actionDimension, gripper = config.actionNames.firstIndex(of: "gripper")
        return (0..<config.chunkSize).map { k in
            var row = config.actionNormalizer.denormalize(Array(out.data[(k * a)..<((k + 1) * a)])).map(Double.init)
            for i in row.indices where !row[i].isFinite { row[i] = 0 }
            if let g = gripper { row[g] = min(max(row[g], 0), 1) }
            return row
        }
    }
}
