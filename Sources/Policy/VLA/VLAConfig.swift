// What a checkpoint says about itself: architecture, inputs (cameras, image size, proprioception), action
// space, normalisation, and where it came from (training data, eval result). Stored as the safetensors JSON
// metadata block so a model file is self-describing and a mismatched robot is refused before any forward.

/// Architecture hyper-parameters of the FiLM-conditioned conv + spatial-softmax + MLP chunk policy.
public struct VLAArchitecture: Codable, Sendable, Equatable {
    /// Output channels of each conv block (FiLM after every block).
    public var convChannels: [Int]
    public var convKernels: [Int]
    public var convStrides: [Int]
    /// Width of the text projection concatenated into the MLP input.
    public var textProjection: Int
    public var hidden: Int
    /// Hidden layers of the action MLP.
    public var mlpLayers: Int
    /// Keypoint maps per camera: a 1×1 conv over the last block gives this many logit maps (no ReLU), each
    /// turned into an image coordinate by spatial softmax. 0 = spatial softmax straight over the last block's
    /// ReLU output (version 1 models), whose near-uniform softmax barely moves and localises poorly.
    public var keypoints: Int
    /// 3-D points the auxiliary head predicts from the MLP trunk (2 = where the gripper will next close and
    /// next open, in end-effector coordinates; 0 = no auxiliary head). Trained with the action loss, it gives
    /// the vision stack a dense "where is the named object / container" signal from the demonstrations alone.
    public var auxiliaryPoints: Int
    /// The keypoint logits are this × the 1×1 conv (whose weights start this much smaller): the same start, but
    /// Adam's bounded step moves the logits `keypointGain` times faster, so the softmax can sharpen onto a
    /// 3-pixel object within a short run instead of creeping there at the learning rate.
    public var keypointGain: Float
    /// Instruction-query keypoints per camera (attention over image positions): the text embedding gives K
    /// query vectors, each position's logit is query · (last block's features), and spatial softmax turns each
    /// map into a coordinate. The instruction picks *where to look* directly ("the red cube" → a red-blob query),
    /// which FiLM plus a shared 1×1 conv only reaches indirectly. 0 = none (models before this field).
    public var textKeypoints: Int
    /// Subgoal conditioning: the action head also gets the auxiliary points minus the hand position (through one
    /// more hidden layer), so "how far and which way to the object / container" is an input, not something the
    /// head must rediscover from keypoints. Needs the auxiliary head.
    public var goalConditioned: Bool

    public init(convChannels: [Int] = [16, 32, 32], convKernels: [Int] = [5, 3, 3], convStrides: [Int] = [2, 2, 1],
                textProjection: Int = 64, hidden: Int = 256, mlpLayers: Int = 2, keypoints: Int = 16, auxiliaryPoints: Int = 2, keypointGain: Float = 10, textKeypoints: Int = 8,
                goalConditioned: Bool = false) {
        self.convChannels = convChannels; self.convKernels = convKernels; self.convStrides = convStrides
        self.textProjection = textProjection; self.hidden = hidden; self.mlpLayers = mlpLayers
        self.keypoints = keypoints; self.auxiliaryPoints = auxiliaryPoints; self.keypointGain = keypointGain
        self.textKeypoints = textKeypoints; self.goalConditioned = goalConditioned
    }

    enum CodingKeys: String, CodingKey {
        case convChannels, convKernels, convStrides, textProjection, hidden, mlpLayers, keypoints, auxiliaryPoints, keypointGain, textKeypoints, goalConditioned
    }

    /// Version 1 files have neither keypoints nor auxiliaryPoints: both read as 0 (their architecture).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        convChannels = try c.decode([Int].self, forKey: .convChannels)
        convKernels = try c.decode([Int].self, forKey: .convKernels)
        convStrides = try c.decode([Int].self, forKey: .convStrides)
        textProjection = try c.decode(Int.self, forKey: .textProjection)
        hidden = try c.decode(Int.self, forKey: .hidden)
        mlpLayers = try c.decode(Int.self, forKey: .mlpLayers)
        keypoints = try c.decodeIfPresent(Int.self, forKey: .keypoints) ?? 0
        auxiliaryPoints = try c.decodeIfPresent(Int.self, forKey: .auxiliaryPoints) ?? 0
        keypointGain = try c.decodeIfPresent(Float.self, forKey: .keypointGain) ?? 1
        textKeypoints = try c.decodeIfPresent(Int.self, forKey: .textKeypoints) ?? 0
        goalConditioned = try c.decodeIfPresent(Bool.self, forKey: .goalConditioned) ?? false
    }

    /// Features each camera contributes to the MLP input (x, y per keypoint map).
    public var featuresPerCamera: Int { 2 * (keypoints > 0 ? keypoints : (convChannels.last ?? 1)) + 2 * textKeypoints }

    /// (H, W) after the conv stack (padding k/2 per layer).
    public func featureSize(height: Int, width: Int) -> (Int, Int) {
        var h = height, w = width
        for (k, s) in zip(convKernels, convStrides) {
            h = (h + 2 * (k / 2) - k) / s + 1
            w = (w + 2 * (k / 2) - k) / s + 1
        }
        return (h, w)
    }
}

