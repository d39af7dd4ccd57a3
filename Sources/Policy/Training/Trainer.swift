// The training loop: Adam on the L1 loss between predicted and demonstrated (normalised) action chunks,
// as in ACT. Deterministic for a seed and BLAS thread count: step s draws its batch and augmentation from a
// generator seeded by (seed, s) alone, so a run resumed from a checkpoint at step s sees exactly the batches
// an uninterrupted run would, and the checkpoint carries the optimizer's moments and step.
import Foundation
import RobotKit
import Tensor

public struct TrainOptions: Codable, Sendable, Equatable {
    public var steps: Int
    public var batch: Int
    public var learningRate: Float
    public var seed: UInt64
    /// Random-shift augmentation in pixels (0 = off).
    public var shift: Int
    /// Gaussian noise std added to each embedding dimension.
    public var textNoise: Float
    public var weightDecay: Float
    /// Weight of the auxiliary-point L1 loss next to the action loss (models with the auxiliary head).
    public var auxiliaryWeight: Float
    /// Weight of the image-cell cross-entropy (calibrated cameras) inside the auxiliary loss.
    public var imagePointWeight: Float = 0.2

    public init(steps: Int = 3000, batch: Int = 32, learningRate: Float = 1e-3, seed: UInt64 = 0, shift: Int = 4,
                textNoise: Float = 0.005, weightDecay: Float = 1e-4, auxiliaryWeight: Float = 1) {
        self.steps = steps; self.batch = batch; self.learningRate = learningRate; self.seed = seed
        self.shift = shift; self.textNoise = textNoise; self.weightDecay = weightDecay; self.auxiliaryWeight = auxiliaryWeight
    }
}

/// What a checkpoint remembers about the run besides weights and moments.
public struct TrainerState: Codable, Sendable, Equatable {
    public var step: Int
    public var losses: [Float]
    public var options: TrainOptions
}

/// The JSON block of a training checkpoint: the model's config plus the run state.
struct CheckpointConfig: Codable {
    var model: VLAConfig
    var trainer: TrainerState
}

public final class Trainer {
    public let network: VLANetwork
    public let dataset: DemoDataset
    public let embeddings: [String: [Float]]
    public let options: TrainOptions
    public let optimizer: Adam
    public private(set) var step = 0
    public private(set) var losses: [Float] = []
    /// The auxiliary-point part of each step's loss (unweighted; empty without the auxiliary head).
    public private(set) var auxiliaryLosses: [Float] = []

    public init(network: VLANetwork, dataset: DemoDataset, embeddings: [String: [Float]], options: TrainOptions) throws {
        guard !dataset.samples.isEmpty else { throw DatasetError("the dataset has no samples") }
        guard dataset.cameras == network.config.cameras, dataset.width == network.config.imageWidth,
              dataset.height == network.config.imageHeight else {
            throw DatasetError("dataset cameras \(dataset.cameras) \(dataset.width)x\(dataset.height) do not match the model's "
                               + "\(network.config.cameras) \(network.config.imageWidth)x\(network.config.imageHeight)")
        }
        self.network = network; self.dataset = dataset; self.embeddings = embeddings; self.options = options
        optimizer = Adam.adamW(network.orderedParameters.map(\.1), lr: options.learningRate, weightDecay: options.weightDecay)
    }

    /// The batch indices of step `s` (sampled with replacement from a generator seeded by seed and step).
    func generator(forStep s: Int) -> SeededGenerator {
        SeededGenerator(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(s) &* 0xD1B5_4A32_D192_ED03 &+ 1)
    }

