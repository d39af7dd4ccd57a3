// Reading and writing model files: safetensors with the VLAConfig JSON block. Reading treats the file as
// hostile: the config is validated before any tensor is sized from it, and every tensor must match the
// architecture exactly.
import Foundation
import Tensor

public enum VLAModelFile {
    /// Saves the weights (F16 for shipped models: half the size, well within the policy's tolerance).
    public static func save(_ network: VLANetwork, to url: URL, dtype: DType = .f32) throws {
        try Safetensors.save(parameters: network.parameters, config: network.config, to: url, dtype: dtype)
    }

    public static func load(url: URL) throws -> VLANetwork {
        guard FileManager.default.fileExists(atPath: url.path) else { throw VLAModelError.missing(path: url.path) }
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: url) } catch let e as SafetensorsError {
            throw VLAModelError.corrupt(path: url.path, e.problem)
        }
        let config: VLAConfig
        if let c = try? file.config(VLAConfig.self) {
            config = c
        } else if let cp = try? file.config(CheckpointConfig.self) {
            config = cp.model          // a training checkpoint works as a model too
        } else {
            throw VLAModelError.corrupt(path: url.path, "its metadata has no vlaterm model description ('\(Safetensors.jsonMetadataKey)')")
        }
        try config.validate()
        // Shapes first, so a file cannot make us allocate a network it does not actually hold.
        for (name, shape, _) in VLANetwork.parameterShapes(config) {
            guard let e = file.entries[name] else { throw VLAModelError.corrupt(path: url.path, "tensor '\(name)' is missing (expected shape \(shape))") }
            guard e.shape == shape else {
                throw VLAModelError.corrupt(path: url.path, "tensor '\(name)' has shape \(e.shape) but the architecture in its metadata needs \(shape)")
            }
        }
        let network = VLANetwork(config: config, seed: 0)
        var expected = network.parameters
        // Checkpoints also hold optimizer moments; they are not part of the model.
        for name in file.names where name.hasPrefix(Trainer.momentPrefix) { expected[name] = Tensor(shape: file.entries[name]!.shape) }
        do { try file.load(into: expected) } catch let e as SafetensorsError {
            throw VLAModelError.corrupt(path: url.path, "tensor '\(e.tensor ?? "?")': \(e.problem)")
        }
        for (name, t) in network.parameters where !t.data.allSatisfy(\.isFinite) {
            throw VLAModelError.corrupt(path: url.path, "tensor '\(name)' has non-finite values")
        }
        return network
    }
}
