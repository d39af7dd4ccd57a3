import Foundation

/// A safetensors file that cannot be read or does not fit: names the file, the tensor (if any) and the problem.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let tensor: String?
    public let problem: String

    public init(file: String, tensor: String? = nil, _ problem: String) {
        self.file = file
        self.tensor = tensor
        self.problem = problem
    }

    public var description: String {
        "\(file)\(tensor.map { ": tensor '\($0)'" } ?? ""): \(problem)"
    }
}
