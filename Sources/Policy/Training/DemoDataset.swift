// Demonstrations held in memory for training: camera frames decoded once and kept as RGB8 (4× smaller than
// floats; converted per batch), proprioception and actions as floats. The executable fills it from
// recorded sessions (Episodes) or straight from the simulator's expert; Policy never touches files here.
import Foundation
import RobotKit
import Tensor

/// One demonstration: T steps of every camera, proprioception and the action taken.
public struct DemoEpisode: Sendable {
    public var instruction: String
    /// Camera name → T frames of RGB8 (H·W·3 bytes each) concatenated. Once in a `DemoDataset`, an episode whose
    /// steps are only partly labelled keeps the frames of its sample steps alone (`DemoDataset.frameSlots`).
    public var images: [String: [UInt8]]
    /// T rows of the first `proprioNames.count` values of `RobotState.proprioception`.
    public var proprio: [[Float]]
    /// T rows of `Action.vector`.
    public var actions: [[Float]]
    /// Per step, whether its action is one to imitate; nil = every step (a demonstration). In an episode where a
    /// policy drove and a human or the scripted expert corrected it, only the corrections are (HG-DAgger): the
    /// policy's own steps led it into the mistake.
    public var labeled: [Bool]?
    public var length: Int { actions.count }

    public init(instruction: String, images: [String: [UInt8]], proprio: [[Float]], actions: [[Float]], labeled: [Bool]? = nil) {
        self.instruction = instruction; self.images = images; self.proprio = proprio; self.actions = actions
        self.labeled = labeled
    }
}

public struct DatasetError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

public final class DemoDataset {
    public let cameras: [String]
    public let width: Int, height: Int
    public let proprioDimension: Int, actionDimension: Int
    public private(set) var episodes: [DemoEpisode] = []
    /// (episode, step) of every sample.
    public private(set) var samples: [(episode: Int, step: Int)] = []
    /// Per episode: where each step's frame is in its stored images, nil when every frame is kept (frame = step).
    /// A corrected episode keeps only the frames of its sample steps: in `record --corrections` sessions about
    /// one step in six teaches, and keeping every frame ran a 15-session training run out of 24 GB.
    public private(set) var frameSlots: [[Int32]?] = []
    /// Bytes of camera frames held (all episodes, all cameras).
    public private(set) var storedFrameBytes = 0
    /// The most frame bytes this dataset may hold: an episode that would pass it is refused with an error saying
    /// so, rather than the process being killed for memory halfway through loading (the executable sets it from
    /// the machine's memory).
    public var frameBudget = Int.max
    /// Per episode: the auxiliary points of every step (see `AuxiliaryPoints`), nil when the demonstration never
    /// closes and re-opens the gripper (no grasp to learn from).
    public private(set) var auxiliary: [[[Float]]?] = []
    /// Per episode: the last step at which the grasp point is still where the object lies (up to the last grasp);
    /// after it the object is in the hand or placed, so nothing in the images shows where it was picked up.
    public private(set) var graspVisibleUntil: [Int] = []

    /// Calibrations of the cameras (by name; fixed or on the hand), when the recordings carry them: the auxiliary
    /// points are then also supervised where they appear in those images (see `DemoBatch.imagePoints`).
    public var calibrations: [String: CameraCalibration] = [:]

    /// Which cameras' calibrations are used for image labels (nil: every calibrated camera the dataset reads).
    public var imagePointCameras: Set<String>?

    /// Takes the calibration of every camera this dataset reads that has one (from a session or a live robot).
    public func adoptCalibrations(of specs: [CameraSpec]) {
        for spec in specs where cameras.contains(spec.name) && imagePointCameras?.contains(spec.name) != false {
            if let c = spec.calibration { calibrations[spec.name] = c }
        }
    }

    /// Steps a training sample's action chunk spans (the model's K): a step of a partly labelled episode is a sample
    /// only when every action of its chunk is labelled (or the episode ends first), so a target never mixes the
    /// corrector's actions with the policy's.
    public let labelWindow: Int

    public init(cameras: [String], width: Int, height: Int, proprioDimension: Int = 5, actionDimension: Int = 5,
                labelWindow: Int = 1) {
        self.cameras = cameras; self.width = width; self.height = height
        self.proprioDimension = proprioDimension; self.actionDimension = actionDimension
        self.labelWindow = max(1, labelWindow)
    }

