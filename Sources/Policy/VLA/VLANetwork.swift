// The network of the embedded VLA (RT-1-style FiLM conditioning, ACT-style chunk head):
//
//   per camera:  image (B, 3, H, W) ─► [conv k/s ─► FiLM(γ, β from text) ─► ReLU] × L ─► 1×1 conv (N maps)
//                ─► spatial softmax ─► (B, 2N)
//   text (B, 384) ─► linear ─► ReLU ─► (B, P)
//   concat(keypoints of every camera, proprio (B, 5), text projection) ─► [linear ─► ReLU] × M ═► linear ─► (B, K·A)
//                                                                                              ╚► linear ─► (B, 3·Q) auxiliary points
//
// FiLM lets the instruction decide which features the conv stack keeps ("the red cube" lights up red
// blobs), and spatial softmax turns each keypoint map into an image coordinate (Levine et al.), which is what
// a pick-place controller needs. The keypoint maps are logits (no ReLU) so the softmax can become sharp.
// The auxiliary head predicts where the gripper will next close and open (training signal only; see
// VLAArchitecture.auxiliaryPoints). Outputs are normalised (see VLAConfig.actionNormalizer / proprioNormalizer).
import Foundation
import RobotKit
import Tensor

public final class VLANetwork {
    public let config: VLAConfig
    /// Every parameter by its checkpoint name.
    public let parameters: [String: Tensor]

    /// Every parameter's name, shape and fan-in, from the config alone (checked against a file before allocating).
    public static func parameterShapes(_ config: VLAConfig) -> [(name: String, shape: [Int], fanIn: Int)] {
        var out: [(String, [Int], Int)] = []
        let a = config.architecture, text = config.textDimension
        for cam in 0..<config.cameras.count {
            var inC = 3
            for (j, outC) in a.convChannels.enumerated() {
                let k = a.convKernels[j], fan = inC * k * k
                out.append(("cam\(cam).conv\(j).weight", [outC, inC, k, k], fan))
                out.append(("cam\(cam).conv\(j).bias", [outC], fan))
                out.append(("cam\(cam).film\(j).weight", [2 * outC, text], 0))
                out.append(("cam\(cam).film\(j).bias", [2 * outC], 0))
                inC = outC
            }
            if a.keypoints > 0 {
                out.append(("cam\(cam).keypoints.weight", [a.keypoints, inC, 1, 1], inC))
                out.append(("cam\(cam).keypoints.bias", [a.keypoints], inC))
            }
            if a.textKeypoints > 0 {
                out.append(("cam\(cam).query.weight", [a.textKeypoints * inC, text], text))
                out.append(("cam\(cam).query.bias", [a.textKeypoints * inC], 0))
            }
        }
        out.append(("text.weight", [a.textProjection, text], text))
        out.append(("text.bias", [a.textProjection], text))
        var width = config.cameras.count * a.featuresPerCamera + config.proprioDimension + a.textProjection
        for j in 0..<a.mlpLayers {
            out.append(("mlp\(j).weight", [a.hidden, width], width))
            out.append(("mlp\(j).bias", [a.hidden], width))
            width = a.hidden
        }
        let k = config.chunkSize * config.actionDimension
        if a.goalConditioned && a.auxiliaryPoints > 0 {
            // The head also sees where the auxiliary points are relative to the hand (3 per point).
            let goalWidth = width + 3 * a.auxiliaryPoints
            out.append(("goal.weight", [a.hidden, goalWidth], goalWidth))
            out.append(("goal.bias", [a.hidden], goalWidth))
        }
        out.append(("head.weight", [k, width], width))
        out.append(("head.bias", [k], 0))
        if a.auxiliaryPoints > 0 {
            out.append(("aux.weight", [3 * a.auxiliaryPoints, width], width))
            out.append(("aux.bias", [3 * a.auxiliaryPoints], 0))
        }
        return out
    }

    /// A freshly initialised network (PyTorch-default uniform init from a seeded generator). FiLM starts
    /// near identity (γ ≈ 0, β = 0) so every block begins as plain conv + ReLU; the head bias starts at 0.
    public init(config: VLAConfig, seed: UInt64) {
        self.config = config
        var rng = SeededGenerator(seed: seed)
        var p: [String: Tensor] = [:]
        for (name, shape, fan) in Self.parameterShapes(config) {
            if name.contains(".film") && name.hasSuffix(".weight") {
                p[name] = Tensor.uniform(shape, bound: 0.01, using: &rng)
            } else if name.contains(".keypoints.") {
                let gain = config.architecture.keypointGain
                p[name] = Tensor(shape: shape, data: Tensor.kaimingUniform(shape, fanIn: fan, using: &rng).data.map { $0 / gain },
                                 requiresGrad: true)
            } else if fan == 0 {
                p[name] = Tensor(shape: shape, repeating: 0, requiresGrad: true)
            } else {
                p[name] = Tensor.kaimingUniform(shape, fanIn: fan, using: &rng)
            }
        }
        parameters = p
    }

    /// These weights under another description (training provenance, evaluation results); the architecture must
    /// be the same, so every parameter keeps its shape.
    public func relabeled(_ newConfig: VLAConfig) -> VLANetwork {
        precondition(newConfig.architecture == config.architecture && newConfig.cameras == config.cameras
                     && newConfig.chunkSize == config.chunkSize, "VLANetwork.relabeled: the architecture changed")
        let copy = VLANetwork(config: newConfig, seed: 0)
        for (name, p) in copy.parameters { p.data = parameters[name]!.data }
        return copy
    }

