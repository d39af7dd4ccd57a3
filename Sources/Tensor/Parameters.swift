// Saving and restoring a model's named parameters, with a JSON block (architecture, normalisation stats, …)
// carried in the safetensors `__metadata__` map under one key.
import Foundation

extension Safetensors {
    /// The `__metadata__` key that holds a model's JSON description.
    public static let jsonMetadataKey = "vlaterm.json"

    /// Saves parameters (by name) with `config` encoded as JSON under `jsonMetadataKey`.
    public static func save<Config: Encodable>(parameters: [String: Tensor], config: Config, to url: URL,
                                               dtype: DType = .f32, extraMetadata: [String: String] = [:]) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let json = try enc.encode(config)
        var meta = extraMetadata
        meta[jsonMetadataKey] = String(decoding: json, as: UTF8.self)
        try write(parameters, to: url, dtype: dtype, metadata: meta)
    }
}

extension SafetensorsFile {
    /// Decodes the JSON block stored by `Safetensors.save(parameters:config:…)`.
    public func config<Config: Decodable>(_ type: Config.Type, key: String = Safetensors.jsonMetadataKey) throws -> Config {
        guard let s = metadata[key] else {
            throw SafetensorsError(file: fileName, "no '\(key)' entry in __metadata__ (not a vlaterm model file?)")
        }
        do { return try JSONDecoder().decode(type, from: Data(s.utf8)) } catch {
            throw SafetensorsError(file: fileName, "__metadata__ '\(key)' does not describe a \(type): \(error)")
        }
    }

    /// Copies stored values into existing parameters of the same names and shapes. Every parameter must be
    /// present with the right shape; extra tensors in the file are an error too unless `allowExtra`.
    public func load(into parameters: [String: Tensor], allowExtra: Bool = false) throws {
        for name in parameters.keys.sorted() {
            let p = parameters[name]!
            guard let e = entries[name] else {
                throw SafetensorsError(file: fileName, tensor: name, "missing (the model expects it with shape \(p.shape))")
            }
            guard e.shape == p.shape else {
                throw SafetensorsError(file: fileName, tensor: name, "shape \(e.shape) but the model expects \(p.shape)")
            }
            p.data = try floats(name)
        }
        if !allowExtra, let extra = names.first(where: { parameters[$0] == nil }) {
            throw SafetensorsError(file: fileName, tensor: extra, "not a parameter of this model")
        }
    }
}
