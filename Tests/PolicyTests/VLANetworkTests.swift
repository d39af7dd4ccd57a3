import Foundation
import Policy
import RobotKit
import Tensor
import XCTest

final class VLANetworkTests: XCTestCase {
    func testForwardShapesAndFeatureSize() {
        let config = VLAFixture.tinyConfig()
        let net = VLANetwork(config: config, seed: 3)
        let b = 3
        let images = config.cameras.map { _ in Tensor(shape: [b, 3, 12, 16], repeating: 0.1) }
        let out = withNoGrad { net.forward(images: images, proprio: Tensor(shape: [b, 5]), text: Tensor(shape: [b, 8], repeating: 0.2)) }
        XCTAssertEqual(out.shape, [b, config.chunkSize * 5])
        XCTAssertTrue(out.data.allSatisfy(\.isFinite))
        // 12x16 → stride 2 → 6x8 → stride 1 → 6x8
        XCTAssertTrue(config.architecture.featureSize(height: 12, width: 16) == (6, 8))
        // The default (shipped) architecture on 96x72.
        XCTAssertTrue(VLAArchitecture().featureSize(height: 72, width: 96) == (18, 24))
    }

    func testInstructionChangesThePrediction() throws {
        // FiLM and the text projection must make the output depend on the instruction embedding.
        let config = VLAFixture.tinyConfig()
        let vla = try EmbeddedVLA(network: VLANetwork(config: config, seed: 5), embedder: StubEmbedder())
        let frames = config.cameras.indices.map { VLAFixture.frame(width: 16, height: 12, seed: UInt64($0)) }
        let a = vla.predict(frames: frames, proprioception: [0.3, 0, 0.2, 0, 1], embedding: vla.embedding(for: "put the red cube in the bin"))
        let b = vla.predict(frames: frames, proprioception: [0.3, 0, 0.2, 0, 1], embedding: vla.embedding(for: "put the blue cylinder in the white bin"))
        XCTAssertEqual(a.count, config.chunkSize)
        XCTAssertEqual(a[0].count, 5)
        XCTAssertNotEqual(a, b)
        for row in a { XCTAssertTrue((0...1).contains(row[4]), "gripper clamped to closed…open") }
    }

    func testEmbeddingIsCachedPerInstructionUntilReset() throws {
        let stub = StubEmbedder()
        let vla = try EmbeddedVLA(network: VLANetwork(config: VLAFixture.tinyConfig(), seed: 1), embedder: stub)
        _ = vla.embedding(for: "a"); _ = vla.embedding(for: "a"); _ = vla.embedding(for: "b")
        XCTAssertEqual(stub.calls, 2)
        vla.reset()
        _ = vla.embedding(for: "a")
        XCTAssertEqual(stub.calls, 3)
    }

    func testInferReadsTheModelsCamerasAndRejectsWrongFrames() throws {
        let config = VLAFixture.tinyConfig()
        let vla = try EmbeddedVLA(network: VLANetwork(config: config, seed: 1), embedder: StubEmbedder())
        let state = RobotState(jointPositions: [0, 0, 0, 0, 0, 0], jointVelocities: [0, 0, 0, 0, 0, 0],
                               endEffector: Pose(position: SIMD3(0.3, 0, 0.2)), gripper: 1)
        var frames = ["front": VLAFixture.frame(width: 16, height: 12, seed: 1), "wrist": VLAFixture.frame(width: 16, height: 12, seed: 2)]
        let chunk = try vla.infer(PolicyRequest(id: 1, observation: Observation(time: 0, state: state, frames: frames), instruction: "x", deadline: 1))
        XCTAssertEqual(chunk.horizon, config.chunkSize)
        frames["wrist"] = VLAFixture.frame(width: 8, height: 6, seed: 2)
        XCTAssertThrowsError(try vla.infer(PolicyRequest(id: 2, observation: Observation(time: 0, state: state, frames: frames), instruction: "x", deadline: 1)))
        frames["wrist"] = nil
        XCTAssertThrowsError(try vla.infer(PolicyRequest(id: 3, observation: Observation(time: 0, state: state, frames: frames), instruction: "x", deadline: 1)))
    }

