// Errors from loading or running the text encoder. Each says which file and how to fix it.

public enum TextEncoderError: Error, CustomStringConvertible, Equatable {
    /// The encoder folder or one of its files is absent.
    case missingFile(String)
    /// A file is present but unusable; the string says why.
    case badFile(String, String)

    /// How to get a good copy of the encoder.
    public static let fix = "Fix: run `make run` or `scripts/setup.sh` to fetch all-MiniLM-L6-v2 into ~/.cache/vlaterm/all-MiniLM-L6-v2, or set VLATERM_TEXT_ENCODER to a folder with config.json, vocab.txt and model.safetensors."

    public var description: String {
        switch self {
        case .missingFile(let path): "text encoder: \(path) is missing. \(Self.fix)"
        case .badFile(let path, let why): "text encoder: \(path) \(why). \(Self.fix)"
        }
    }
}
