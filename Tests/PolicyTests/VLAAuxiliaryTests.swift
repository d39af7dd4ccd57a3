// The version-2 additions: auxiliary grasp/place points read from a demonstration, their head and loss, and
// version-1 model files still loading with their own (keypoint-free, head-free) architecture.
import Foundation
import Policy
import RobotKit
import Tensor
import XCTest

final class VLAAuxiliaryTests: XCTestCase {
    /// proprio row t = (t, 10t, 100t, …) so each expected point names the step it came from.
    private func proprio(_ n: Int) -> [[Float]] { (0..<n).map { t in [Float(t), Float(10 * t), Float(100 * t), 0, 1] } }
    private func actions(gripper: [Float]) -> [[Float]] { gripper.map { [0, 0, 0, 0, $0] } }

    func testPointsAreWhereTheGripperNextClosesAndOpens() throws {
        // open 0-2, closed 3-5 (grasp at 3, slips), open 6-7, closed 8-10 (grasp at 8), open 11-12 (place at 11).
        let g: [Float] = [1, 0.8, 0.8, 0, 0, 0, 1, 0.8, 0, 0, 0, 1, 1]
        let (points, graspVisibleUntil) = try XCTUnwrap(AuxiliaryPoints.targets(proprio: proprio(g.count), actions: actions(gripper: g)))
        XCTAssertEqual(graspVisibleUntil, 8, "after the last grasp the object is in the hand: its pick-up spot is not in the images")
        XCTAssertEqual(points.count, g.count)
        func p(_ t: Int) -> [Float] { [Float(t), Float(10 * t), Float(100 * t)] }
        XCTAssertEqual(points[0], p(3) + p(6), "before the first grasp: that grasp, and the next opening after it")
        XCTAssertEqual(points[3], p(3) + p(6))
        XCTAssertEqual(points[4], p(8) + p(6), "after a grasp: the next grasp (the retry)")
        XCTAssertEqual(points[7], p(8) + p(11))
        XCTAssertEqual(points[9], p(8) + p(11))
        XCTAssertEqual(points[12], p(8) + p(11), "after the last events: the last grasp and place")
    }

    func testNoPointsWithoutACloseFollowedByAnOpen() {
        XCTAssertNil(AuxiliaryPoints.targets(proprio: proprio(4), actions: actions(gripper: [1, 1, 1, 1])))
        XCTAssertNil(AuxiliaryPoints.targets(proprio: proprio(4), actions: actions(gripper: [1, 0, 0, 0])))
        XCTAssertNil(AuxiliaryPoints.targets(proprio: proprio(3), actions: actions(gripper: [1, 0, 1, 1])), "rows disagree")
        XCTAssertNotNil(AuxiliaryPoints.targets(proprio: proprio(3), actions: actions(gripper: [1, 0, 1])))
    }

    func testBatchMasksEpisodesWithoutPointsAndNormalisesLikeProprioception() throws {
        var config = VLAFixture.tinyConfig()
        let ds = try VLAFixture.dataset(config, episodes: 1, steps: 6)
        let bytes = config.imageWidth * config.imageHeight * 3 * 6
        try ds.append(DemoEpisode(instruction: "never lets go", images: Dictionary(uniqueKeysWithValues: config.cameras.map { ($0, [UInt8](repeating: 9, count: bytes)) }),
                                  proprio: proprio(6), actions: actions(gripper: [1, 1, 0, 0, 0, 0])))
        (config.proprioNormalizer, config.actionNormalizer) = ds.fitNormalizers()
        var rng = SeededGenerator(seed: 1)
        let emb = VLAFixture.embeddings(ds, StubEmbedder())
        let batch = try ds.batch([0, 6], config: config, embeddings: emb, shift: 0, textNoise: 0, rng: &rng)
        let (target, mask) = try XCTUnwrap(batch.auxiliary)
        XCTAssertEqual(target.shape, [2, 6])
        XCTAssertEqual(Array(mask.data[0..<6]), [1, 1, 1, 1, 1, 1])
        XCTAssertEqual(Array(mask.data[6..<12]), [0, 0, 0, 0, 0, 0], "the second episode never re-opens: no points")
        XCTAssertEqual(Array(target.data[6..<12]), [0, 0, 0, 0, 0, 0])
        let raw = try XCTUnwrap(ds.auxiliary[0])[0]
        XCTAssertEqual(ds.graspVisibleUntil[0], 2, "the fixture closes at step 6/3 = 2")
        let late = try ds.batch([5], config: config, embeddings: emb, shift: 0, textNoise: 0, rng: &rng)
        XCTAssertEqual(Array(try XCTUnwrap(late.auxiliary).mask.data), [0, 0, 0, 1, 1, 1], "step 5: grasp unknown, place known")
        let n = config.proprioNormalizer
        for j in 0..<6 { XCTAssertEqual(target.data[j], (raw[j] - n.mean[j % 3]) / n.std[j % 3], accuracy: 1e-6) }
    }