    /// Adds an episode after checking every array agrees with the dataset's shapes (data may come from files).
    public func append(_ e: DemoEpisode) throws {
        let t = e.length, frameBytes = width * height * 3
        guard t > 0 else { throw DatasetError("episode \"\(e.instruction)\" has no steps") }
        guard e.proprio.count == t, e.proprio.allSatisfy({ $0.count == proprioDimension }) else {
            throw DatasetError("episode \"\(e.instruction)\": proprioception rows must be \(t) × \(proprioDimension)")
        }
        guard e.labeled == nil || e.labeled!.count == t else {
            throw DatasetError("episode \"\(e.instruction)\": \(e.labeled!.count) labels for \(t) steps")
        }
        guard e.actions.allSatisfy({ $0.count == actionDimension && $0.allSatisfy(\.isFinite) }) else {
            throw DatasetError("episode \"\(e.instruction)\": actions must be finite rows of \(actionDimension)")
        }
        for c in cameras {
            guard let bytes = e.images[c] else { throw DatasetError("episode \"\(e.instruction)\" has no camera \"\(c)\"") }
            guard bytes.count == t * frameBytes else {
                throw DatasetError("episode \"\(e.instruction)\": camera \"\(c)\" has \(bytes.count) bytes, expected \(t) frames of \(width)x\(height)")
            }
        }
        let index = episodes.count
        let steps = e.labeled.map { labeled in (0..<t).filter { s in labeled[s..<min(s + labelWindow, t)].allSatisfy { $0 } } }
            ?? Array(0..<t)
        var stored = e
        let keptBytes = steps.count * frameBytes * cameras.count
        guard storedFrameBytes + keptBytes <= frameBudget else {
            throw DatasetError("the camera frames of \(episodes.count + 1) episodes would take more than the "
                               + "\(frameBudget >> 20) MB set aside for them (\(storedFrameBytes >> 20) MB held so far): "
                               + "train on fewer sessions, or record fewer or shorter episodes")
        }
        storedFrameBytes += keptBytes
        if steps.count < t {
            // Keep the sample steps' frames only; the other steps still give the chunks' actions and the aux points.
            var slots = [Int32](repeating: -1, count: t)
            for (k, s) in steps.enumerated() { slots[s] = Int32(k) }
            for c in cameras {
                let all = e.images[c]!
                var kept = [UInt8](); kept.reserveCapacity(steps.count * frameBytes)
                for s in steps { kept += all[s * frameBytes ..< (s + 1) * frameBytes] }
                stored.images[c] = kept
            }
            frameSlots.append(slots)
        } else {
            frameSlots.append(nil)
        }
        episodes.append(stored)
        let aux = AuxiliaryPoints.targets(proprio: e.proprio, actions: e.actions)
        auxiliary.append(aux?.points)
        graspVisibleUntil.append(aux?.graspVisibleUntil ?? -1)
        for s in steps { samples.append((index, s)) }
    }

    /// Where step `step`'s frame starts in episode `episode`'s stored images (bytes); the step must be a sample's.
    func frameOffset(episode: Int, step: Int) -> Int {
        let slot = frameSlots[episode].map { Int($0[step]) } ?? step
        precondition(slot >= 0, "step \(step) of episode \(episode) is not a sample step; its frame was not kept")
        return slot * width * height * 3
    }

    public var instructions: Set<String> { Set(episodes.map(\.instruction)) }

    /// Normalisation statistics over every step.
    public func fitNormalizers() -> (proprio: Normalizer, action: Normalizer) {
        (Normalizer.fit(episodes.flatMap(\.proprio), dimension: proprioDimension),
         Normalizer.fit(episodes.flatMap(\.actions), dimension: actionDimension))
    }

    /// The K actions starting at `step`; past the end, a hold (zero motion) with the last gripper command,
    /// which is what the robot should do once the demonstration is over.
    public func actionChunk(episode: Int, step: Int, k: Int) -> [[Float]] {
        let e = episodes[episode]
        return (0..<k).map { i in
            let s = step + i
            if s < e.length { return e.actions[s] }
            var hold = [Float](repeating: 0, count: actionDimension)
            if let last = e.actions.last { hold[actionDimension - 1] = last[actionDimension - 1] }
            return hold
        }
    }
}

/// A training batch: one image tensor per camera, normalised proprioception, embeddings and targets.
public struct DemoBatch {
    public var images: [Tensor]     // each (B, 3, H, W)
    public var proprio: Tensor      // (B, P)
    public var text: Tensor         // (B, D)
    public var target: Tensor       // (B, K·A) normalised
    /// (B, 3·Q) normalised auxiliary points and a (B, 3·Q) mask of 1 where the episode has them; nil without the head.
    public var auxiliary: (target: Tensor, mask: Tensor)?
    /// Per camera index with a calibration: the feature-map cell (row · W' + column) under each auxiliary point,
    /// B·Q rows in (sample, point) order, with weight 0 where the point is unknown or outside the image.
    public var imagePoints: [Int: (cells: [Int], weights: [Float])] = [:]
}

