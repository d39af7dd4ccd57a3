// Where `vlaterm train` gets demonstrations: recorded sessions (the real path: MCAP episodes decoded
// once into memory) or, as a stopgap while `vlaterm record --sim --expert` is not wired, the simulator's
// scripted expert run directly (with DART-style noise on the executed motion so the data covers the
// small mistakes a learned policy makes; the recorded label is always the expert's clean action).
import Episodes
import Foundation
import Policy
import RobotKit
import Simulator

enum TrainData {
    /// Successful episodes of the named sessions (under `root`) into `dataset`; returns how many were added.
    static func loadSessions(_ names: [String], root: String, into dataset: DemoDataset, progress: (String) -> Void) throws -> Int {
        let codec = JPEGCodec()
        var added = 0
        for name in names {
            let store: SessionStore
            do { store = try SessionStore.open(directory: root + "/" + name) } catch {
                throw DatasetError("session \"\(name)\" under \(root): \(error). Record one with `vlaterm record --sim --expert --episodes 200 --session \(name)`")
            }
            dataset.adoptCalibrations(of: store.manifest.cameras)
            let usable = store.manifest.episodes.filter { $0.outcome == .success }
            for (i, e) in usable.enumerated() {
                let ep = try EpisodeReader.read(path: store.path(of: e))
                guard !ep.steps.isEmpty else { continue }
                var images: [String: [UInt8]] = [:]
                for cam in dataset.cameras {
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(ep.steps.count * dataset.width * dataset.height * 3)
                    for s in ep.steps {
                        guard let jpeg = s.images[cam] else {
                            throw DatasetError("\(store.path(of: e)): step \(s.index) has no \"\(cam)\" image (cameras: \(ep.cameras.map(\.name)))")
                        }
                        let f = try codec.decode(jpeg)
                        guard f.width == dataset.width, f.height == dataset.height else {
                            throw DatasetError("\(store.path(of: e)): camera \"\(cam)\" is \(f.width)x\(f.height), the model needs \(dataset.width)x\(dataset.height)")
                        }
                        bytes += f.pixels
                    }
                    images[cam] = bytes
                }
                let instruction = ep.instructions.first?.text ?? e.task
                do {
                    try dataset.append(DemoEpisode(
                        instruction: instruction, images: images,
                        proprio: ep.steps.map { Array($0.state.proprioception.prefix(dataset.proprioDimension)).map(Float.init) },
                        actions: ep.steps.map { $0.action.vector.map(Float.init) }, labeled: teachingSteps(ep)))
                } catch let refused as DatasetError {
                    throw DatasetError("\(store.path(of: e)): \(refused.description)")   // which file was refused
                }
                added += 1
                progress("session \(name): \(i + 1)/\(usable.count) episodes")
            }
        }
        return added
    }

    /// Which steps to imitate. Where a policy drove and was corrected (a console takeover, or `record --corrections`),
    /// only the human's or expert's commands: the policy's own steps are what needed correcting. Otherwise (expert
    /// or teleop demonstrations, or an autonomous run nobody had to correct) every step.
    static func teachingSteps(_ ep: RecordedEpisode) -> [Bool]? {
        let corrected = ep.facts["source"] == PolicyWithExpertCorrections.kind || ep.steps.contains(where: \.intervention)
        guard corrected else { return nil }
        return ep.steps.map { $0.intervention || $0.source == .teleop }
    }

    /// Runs the scripted expert for `episodes` seeds starting at `seed` and keeps the successful ones.
    /// `noise` is the std of the Gaussian added to the executed translation, as a fraction of the per-tick cap.
    static func generateSimExpert(episodes: Int, seed: UInt64, noise: Double, maxSteps: Int, into dataset: DemoDataset,
                                  progress: (String) -> Void) throws -> Int {
        let config = SimConfig(cameraWidth: dataset.width, cameraHeight: dataset.height, maxSteps: maxSteps)
        let sim = try TabletopSim(config: config, seed: seed)
        dataset.adoptCalibrations(of: sim.cameras)
        var rng = SeededGenerator(seed: seed ^ 0xDA27)
        var added = 0
        for k in 0..<episodes {
            try sim.reset(seed: seed &+ UInt64(k))
            var expert = ScriptedExpert()
            var images = [String: [UInt8]](), proprio: [[Float]] = [], actions: [[Float]] = []
            for cam in dataset.cameras { images[cam] = [] }
            var steps = 0
            while !expert.isDone && steps < maxSteps {
                for cam in dataset.cameras { images[cam]! += try sim.frame(camera: cam).pixels }
                proprio.append(Array(sim.state().proprioception.prefix(dataset.proprioDimension)).map(Float.init))
                let a = sim.limits.clamp(expert.action(for: sim))
                actions.append(a.vector.map(Float.init))
                try sim.send(dartPerturbed(a, noise: noise, limits: sim.limits, rng: &rng))
                steps += 1
                if sim.isSuccess() && expert.phase == .retreat { break }
            }
            let ok = sim.isSuccess()
            if ok {
                try dataset.append(DemoEpisode(instruction: sim.episode.instruction, images: images, proprio: proprio, actions: actions))
                added += 1
            }
            progress("sim expert: episode \(k + 1)/\(episodes) \(ok ? "kept" : "failed, skipped"), \(steps) steps — \"\(sim.episode.instruction)\"")
        }
        return added
    }

    /// DART: Gaussian noise of std `noise` × the per-tick translation limit on dx, dy, dz — only while the action
    /// moves (never while closing or releasing, which are zero-motion holds). Not clamped: callers apply the limits.
    static func dartPerturbed(_ a: Action, noise: Double, limits: ActionLimits, rng: inout SeededGenerator) -> Action {
        guard noise > 0, !a.isZeroMotion else { return a }
        var out = a
        let s = noise * limits.maxTranslation
        out.dx += s * gaussian(&rng); out.dy += s * gaussian(&rng); out.dz += s * gaussian(&rng)
        return out
    }

    static func gaussian(_ rng: inout SeededGenerator) -> Double {
        let u1 = Double(rng.next() >> 11) / Double(1 << 53) + 1e-12, u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
