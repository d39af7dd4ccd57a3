// Episodes where a policy drove and someone corrected it: only the corrections teach (HG-DAgger), and a
// training sample's action chunk never mixes the corrector's actions with the policy's.
import Policy
import RobotKit
import Tensor
import XCTest

final class DemoDatasetLabelTests: XCTestCase {
    private func episode(_ config: VLAConfig, labeled: [Bool]?) -> DemoEpisode {
        let t = labeled?.count ?? 8, bytes = config.imageWidth * config.imageHeight * 3 * t
        return DemoEpisode(instruction: "put the red cube in the bin",
                           images: Dictionary(uniqueKeysWithValues: config.cameras.map { ($0, [UInt8](repeating: 7, count: bytes)) }),
                           proprio: (0..<t).map { _ in [0, 0, 0, 0, 1] }, actions: (0..<t).map { s in [Float(s), 0, 0, 0, 1] },
                           labeled: labeled)
    }

    func testOnlyStepsWhoseWholeChunkIsLabelledAreSamples() throws {
        let config = VLAFixture.tinyConfig(chunk: 3)
        let ds = DemoDataset(cameras: config.cameras, width: config.imageWidth, height: config.imageHeight, labelWindow: 3)
        // policy 0-1, correction 2-6, policy 7-9, correction 10-11 (to the end of the episode).
        let labeled = [false, false, true, true, true, true, true, false, false, false, true, true]
        try ds.append(episode(config, labeled: labeled))
        XCTAssertEqual(ds.samples.map(\.step), [2, 3, 4, 10, 11],
                       "5 and 6 would take the policy's 7 and 8 into their chunk; 10 and 11 run off the end (a hold)")
        try ds.append(episode(config, labeled: nil))
        XCTAssertEqual(ds.samples.filter { $0.episode == 1 }.map(\.step), Array(0..<8), "a demonstration: every step teaches")
        XCTAssertEqual(ds.actionChunk(episode: 0, step: 4, k: 3).map { $0[0] }, [4, 5, 6], "the chunk is the correction's own actions")
    }

    func testAnUncorrectedPolicyEpisodeTeachesNothingAndBadLabelsAreRefused() throws {
        let config = VLAFixture.tinyConfig()
        let ds = DemoDataset(cameras: config.cameras, width: config.imageWidth, height: config.imageHeight, labelWindow: 4)
        try ds.append(episode(config, labeled: [Bool](repeating: false, count: 6)))
        XCTAssertTrue(ds.samples.isEmpty)
        var bad = episode(config, labeled: [true, true, true])
        bad.labeled = [true]
        XCTAssertThrowsError(try ds.append(bad)) { XCTAssertTrue("\($0)".contains("1 labels for 3 steps"), "\($0)") }
    }

    /// A corrected episode keeps only its sample steps' frames, and each sample still reads its own step's frame.
    func testACorrectedEpisodeKeepsOnlyTheFramesOfItsSamples() throws {
        let config = VLAFixture.tinyConfig(chunk: 2)
        let ds = DemoDataset(cameras: config.cameras, width: config.imageWidth, height: config.imageHeight, labelWindow: 2)
        let labeled = [false, false, false, true, true, true, false, false, true, true]
        var e = episode(config, labeled: labeled)
        let frameBytes = config.imageWidth * config.imageHeight * 3
        for cam in config.cameras {                                  // frame s is all pixel value 10·s
            e.images[cam] = (0..<labeled.count).flatMap { s in [UInt8](repeating: UInt8(10 * s), count: frameBytes) }
        }
        try ds.append(e)
        try ds.append(episode(config, labeled: nil))
        let steps = ds.samples.filter { $0.episode == 0 }.map(\.step)
        XCTAssertEqual(steps, [3, 4, 8, 9])
        for cam in config.cameras {
            XCTAssertEqual(ds.episodes[0].images[cam]?.count, steps.count * frameBytes, "only the sample steps' frames")
            XCTAssertEqual(ds.episodes[1].images[cam]?.count, 8 * frameBytes, "a demonstration keeps all")
        }
        var rng = SeededGenerator(seed: 1)
        let embeddings = ["put the red cube in the bin": [Float](repeating: 0, count: config.textDimension)]
        let batch = try ds.batch(Array(0..<steps.count), config: config, embeddings: embeddings, shift: 0, textNoise: 0, rng: &rng)
        for (row, step) in steps.enumerated() {
            for image in batch.images {
                let plane = 3 * config.imageWidth * config.imageHeight
                XCTAssertEqual(image.data[row * plane], Float(10 * step) / 255 - 0.5, accuracy: 1e-6, "sample at step \(step)")
            }
        }
        XCTAssertEqual(ds.actionChunk(episode: 0, step: 4, k: 2).map { $0[0] }, [4, 5], "actions are kept whole")
    }

    /// Past its frame budget the dataset refuses the episode with an error that says what to do, and keeps what it has.
    func testAnEpisodePastTheFrameBudgetIsRefused() throws {
        let config = VLAFixture.tinyConfig()
        let ds = DemoDataset(cameras: config.cameras, width: config.imageWidth, height: config.imageHeight)
        let perEpisode = 8 * config.imageWidth * config.imageHeight * 3 * config.cameras.count
        ds.frameBudget = 2 * perEpisode + perEpisode / 2
        try ds.append(episode(config, labeled: nil))
        try ds.append(episode(config, labeled: nil))
        XCTAssertThrowsError(try ds.append(episode(config, labeled: nil))) {
            XCTAssertTrue("\($0)".contains("train on fewer sessions"), "\($0)")
        }
        XCTAssertEqual(ds.episodes.count, 2)
        XCTAssertEqual(ds.storedFrameBytes, 2 * perEpisode)
        XCTAssertEqual(ds.samples.count, 16)
    }

    func testImageLabelsOnlyForTheChosenCalibratedCameras() {
        let cal = CameraCalibration(position: [0, 0, 1], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], fovy: 90)
        let specs = ["front", "wrist", "overhead"].map { CameraSpec(name: $0, width: 16, height: 12, calibration: cal) }
        let all = DemoDataset(cameras: ["front", "wrist"], width: 16, height: 12)
        all.adoptCalibrations(of: specs)
        XCTAssertEqual(Set(all.calibrations.keys), ["front", "wrist"], "every calibrated camera the model reads")
        let frontOnly = DemoDataset(cameras: ["front", "wrist"], width: 16, height: 12)
        frontOnly.imagePointCameras = ["front"]
        frontOnly.adoptCalibrations(of: specs)
        XCTAssertEqual(Array(frontOnly.calibrations.keys), ["front"])
    }
}