/// Per-dimension mean and standard deviation (inputs and targets are trained as (x − mean) / std).
public struct Normalizer: Codable, Sendable, Equatable {
    public var mean: [Float]
    public var std: [Float]
    public init(mean: [Float], std: [Float]) { self.mean = mean; self.std = std }

    /// Statistics over rows of `dimension` values; std is floored so a constant dimension cannot blow up.
    public static func fit(_ rows: [[Float]], dimension: Int, minStd: Float = 1e-3) -> Normalizer {
        var mean = [Double](repeating: 0, count: dimension), sq = [Double](repeating: 0, count: dimension)
        for r in rows { for i in 0..<dimension { mean[i] += Double(r[i]); sq[i] += Double(r[i]) * Double(r[i]) } }
        let n = Double(max(rows.count, 1))
        var std = [Float](repeating: 1, count: dimension)
        for i in 0..<dimension {
            mean[i] /= n
            std[i] = max(minStd, Float((max(0, sq[i] / n - mean[i] * mean[i])).squareRoot()))
        }
        return Normalizer(mean: mean.map(Float.init), std: std)
    }

    public func normalize(_ v: [Float]) -> [Float] { v.indices.map { (v[$0] - mean[$0]) / std[$0] } }
    public func denormalize(_ v: [Float]) -> [Float] { v.indices.map { v[$0] * std[$0] + mean[$0] } }
}

/// Provenance: what the model was trained on and how.
public struct TrainingInfo: Codable, Sendable, Equatable {
    public var sources: [String]
    public var episodes: Int
    public var samples: Int
    public var steps: Int
    public var batch: Int
    public var learningRate: Float
    public var seed: UInt64
    public var seconds: Double
    public var finalLoss: Float
    public init(sources: [String] = [], episodes: Int = 0, samples: Int = 0, steps: Int = 0, batch: Int = 0,
                learningRate: Float = 0, seed: UInt64 = 0, seconds: Double = 0, finalLoss: Float = 0) {
        self.sources = sources; self.episodes = episodes; self.samples = samples; self.steps = steps
        self.batch = batch; self.learningRate = learningRate; self.seed = seed; self.seconds = seconds
        self.finalLoss = finalLoss
    }
}

/// The whole JSON block of a checkpoint.
public struct VLAConfig: Codable, Sendable, Equatable {
    public static let architectureName = "vlaterm-film-cnn-chunk"
    /// 2 added keypoint maps and the auxiliary point head; version 1 files still load.
    public static let currentVersion = 2
    public static let supportedVersions = 1...2

    public var architectureName: String = VLAConfig.architectureName
    public var version: Int = VLAConfig.currentVersion
    public var architecture: VLAArchitecture
    /// Camera names, in the order the model reads them (e.g. ["front", "wrist"]).
    public var cameras: [String]
    public var imageWidth: Int
    public var imageHeight: Int
    /// Action space names (RobotKit `Action.names`): dx, dy, dz, dyaw, gripper.
    public var actionNames: [String]
    /// Proprioception names: the first entries of `RobotState.proprioception`.
    public var proprioNames: [String]
    /// Actions predicted per chunk (K).
    public var chunkSize: Int
    /// Width of the instruction embedding (384 for all-MiniLM-L6-v2).
    public var textDimension: Int
    public var textEncoder: String
    public var proprioNormalizer: Normalizer
    public var actionNormalizer: Normalizer
    public var training: TrainingInfo
    /// Free-form evaluation summary filled in after `vlaterm eval` (e.g. "92/100 template, 75/100 held-out").
    public var evaluation: [String: String]

    public static let defaultProprioNames = ["ee_x", "ee_y", "ee_z", "ee_yaw", "gripper"]