    /// Learning rate at step s: linear warm-up over 100 steps, then cosine decay to 10%.
    func learningRate(at s: Int) -> Float {
        let warm = min(100, max(1, options.steps / 10))
        if s < warm { return options.learningRate * Float(s + 1) / Float(warm) }
        let t = Double(s - warm) / Double(max(1, options.steps - warm))
        return options.learningRate * Float(0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * min(1, t))))
    }

    /// One optimizer step; returns the batch's L1 loss.
    @discardableResult
    public func trainStep() throws -> Float {
        var rng = generator(forStep: step)
        let n = dataset.samples.count
        let indices = (0..<options.batch).map { _ in Int(rng.next() % UInt64(n)) }
        let batch = try dataset.batch(indices, config: network.config, embeddings: embeddings, shift: options.shift,
                                      textNoise: options.textNoise, rng: &rng)
        optimizer.zeroGrad()
        let out = network.forwardAll(images: batch.images, proprio: batch.proprio, text: batch.text)
        let actionLoss = l1Loss(out.actions, batch.target)
        var loss = actionLoss
        if let aux = out.auxiliary, let (auxTarget, mask) = batch.auxiliary {
            var auxLoss = l1Loss(aux * mask, auxTarget)     // the target is already 0 where the mask is
            // Calibrated cameras: the first Q queries' attention is a classifier over feature cells whose label is the
            // cell under the grasp / place point (cross-entropy, as CLIPort's pick and place heatmaps) — a strong,
            // local signal where a coordinate loss gives a 3-pixel object almost no gradient.
            for (ci, (cells, weights)) in batch.imagePoints.sorted(by: { $0.key < $1.key }) where ci < out.queryLogits.count {
                let logits = out.queryLogits[ci], b = logits.shape[0], q = cells.count / max(b, 1)
                let hw = logits.shape[2] * logits.shape[3]
                let picked = (q == logits.shape[1] ? logits : logits.slice(axis: 1, 0..<q)).reshaped([b * q, hw])
                let ce = crossEntropyLoss(picked, targets: cells, weights: weights)
                auxLoss = auxLoss + ce * options.imagePointWeight
            }
            loss = actionLoss + auxLoss * options.auxiliaryWeight
            auxiliaryLosses.append(auxLoss.item)
        }
        loss.backward()
        optimizer.learningRate = learningRate(at: step)
        optimizer.update()
        step += 1
        losses.append(actionLoss.item)
        return actionLoss.item
    }

    /// L1 loss on fixed samples without augmentation or an update (for tests and a held-out check).
    public func evaluate(_ indices: [Int]) throws -> Float {
        var rng = SeededGenerator(seed: 0)
        let batch = try dataset.batch(indices, config: network.config, embeddings: embeddings, shift: 0, textNoise: 0, rng: &rng)
        return withNoGrad { l1Loss(network.forward(images: batch.images, proprio: batch.proprio, text: batch.text), batch.target).item }
    }

    // MARK: Checkpoints

    static let momentPrefix = "optim."

    /// Weights + Adam moments (F32) + run state, written atomically.
    public func saveCheckpoint(to url: URL) throws {
        var tensors = network.parameters
        let (m, v) = optimizer.moments
        for (k, (name, p)) in network.orderedParameters.enumerated() {
            tensors[Self.momentPrefix + "m." + name] = Tensor(shape: p.shape, data: m[k])
            tensors[Self.momentPrefix + "v." + name] = Tensor(shape: p.shape, data: v[k])
        }
        let state = TrainerState(step: step, losses: losses, options: options)
        try Safetensors.save(parameters: tensors, config: CheckpointConfig(model: network.config, trainer: state), to: url)
    }

    /// Restores weights, moments, step and loss history from `saveCheckpoint`'s file.
    public func resume(from url: URL) throws {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: url) } catch let e as SafetensorsError {
            throw VLAModelError.corrupt(path: url.path, e.description)
        }
        let cp: CheckpointConfig
        do { cp = try file.config(CheckpointConfig.self) } catch {
            throw VLAModelError.corrupt(path: url.path, "no training state in it (a shipped model cannot be resumed; pass a checkpoint written by --checkpoint-every): \(error)")
        }
        guard cp.model.architecture == network.config.architecture, cp.model.cameras == network.config.cameras,
              cp.model.chunkSize == network.config.chunkSize else {
            throw VLAModelError.mismatch("\(url.path) was trained with another architecture, cameras or chunk size than this run")
        }
        var all = network.parameters
        var m: [[Float]] = [], v: [[Float]] = []
        for (name, p) in network.orderedParameters {
            let mt = Tensor(shape: p.shape), vt = Tensor(shape: p.shape)
            all[Self.momentPrefix + "m." + name] = mt; all[Self.momentPrefix + "v." + name] = vt
            m.append([]); v.append([])
            _ = (mt, vt)
        }
        do { try file.load(into: all) } catch let e as SafetensorsError { throw VLAModelError.corrupt(path: url.path, e.description) }
        for (k, (name, _)) in network.orderedParameters.enumerated() {
            m[k] = all[Self.momentPrefix + "m." + name]!.data
            v[k] = all[Self.momentPrefix + "v." + name]!.data
        }
        guard optimizer.restore(step: cp.trainer.step, m: m, v: v) else {
            throw VLAModelError.corrupt(path: url.path, "optimizer state does not match the parameters")
        }
        step = cp.trainer.step
        losses = Array(cp.trainer.losses.prefix(step))
    }
}
