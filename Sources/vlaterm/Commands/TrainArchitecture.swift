// Command-line knobs for the VLA architecture, shared by `vlaterm train` and `vlaterm bench policy`.
import ArgumentParser
import Foundation
import Policy

struct ArchitectureOptions: ParsableArguments {
    @Option(help: "Conv channels per block, comma-separated.") var convChannels = "16,32,32"
    @Option(help: "Conv kernel sizes per block (odd).") var convKernels = "5,3,3"
    @Option(help: "Conv strides per block.") var convStrides = "2,2,1"
    @Option(help: "Hidden width of the action MLP.") var hidden = 256
    @Option(help: "Keypoint maps per camera (1×1 conv + spatial softmax; 0 = softmax over the last block).") var keypoints = 16
    @Option(help: "Instruction-query keypoints per camera (attention over image positions; 0 = none).") var textKeypoints = 8
    @Option(help: "Feed the auxiliary points minus the hand position to the action head: on or off (off: on measured 38% vs 49%, models/README.md).") var goal = "off"
    @Option(help: "Gain on the keypoint logits (lets the softmax sharpen faster).") var keypointGain: Float = 10
    @Option(help: "Auxiliary head predicting where the gripper next closes and opens: on or off.") var auxiliary = "on"
    @Option(help: "Cameras the model reads, comma-separated (the simulator has front, wrist, overhead).") var cameras = "front,wrist"

    func architecture() throws -> VLAArchitecture {
        func ints(_ s: String, _ flag: String) throws -> [Int] {
            let v = s.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !v.isEmpty, v.count == s.split(separator: ",").count else { throw ValidationError("--\(flag): comma-separated integers") }
            return v
        }
        guard ["on", "off"].contains(auxiliary), ["on", "off"].contains(goal) else { throw ValidationError("--auxiliary / --goal: on or off") }
        let a = VLAArchitecture(convChannels: try ints(convChannels, "conv-channels"), convKernels: try ints(convKernels, "conv-kernels"),
                                convStrides: try ints(convStrides, "conv-strides"), hidden: hidden, keypoints: keypoints,
                                auxiliaryPoints: auxiliary == "on" ? AuxiliaryPoints.count : 0, keypointGain: keypointGain,
                                textKeypoints: textKeypoints, goalConditioned: goal == "on" && auxiliary == "on")
        var probe = VLAConfig(architecture: a)
        probe.architecture = a
        do { try probe.validate() } catch { throw ValidationError("\(error)") }
        return a
    }
}

extension ArchitectureOptions {
    var cameraNames: [String] {
        get throws {
            let names = cameras.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty, !names.contains(""), Set(names).count == names.count else {
                throw ValidationError("--cameras: distinct camera names, comma-separated (e.g. front,wrist)")
            }
            return names
        }
    }
}
