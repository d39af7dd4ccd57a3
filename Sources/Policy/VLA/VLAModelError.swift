// Why a model file cannot be used. Every message names the file or field and says how to fix it.

public enum VLAModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file at the path.
    case missing(path: String)
    /// Unreadable, not safetensors, or the tensors do not match the architecture it claims.
    case corrupt(path: String, String)
    /// The JSON block has a field out of range or inconsistent.
    case badConfig(field: String, String)
    /// A valid model built for another robot (cameras, image size, action space).
    case mismatch(String)

    public static let fix = "Fix: train one with `vlaterm train --session NAME --out models/default.safetensors`, "
        + "point VLATERM_MODEL at a vlaterm model file, or restore the shipped models/default.safetensors (git checkout models/)."

    public var description: String {
        switch self {
        case .missing(let p): "no model file at \(p). \(Self.fix)"
        case .corrupt(let p, let why): "\(p) is not a usable vlaterm model: \(why). \(Self.fix)"
        case .badConfig(let field, let why): "model metadata field '\(field)': \(why). \(Self.fix)"
        case .mismatch(let why): "model refused: \(why)"
        }
    }
}