/// Where the gripper will next close (the grasp) and next open after that (the place), read from the
/// demonstration itself: the end-effector position at the step the gripper command crosses 0.5. Any
/// demonstration carries them (expert or human), no privileged simulator state needed.
public enum AuxiliaryPoints {
    public static let count = 2

    /// 6 floats per step (grasp x, y, z, place x, y, z) or nil when the episode has no close followed by an open.
    /// Before a grasp: the next grasp; after the last one: the last. The same for the place. `graspVisibleUntil` is
    /// the last grasp's step: later grasp points name a spot the object has left, so training ignores them.
    public static func targets(proprio: [[Float]], actions: [[Float]]) -> (points: [[Float]], graspVisibleUntil: Int)? {
        guard let g = actions.first?.indices.last, proprio.count == actions.count,
              proprio.allSatisfy({ $0.count >= 3 }) else { return nil }
        var closes: [Int] = [], opens: [Int] = []
        var closed = false
        for (t, a) in actions.enumerated() {
            let nowClosed = a[g] < 0.5
            if nowClosed && !closed { closes.append(t) }
            if !nowClosed && closed { opens.append(t) }
            closed = nowClosed
        }
        guard let firstClose = closes.first, opens.contains(where: { $0 > firstClose }) else { return nil }
        func at(_ events: [Int], _ t: Int) -> [Float] {
            let e = events.first(where: { $0 >= t }) ?? events.last!
            return Array(proprio[e].prefix(3))
        }
        let placeEvents = opens.filter { $0 > firstClose }
        return ((0..<actions.count).map { at(closes, $0) + at(placeEvents, $0) }, closes.last!)
    }
}

extension DemoDataset {
    /// Builds a batch from sample indices. `shift` > 0 applies DrQ-style random shift (replicate-pad by
    /// `shift` pixels, random crop back to size) per sample and camera; `textNoise` adds Gaussian noise of
    /// that std per embedding dimension, so nearby phrasings map to the same behaviour.
    public func batch(_ indices: [Int], config: VLAConfig, embeddings: [String: [Float]], shift: Int, textNoise: Float,
                      rng: inout SeededGenerator) throws -> DemoBatch {
        let b = indices.count, k = config.chunkSize, a = actionDimension, d = config.textDimension
        let plane = width * height
        var images = cameras.map { _ in [Float](repeating: 0, count: b * 3 * plane) }
        var proprio = [Float](), text = [Float](), target = [Float]()
        let q = config.architecture.auxiliaryPoints
        var auxTarget = [Float](), auxMask = [Float]()
        let calibrated = q > 0 && config.architecture.textKeypoints >= q
            ? cameras.indices.filter { calibrations[cameras[$0]] != nil } : []
        var imageCells = [Int: [Int]](), imageWeights = [Int: [Float]]()
        proprio.reserveCapacity(b * proprioDimension); text.reserveCapacity(b * d); target.reserveCapacity(b * k * a)
        for (row, i) in indices.enumerated() {
            let (ep, st) = samples[i]
            let e = episodes[ep]
            let frame = frameOffset(episode: ep, step: st)
            var shifts: [(Int, Int)] = []
            for (ci, cam) in cameras.enumerated() {
                let dx = shift > 0 ? Int(rng.next() % UInt64(2 * shift + 1)) - shift : 0
                let dy = shift > 0 ? Int(rng.next() % UInt64(2 * shift + 1)) - shift : 0
                shifts.append((dx, dy))
                e.images[cam]!.withUnsafeBufferPointer { src in
                    images[ci].withUnsafeMutableBufferPointer { dst in
                        ImagePixels.toCHW(src: src.baseAddress! + frame, width: width, height: height,
                                          dx: dx, dy: dy, into: dst.baseAddress! + row * 3 * plane)
                    }
                }
            }
            proprio += config.proprioNormalizer.normalize(e.proprio[st])
            guard let emb = embeddings[e.instruction], emb.count == d else {
                throw DatasetError("no \(d)-D embedding for instruction \"\(e.instruction)\"")
            }
            if textNoise > 0 {
                text += emb.map { $0 + textNoise * Self.gaussian(&rng) }
            } else {
                text += emb
            }
            for act in actionChunk(episode: ep, step: st, k: k) { target += config.actionNormalizer.normalize(act) }
            if q > 0 {
                let graspKnown = st <= graspVisibleUntil[ep]
                if let rows = auxiliary[ep] {
                    let points = rows[st]
                    for j in 0..<(3 * q) {
                        let i = j % 3, known = j < points.count && (j >= 3 || graspKnown)
                        auxTarget.append(known ? (points[j] - config.proprioNormalizer.mean[i]) / config.proprioNormalizer.std[i] : 0)
                        auxMask.append(known ? 1 : 0)
                    }
                } else {
                    auxTarget += [Float](repeating: 0, count: 3 * q); auxMask += [Float](repeating: 0, count: 3 * q)
                }
                let points = auxiliary[ep]?[st], hand = e.proprio[st]
                for ci in calibrated {
                    // A hand-mounted camera is placed at this step's hand pose; a fixed one is returned as it is.
                    let calibration = hand.count >= 4
                        ? calibrations[cameras[ci]]?.placed(atHand: SIMD3(Double(hand[0]), Double(hand[1]), Double(hand[2])), yaw: Double(hand[3]))
                        : nil
                    for k in 0..<q {
                        var cell: Int?
                        if let points, let calibration, 3 * k + 2 < points.count, k > 0 || graspKnown {
                            cell = featureCell(SIMD3(Double(points[3 * k]), Double(points[3 * k + 1]), Double(points[3 * k + 2])),
                                               calibration: calibration, architecture: config.architecture, shift: shifts[ci])
                        }
                        imageCells[ci, default: []].append(cell ?? 0)
                        imageWeights[ci, default: []].append(cell == nil ? 0 : 1)
                    }
                }
            }
        }
        return DemoBatch(images: images.map { Tensor(shape: [b, 3, height, width], data: $0) },
                         proprio: Tensor(shape: [b, proprioDimension], data: proprio),
                         text: Tensor(shape: [b, d], data: text),
                         target: Tensor(shape: [b, k * a], data: target),
                         auxiliary: q > 0 ? (Tensor(shape: [b, 3 * q], data: auxTarget), Tensor(shape: [b, 3 * q], data: auxMask)) : nil,
                         imagePoints: Dictionary(uniqueKeysWithValues: calibrated.map { ci in (ci, (imageCells[ci]!, imageWeights[ci]!)) }))
    }