    func testAuxiliaryHeadLearnsThePoints() throws {
        var config = VLAFixture.tinyConfig()
        let ds = try VLAFixture.dataset(config, episodes: 3, steps: 6)
        (config.proprioNormalizer, config.actionNormalizer) = ds.fitNormalizers()
        let trainer = try Trainer(network: VLANetwork(config: config, seed: 2), dataset: ds, embeddings: VLAFixture.embeddings(ds, StubEmbedder()),
                                  options: TrainOptions(steps: 80, batch: 18, learningRate: 1e-2, seed: 4, shift: 0, textNoise: 0))
        for _ in 0..<80 { try trainer.trainStep() }
        let aux = trainer.auxiliaryLosses
        XCTAssertEqual(aux.count, 80)
        XCTAssertLessThan(aux.suffix(5).reduce(0, +) / 5, aux.prefix(5).reduce(0, +) / 5 * 0.5,
                          "the auxiliary loss should fall on 18 fixed samples: \(aux.prefix(5)) … \(aux.suffix(5))")
    }

    func testVersionOneModelFilesLoadWithTheirArchitecture() throws {
        // A version-1 metadata block has no keypoints / auxiliaryPoints keys.
        var v1 = VLAFixture.tinyConfig()
        v1.version = 1
        v1.architecture.keypoints = 0; v1.architecture.auxiliaryPoints = 0
        v1.architecture.textKeypoints = 0; v1.architecture.keypointGain = 1; v1.architecture.goalConditioned = false
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(v1)) as! [String: Any]
        var arch = json["architecture"] as! [String: Any]
        for key in ["keypoints", "auxiliaryPoints", "textKeypoints", "keypointGain", "goalConditioned"] { arch.removeValue(forKey: key) }
        json["architecture"] = arch
        let decoded = try JSONDecoder().decode(VLAConfig.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(decoded, v1)
        XCTAssertNoThrow(try decoded.validate())
        let names = Set(VLANetwork.parameterShapes(decoded).map(\.name))
        XCTAssertFalse(names.contains { $0.contains("keypoints") || $0.hasPrefix("aux.") || $0.hasPrefix("goal.") || $0.contains("query") })
        XCTAssertFalse(decoded.architecture.goalConditioned)
        let net = VLANetwork(config: decoded, seed: 1)
        let url = VLAFixture.tempURL("v1.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try VLAModelFile.save(net, to: url)
        let loaded = try VLAModelFile.load(url: url)
        XCTAssertEqual(loaded.config.architecture.keypoints, 0)
        let images = decoded.cameras.map { _ in Tensor(shape: [1, 3, 12, 16], repeating: 0.2) }
        let (_, aux) = withNoGrad { loaded.forwardWithAuxiliary(images: images, proprio: Tensor(shape: [1, 5]), text: Tensor(shape: [1, 8], repeating: 0.1)) }
        XCTAssertNil(aux)
    }

    func testGoalConditioningFeedsTheAuxiliaryPointsToTheHead() throws {
        var config = VLAFixture.tinyConfig()
        XCTAssertFalse(config.architecture.goalConditioned, "off by default (it measured no better)")
        config.architecture.goalConditioned = true
        let net = VLANetwork(config: config, seed: 9)
        XCTAssertEqual(VLANetwork.parameterShapes(config).first { $0.name == "goal.weight" }?.shape, [16, 16 + 6])
        // Moving only the hand (proprioception x) changes the offsets to the predicted points, hence the actions.
        let images = config.cameras.map { _ in Tensor(shape: [1, 3, 12, 16], repeating: 0.1) }
        let text = Tensor(shape: [1, 8], repeating: 0.3)
        let a = withNoGrad { net.forward(images: images, proprio: Tensor(shape: [1, 5], data: [0, 0, 0, 0, 0]), text: text) }
        let b = withNoGrad { net.forward(images: images, proprio: Tensor(shape: [1, 5], data: [1, 0, 0, 0, 0]), text: text) }
        XCTAssertNotEqual(a.data, b.data)
        config.architecture.goalConditioned = false
        XCTAssertNil(VLANetwork.parameterShapes(config).first { $0.name == "goal.weight" })
    }

    func testAuxiliaryPointsNeedEndEffectorProprioception() {
        var config = VLAFixture.tinyConfig()
        config.proprioNames = ["q0", "q1", "q2", "q3", "q4"]
        XCTAssertThrowsError(try config.validate())
        config.architecture.auxiliaryPoints = 0
        XCTAssertNoThrow(try config.validate())
    }
}

final class VLAImagePointTests: XCTestCase {
    /// A camera 1 m above the origin looking straight down (image right = world +x, image up = world +y).
    private let downward = CameraCalibration(position: [0, 0, 1], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], fovy: 90)

