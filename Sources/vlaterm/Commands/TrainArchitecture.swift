// Command-line knobs for the VLA architecture, shared by `vlaterm train` and `vlaterm bench policy`.
import ArgumentParser
import Foundation
import Policy

struct ArchitectureOptions: ParsableArguments {
    @Option(help: "Conv channels per block, comma-separated.") var convChannels = "16,32,32"
    @Option(help: "Conv kernel sizes per block (odd).") var convKernels = "5,3,3"
    @Option(help: "Conv strides per block.") var convStrides = "2,2,2"
    @Option(help: "Hidden width of the action MLP.") var hidden = 256

    func architecture() throws -> VLAArchitecture {
        func ints(_ s: String, _ flag: String) throws -> [Int] {
            let v = s.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !v.isEmpty, v.count == s.split(separator: ",").count else { throw ValidationError("--\(flag): comma-separated integers") }
            return v
        }
        let a = VLAArchitecture(convChannels: try ints(convChannels, "conv-channels"), convKernels: try ints(convKernels, "conv-kernels"),
                                convStrides: try ints(convStrides, "conv-strides"), hidden: hidden)
        var probe = VLAConfig(architecture: a)
        probe.architecture = a
        do { try probe.validate() } catch { throw ValidationError("\(error)") }
        return a
    }
}
