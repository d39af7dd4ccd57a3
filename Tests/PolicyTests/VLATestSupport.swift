// Small models and datasets for the embedded-VLA tests: same code paths as the real 96x72 model, sizes
// chosen so a forward/backward takes milliseconds.
import Foundation
import Policy
import RobotKit
import Tensor

/// A deterministic 8-D "embedding" from the text's bytes (tests must not depend on MiniLM for the VLA).
final class StubEmbedder: InstructionEmbedder {
    let dimension: Int
    private(set) var calls = 0
    init(dimension: Int = 8) { self.dimension = dimension }
    func embedding(_ text: String) -> [Float] {
        calls += 1
        var rng = SeededGenerator(seed: text.utf8.reduce(1469598103934665603) { ($0 ^ UInt64($1)) &* 1099511628211 })
        return (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) }
    }
}

enum VLAFixture {
    static func tinyConfig(cameras: [String] = ["front", "wrist"], width: Int = 16, height: Int = 12,
                           actions: [String] = Action.names, chunk: Int = 4) -> VLAConfig {
        VLAConfig(architecture: VLAArchitecture(convChannels: [4, 6], convKernels: [3, 3], convStrides: [2, 1],
                                                textProjection: 5, hidden: 16, mlpLayers: 2, keypoints: 3,
                                                auxiliaryPoints: AuxiliaryPoints.count),
                  cameras: cameras, imageWidth: width, imageHeight: height, actionNames: actions,
                  chunkSize: chunk, textDimension: 8, textEncoder: "stub")
    }

    /// `episodes` episodes of `steps` random frames with a smooth action signal that depends on the image.
    static func dataset(_ config: VLAConfig, episodes: Int = 2, steps: Int = 6, seed: UInt64 = 1) throws -> DemoDataset {
        let ds = DemoDataset(cameras: config.cameras, width: config.imageWidth, height: config.imageHeight)
        var rng = SeededGenerator(seed: seed)
        let bytes = config.imageWidth * config.imageHeight * 3
        for e in 0..<episodes {
            var images: [String: [UInt8]] = [:]
            for c in config.cameras { images[c] = (0..<(bytes * steps)).map { _ in UInt8.random(in: 0...255, using: &rng) } }
            let proprio = (0..<steps).map { s in (0..<5).map { d in Float(s) * 0.01 + Float(d) * 0.1 } }
            // open, close (the grasp), open again (the place): every episode has auxiliary points.
            let actions = (0..<steps).map { s in [Float(e) * 0.01, Float(s) * -0.002, 0.005, 0, s < steps / 3 || s >= 2 * steps / 3 ? 1 : 0] }
            try ds.append(DemoEpisode(instruction: "put the \(e % 2 == 0 ? "red" : "blue") cube in the bin",
                                      images: images, proprio: proprio, actions: actions))
        }
        return ds
    }

    static func embeddings(_ ds: DemoDataset, _ embedder: StubEmbedder) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: ds.instructions.map { ($0, embedder.embedding($0)) })
    }

    static func frame(width: Int, height: Int, seed: UInt64) -> Frame {
        var rng = SeededGenerator(seed: seed)
        return Frame(width: width, height: height, pixels: (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    static func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-policy-tests-\(getpid())-\(name)")
    }
}