    /// The cell of the last feature map over which a world point appears (row · W' + column): feature column j
    /// sits over image pixel j·S (S = product of the strides; padding k/2 keeps them aligned). Nil when the point
    /// is behind the camera or outside the image. `shift` is the batch's random shift of that image (pixel (x, y) of
    /// the shifted image shows pixel (x + dx, y + dy) of the original), so the label moves with the picture.
    public func featureCell(_ p: SIMD3<Double>, calibration: CameraCalibration, architecture a: VLAArchitecture,
                            shift: (Int, Int) = (0, 0)) -> Int? {
        guard let (px, py) = calibration.project(p, width: width, height: height) else { return nil }
        let x = px - Double(shift.0), y = py - Double(shift.1)
        guard x >= 0, y >= 0, x < Double(width), y < Double(height) else { return nil }
        let stride = Double(a.convStrides.reduce(1, *))
        let (fh, fw) = a.featureSize(height: height, width: width)
        let col = min(max(Int(((x - 0.5) / stride).rounded()), 0), fw - 1)
        let row = min(max(Int(((y - 0.5) / stride).rounded()), 0), fh - 1)
        return row * fw + col
    }

    static func gaussian(_ rng: inout SeededGenerator) -> Float {
        let u1 = Double(rng.next() >> 11) / Double(1 << 53) + 1e-12, u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}

/// RGB8 (H, W, 3) → float (3, H, W) in [−0.5, 0.5], optionally shifted with edge replication.
public enum ImagePixels {
    public static func toCHW(src: UnsafePointer<UInt8>, width: Int, height: Int, dx: Int, dy: Int,
                             into dst: UnsafeMutablePointer<Float>) {
        let plane = width * height
        for y in 0..<height {
            let sy = min(max(y + dy, 0), height - 1)
            for x in 0..<width {
                let sx = min(max(x + dx, 0), width - 1)
                let s = (sy * width + sx) * 3, o = y * width + x
                dst[o] = Float(src[s]) * (1 / 255) - 0.5
                dst[plane + o] = Float(src[s + 1]) * (1 / 255) - 0.5
                dst[2 * plane + o] = Float(src[s + 2]) * (1 / 255) - 0.5
            }
        }
    }

    /// One frame as a (1, 3, H, W) tensor, no shift (inference).
    public static func tensor(_ frame: Frame) -> Tensor {
        var out = [Float](repeating: 0, count: 3 * frame.width * frame.height)
        frame.pixels.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            toCHW(src: src.baseAddress!, width: frame.width, height: frame.height, dx: 0, dy: 0, into: dst.baseAddress!)
        } }
        return Tensor(shape: [1, 3, frame.height, frame.width], data: out)
    }
}