    /// Parameters in a fixed (name-sorted) order, for the optimizer and its saved state.
    public var orderedParameters: [(String, Tensor)] { parameters.keys.sorted().map { ($0, parameters[$0]!) } }

    public var parameterCount: Int { parameters.values.reduce(0) { $0 + $1.count } }

    /// images: one (B, 3, H, W) per camera in `config.cameras` order, values ≈ [−0.5, 0.5];
    /// proprio: (B, P) normalised; text: (B, D) instruction embeddings → (B, K·A) normalised actions.
    public func forward(images: [Tensor], proprio: Tensor, text: Tensor) -> Tensor {
        forwardWithAuxiliary(images: images, proprio: proprio, text: text).actions
    }

    /// Everything one forward pass gives: actions, the auxiliary head's (B, 3·Q) normalised points (nil without
    /// the head) and each camera's instruction-query attention logits (empty without them).
    public struct Outputs {
        public var actions: Tensor
        public var auxiliary: Tensor?
        /// Each camera's instruction-query attention logits (B, textKeypoints, H', W'), before the softmax.
        public var queryLogits: [Tensor]
    }

    /// The actions and, when the architecture has the auxiliary head, its (B, 3·Q) normalised point predictions.
    public func forwardWithAuxiliary(images: [Tensor], proprio: Tensor, text: Tensor) -> (actions: Tensor, auxiliary: Tensor?) {
        let o = forwardAll(images: images, proprio: proprio, text: text)
        return (o.actions, o.auxiliary)
    }

    public func forwardAll(images: [Tensor], proprio: Tensor, text: Tensor) -> Outputs {
        precondition(images.count == config.cameras.count, "VLANetwork: \(images.count) images for \(config.cameras.count) cameras")
        let b = proprio.shape[0], a = config.architecture
        var parts: [Tensor] = [], queryLogits: [Tensor] = []
        for (cam, image) in images.enumerated() {
            var x = image                                                       // (B, C_in, H, W)
            for j in a.convChannels.indices {
                let k = a.convKernels[j]
                x = x.conv2d(weight: w("cam\(cam).conv\(j).weight"), bias: w("cam\(cam).conv\(j).bias"),
                             stride: a.convStrides[j], padding: k / 2)          // (B, C, H', W')
                let film = text.linear(weight: w("cam\(cam).film\(j).weight"), bias: w("cam\(cam).film\(j).bias"))  // (B, 2C)
                x = x.filmReLU(film)                                            // relu(x · (1 + γ) + β)
            }
            if a.textKeypoints > 0 {
                let logits = textQueryLogits(features: x, text: text, camera: cam)   // (B, Q, H', W')
                parts.append(logits.spatialSoftmax().reshaped([b, -1]))              // (B, 2Q)
                queryLogits.append(logits)
            }
            if a.keypoints > 0 {
                // gain · conv(x, W, b) = conv(x, gain·W, gain·b): scaling the small weights instead of the maps.
                x = x.conv2d(weight: w("cam\(cam).keypoints.weight") * a.keypointGain,
                             bias: w("cam\(cam).keypoints.bias") * a.keypointGain, stride: 1, padding: 0)
            }
            parts.append(x.spatialSoftmax().reshaped([b, -1]))                  // (B, 2N)
        }
        parts.append(proprio)                                                   // (B, P)
        parts.append(text.linear(weight: w("text.weight"), bias: w("text.bias")).relu())  // (B, T)
        var h = Tensor.concat(parts, axis: 1)
        for j in 0..<a.mlpLayers {
            h = h.linear(weight: w("mlp\(j).weight"), bias: w("mlp\(j).bias")).relu()
        }
        let aux = a.auxiliaryPoints > 0 ? h.linear(weight: w("aux.weight"), bias: w("aux.bias")) : nil
        if a.goalConditioned, let aux {
            // Subgoal conditioning: the predicted grasp / place points minus the hand position. Both are normalised
            // with the same statistics (proprioception's x, y, z), so the difference is an offset in those units.
            let hand = proprio.slice(axis: 1, 0..<3)
            let offsets = (0..<a.auxiliaryPoints).map { q in aux.slice(axis: 1, (3 * q)..<(3 * q + 3)) - hand }
            h = Tensor.concat([h] + offsets, axis: 1).linear(weight: w("goal.weight"), bias: w("goal.bias")).relu()
        }
        let actions = h.linear(weight: w("head.weight"), bias: w("head.bias"))  // (B, K·A)
        return Outputs(actions: actions, auxiliary: aux, queryLogits: queryLogits)
    }

    /// Attention logits of Q instruction queries over the feature map: logit_q(y, x) = gain · Σ_c query_qc · F_c(y, x)
    /// → (B, Q, H, W); spatial softmax turns them into coordinates.
    private func textQueryLogits(features x: Tensor, text: Tensor, camera cam: Int) -> Tensor {
        let b = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3], q = config.architecture.textKeypoints
        let queries = text.linear(weight: w("cam\(cam).query.weight"), bias: w("cam\(cam).query.bias"))   // (B, Q·C)
        // One (Q, C) · (C, H·W) product per sample: query k's row is queries[k·C ..< (k+1)·C].
        // The gain scales the (B, Q·C) queries rather than the (B, Q, H·W) maps: the same product, a smaller op.
        let scaled = (queries * config.architecture.keypointGain).reshaped([b, q, c])
        return scaled.batchedMatmul(x.reshaped([b, c, h * wd])).reshaped([b, q, h, wd])             // (B, Q, H, W)
    }

    private func w(_ name: String) -> Tensor {
        guard let t = parameters[name] else { preconditionFailure("VLANetwork: no parameter \(name)") }
        return t
    }
}