    public init(architecture: VLAArchitecture = VLAArchitecture(), cameras: [String] = ["front", "wrist"],
                imageWidth: Int = 96, imageHeight: Int = 72, actionNames: [String] = ["dx", "dy", "dz", "dyaw", "gripper"],
                proprioNames: [String] = VLAConfig.defaultProprioNames, chunkSize: Int = 10, textDimension: Int = 384,
                textEncoder: String = "all-MiniLM-L6-v2", proprioNormalizer: Normalizer? = nil,
                actionNormalizer: Normalizer? = nil, training: TrainingInfo = TrainingInfo(),
                evaluation: [String: String] = [:]) {
        self.architecture = architecture; self.cameras = cameras
        self.imageWidth = imageWidth; self.imageHeight = imageHeight
        self.actionNames = actionNames; self.proprioNames = proprioNames
        self.chunkSize = chunkSize; self.textDimension = textDimension; self.textEncoder = textEncoder
        self.proprioNormalizer = proprioNormalizer ?? Normalizer(mean: .init(repeating: 0, count: proprioNames.count),
                                                                 std: .init(repeating: 1, count: proprioNames.count))
        self.actionNormalizer = actionNormalizer ?? Normalizer(mean: .init(repeating: 0, count: actionNames.count),
                                                               std: .init(repeating: 1, count: actionNames.count))
        self.training = training; self.evaluation = evaluation
    }

    public var actionDimension: Int { actionNames.count }
    public var proprioDimension: Int { proprioNames.count }

    /// Internal consistency of a config read from a file (hostile input): sizes in sane ranges, arrays agree.
    public func validate() throws -> Void {
        func bad(_ field: String, _ why: String) -> VLAModelError { .badConfig(field: field, why) }
        guard architectureName == Self.architectureName else {
            throw bad("architectureName", "\"\(architectureName)\" is not \"\(Self.architectureName)\"")
        }
        guard Self.supportedVersions.contains(version) else {
            throw bad("version", "\(version); this vlaterm reads versions \(Self.supportedVersions.lowerBound)...\(Self.supportedVersions.upperBound)")
        }
        let a = architecture
        guard (1...6).contains(a.convChannels.count), a.convKernels.count == a.convChannels.count,
              a.convStrides.count == a.convChannels.count else {
            throw bad("architecture.conv*", "1...6 conv blocks with one kernel and stride each")
        }
        guard a.convChannels.allSatisfy({ (1...256).contains($0) }), a.convKernels.allSatisfy({ (1...9).contains($0) && $0 % 2 == 1 }),
              a.convStrides.allSatisfy({ (1...4).contains($0) }) else {
            throw bad("architecture.conv*", "channels 1...256, odd kernels 1...9, strides 1...4")
        }
        guard (1...1024).contains(a.textProjection), (1...4096).contains(a.hidden), (1...8).contains(a.mlpLayers) else {
            throw bad("architecture", "textProjection 1...1024, hidden 1...4096, mlpLayers 1...8")
        }
        guard a.keypointGain.isFinite, (0.01...1000).contains(a.keypointGain) else {
            throw bad("architecture.keypointGain", "\(a.keypointGain) outside 0.01...1000")
        }
        guard (0...64).contains(a.textKeypoints) else { throw bad("architecture.textKeypoints", "\(a.textKeypoints) outside 0...64") }
        guard (0...256).contains(a.keypoints), [0, AuxiliaryPoints.count].contains(a.auxiliaryPoints) else {
            throw bad("architecture", "keypoints 0...256, auxiliaryPoints 0 or \(AuxiliaryPoints.count)")
        }
        guard a.auxiliaryPoints == 0 || proprioNames.prefix(3) == ["ee_x", "ee_y", "ee_z"] else {
            throw bad("architecture.auxiliaryPoints", "auxiliary points are end-effector positions: proprioNames must start with ee_x, ee_y, ee_z")
        }
        guard (1...8).contains(cameras.count), Set(cameras).count == cameras.count else {
            throw bad("cameras", "1...8 distinct camera names")
        }
        guard (8...640).contains(imageWidth), (6...480).contains(imageHeight) else {
            throw bad("imageWidth/imageHeight", "\(imageWidth)x\(imageHeight) outside 8x6...640x480")
        }
        guard (1...64).contains(chunkSize) else { throw bad("chunkSize", "\(chunkSize) outside 1...64") }
        guard (1...4096).contains(textDimension) else { throw bad("textDimension", "\(textDimension) outside 1...4096") }
        guard (1...32).contains(actionNames.count), (1...64).contains(proprioNames.count) else {
            throw bad("actionNames/proprioNames", "1...32 actions and 1...64 proprioception values")
        }
        for (field, n, norm) in [("proprioNormalizer", proprioNames.count, proprioNormalizer),
                                 ("actionNormalizer", actionNames.count, actionNormalizer)] {
            guard norm.mean.count == n, norm.std.count == n, norm.mean.allSatisfy(\.isFinite),
                  norm.std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw bad(field, "needs \(n) finite means and \(n) positive finite stds")
            }
        }
        let (fh, fw) = a.featureSize(height: imageHeight, width: imageWidth)
        guard fh >= 1, fw >= 1 else { throw bad("architecture", "the conv stack shrinks \(imageWidth)x\(imageHeight) to nothing") }
    }
}