    func testFewStepsOverfitAFixedBatchDeterministically() throws {
        // Training splits each batch over KernelThreads (2 in `vlaterm train`): deterministic for each count.
        func run(threads: Int = 1, steps: Int = 150) throws -> (Float, Float, [Float]) {
            let savedBLAS = blasThreadCount
            BLASThreads.set(1); KernelThreads.set(threads)
            defer { KernelThreads.set(1); BLASThreads.set(savedBLAS) }
            let config = VLAFixture.tinyConfig()
            let ds = try VLAFixture.dataset(config)
            var c = config
            (c.proprioNormalizer, c.actionNormalizer) = ds.fitNormalizers()
            let trainer = try Trainer(network: VLANetwork(config: c, seed: 7), dataset: ds, embeddings: VLAFixture.embeddings(ds, StubEmbedder()),
                                      options: TrainOptions(steps: 150, batch: 12, learningRate: 1e-2, seed: 11, shift: 0, textNoise: 0,
                                                            auxiliaryWeight: 0))   // the action loss alone (VLAAuxiliaryTests covers the head)
            let fixed = Array(0..<ds.samples.count)
            let before = try trainer.evaluate(fixed)
            for _ in 0..<steps { try trainer.trainStep() }
            return (before, try trainer.evaluate(fixed), trainer.losses)
        }
        let (before, after, losses) = try run()
        XCTAssertLessThan(after, before * 0.6, "150 Adam steps should cut the L1 loss on 12 samples (\(before) → \(after))")
        let (_, after2, losses2) = try run()
        XCTAssertEqual(after, after2)
        XCTAssertEqual(losses, losses2)
        let (_, _, lossesTwo) = try run(threads: 2, steps: 20), (_, _, lossesTwo2) = try run(threads: 2, steps: 20)
        XCTAssertEqual(lossesTwo, lossesTwo2)
        for (two, one) in zip(lossesTwo, losses) { XCTAssertEqual(two, one, accuracy: 1e-3 * one, "2 threads train the same model up to rounding") }
    }

    func testResumeMatchesUninterruptedTraining() throws {
        let config = VLAFixture.tinyConfig()
        let ds = try VLAFixture.dataset(config)
        let emb = VLAFixture.embeddings(ds, StubEmbedder())
        let options = TrainOptions(steps: 8, batch: 4, learningRate: 2e-3, seed: 3, shift: 2, textNoise: 0.01)
        let straight = try Trainer(network: VLANetwork(config: config, seed: 1), dataset: ds, embeddings: emb, options: options)
        for _ in 0..<8 { try straight.trainStep() }

        let first = try Trainer(network: VLANetwork(config: config, seed: 1), dataset: ds, embeddings: emb, options: options)
        for _ in 0..<5 { try first.trainStep() }
        let ckpt = VLAFixture.tempURL("resume.ckpt")
        defer { try? FileManager.default.removeItem(at: ckpt) }
        try first.saveCheckpoint(to: ckpt)
        // A fresh process: different initial weights, everything must come from the checkpoint.
        let second = try Trainer(network: VLANetwork(config: config, seed: 99), dataset: ds, embeddings: emb, options: options)
        try second.resume(from: ckpt)
        XCTAssertEqual(second.step, 5)
        for _ in 0..<3 { try second.trainStep() }
        XCTAssertEqual(second.losses, straight.losses)
        for (name, p) in straight.network.parameters {
            XCTAssertEqual(p.data, second.network.parameters[name]!.data, name)
        }
    }

    func testSaveLoadGivesIdenticalOutputsAndF16StaysClose() throws {
        let config = VLAFixture.tinyConfig()
        let net = VLANetwork(config: config, seed: 21)
        let frames = config.cameras.indices.map { VLAFixture.frame(width: 16, height: 12, seed: 40 + UInt64($0)) }
        let emb = StubEmbedder().embedding("put the red cube in the bin")
        let reference = try EmbeddedVLA(network: net, embedder: StubEmbedder())
        func raw(_ n: VLANetwork) -> [Float] {
            withNoGrad { n.forward(images: frames.map(ImagePixels.tensor), proprio: Tensor(shape: [1, 5], repeating: 0.3),
                                   text: Tensor(shape: [1, 8], data: emb)).data }
        }
        let url32 = VLAFixture.tempURL("m32.safetensors"), url16 = VLAFixture.tempURL("m16.safetensors")
        defer { try? FileManager.default.removeItem(at: url32); try? FileManager.default.removeItem(at: url16) }
        try VLAModelFile.save(net, to: url32)
        try VLAModelFile.save(net, to: url16, dtype: .f16)
        let loaded32 = try VLAModelFile.load(url: url32), loaded16 = try VLAModelFile.load(url: url16)
        XCTAssertEqual(loaded32.config, config)
        XCTAssertEqual(raw(loaded32), raw(net))
        let again = try EmbeddedVLA(network: loaded32, embedder: StubEmbedder())
        XCTAssertEqual(again.predict(frames: frames, proprioception: [0.3, 0, 0.2, 0, 1], embedding: emb),
                       reference.predict(frames: frames, proprioception: [0.3, 0, 0.2, 0, 1], embedding: emb))
        let a = raw(net), b = raw(loaded16)
        let maxDiff = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(maxDiff, 2e-2, "F16 weights change outputs by at most ~1e-2 (got \(maxDiff))")
        XCTAssertGreaterThan(maxDiff, 0, "F16 really stored half precision")
        let file16 = try SafetensorsFile(contentsOf: url16)
        XCTAssertTrue(file16.entries.values.allSatisfy { $0.dtype == .f16 })
    }
}