    func testFeatureCellIsTheCellOverTheProjectedPoint() throws {
        let config = VLAFixture.tinyConfig()          // 16x12 images, strides 2,1 → 8x6 feature map
        let ds = try VLAFixture.dataset(config, episodes: 1)
        // fovy 90 at 12 px high: focal 6 px, so a point at depth 1 m and x = +0.5 m lands 3 px right of the centre.
        XCTAssertEqual(ds.featureCell(SIMD3(0, 0, 0), calibration: downward, architecture: config.architecture), 3 * 8 + 4)
        XCTAssertEqual(ds.featureCell(SIMD3(0.5, 0, 0), calibration: downward, architecture: config.architecture), 3 * 8 + 5)
        XCTAssertEqual(ds.featureCell(SIMD3(0, 0.5, 0), calibration: downward, architecture: config.architecture), 1 * 8 + 4, "world +y is image up")
        XCTAssertNil(ds.featureCell(SIMD3(5, 0, 0), calibration: downward, architecture: config.architecture), "outside the image")
        XCTAssertNil(ds.featureCell(SIMD3(0, 0, 2), calibration: downward, architecture: config.architecture), "behind the camera")
        // An image shifted by dx = +2 shows original pixel x + 2 at x: the object moves 2 px (one cell) left.
        XCTAssertEqual(ds.featureCell(SIMD3(0.5, 0, 0), calibration: downward, architecture: config.architecture, shift: (2, 0)), 3 * 8 + 4)
    }

    func testBatchLabelsCalibratedCamerasOnlyAndTheCrossEntropyTrains() throws {
        var config = VLAFixture.tinyConfig()
        let ds = try VLAFixture.dataset(config, episodes: 2, steps: 6)
        ds.calibrations["front"] = downward
        (config.proprioNormalizer, config.actionNormalizer) = ds.fitNormalizers()
        var rng = SeededGenerator(seed: 3)
        let emb = VLAFixture.embeddings(ds, StubEmbedder())
        let batch = try ds.batch([0, 7], config: config, embeddings: emb, shift: 0, textNoise: 0, rng: &rng)
        XCTAssertEqual(Array(batch.imagePoints.keys), [0], "only the front camera has a calibration")
        let (cells, weights) = try XCTUnwrap(batch.imagePoints[0])
        XCTAssertEqual(cells.count, 2 * AuxiliaryPoints.count)
        XCTAssertEqual(weights, [1, 1, 1, 1], "the fixture's proprioception sits under the camera, inside the image")
        let trainer = try Trainer(network: VLANetwork(config: config, seed: 2), dataset: ds, embeddings: emb,
                                  options: TrainOptions(steps: 40, batch: 12, learningRate: 1e-2, seed: 4, shift: 0, textNoise: 0))
        for _ in 0..<40 { try trainer.trainStep() }
        let aux = trainer.auxiliaryLosses
        XCTAssertLessThan(aux.suffix(3).reduce(0, +), aux.prefix(3).reduce(0, +) * 0.7, "\(aux.prefix(3)) … \(aux.suffix(3))")
    }
}
