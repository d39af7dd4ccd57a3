// Episodes where a policy drove and someone corrected it: only the corrections teach (HG-DAgger), and a
// training sample's action chunk never mixes the corrector's actions with the policy's.
import Policy
import RobotKit
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
