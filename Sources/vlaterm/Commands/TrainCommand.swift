// `vlaterm train`: demonstrations → the embedded VLA checkpoint.
import ArgumentParser
import Foundation
import Policy
import RobotKit
import Tensor

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the built-in VLA policy on recorded sessions.",
        discussion: """
        Loads the successful episodes of each --session (decoded once into memory), embeds every instruction with
        all-MiniLM-L6-v2, and trains the policy (per camera: FiLM conv stack, keypoint maps and instruction-query
        attention maps through spatial softmax; then an MLP with an action-chunk head) with AdamW on an L1 loss over
        the next --chunk-size actions (random-shift augmentation). An auxiliary head learns where the gripper will
        next close and open (read from the demonstrations); for cameras whose calibration the session records, the
        first two instruction queries also learn where those points appear in the image (cross-entropy over cells).
        A progress bar goes to stderr (loss and auxiliary loss), the loss curve is drawn at the end, and --out is
        written (F16 with --f16). Deterministic for a --seed and thread count (VLATERM_BLAS_THREADS, default 2).

        --checkpoint-every N writes OUT.ckpt (weights + optimizer state) every N steps; --resume OUT.ckpt continues
        exactly where it stopped (same batches as an uninterrupted run).

        Examples (the shipped model's recipe; models/README.md):
          vlaterm record --sim --expert --episodes 600 --noise 0.3 --session demos --seed 100000
          vlaterm train --session demos --out models/mine.safetensors --steps 11000 --f16
          vlaterm record --sim --corrections models/default.safetensors --episodes 300 --session fixes   # see `record --help`
          vlaterm train --session demos --session fixes --init-from models/default.safetensors --out models/next.safetensors
          vlaterm train --sim-expert-episodes 300 --out models/default.safetensors --f16   # stopgap: no session needed
        """)

    @Option(name: .customLong("session"), help: "Session name under --root (repeatable).") var sessions: [String] = []
    @Option(help: "Folder holding the sessions.") var root = "sessions"
    @Option(help: "Also generate N demonstrations with the simulator's scripted expert (stopgap source).") var simExpertEpisodes = 0
    @Option(help: "First seed of the generated demonstrations (episode k uses seed + k).") var simSeed: UInt64 = 100_000
    @Option(help: "DART noise on the expert's executed motion, as a fraction of the per-tick limit.") var simNoise = 0.3
    @Option(help: "Where to write the trained model (.safetensors).") var out: String
    @Option(help: "Optimizer steps.") var steps = 3000
    @Option(help: "Batch size.") var batch = 32
    @Option(help: "Seed for initialisation, batch order and augmentation.") var seed: UInt64 = 0
    @Option(help: "Peak learning rate (warm-up then cosine decay to 10%).") var lr: Float = 2e-3
    @Option(help: "Actions predicted per chunk (K).") var chunkSize = 10
    @Option(help: "Random-shift augmentation in pixels (0 = off).") var shift = 4
    @Option(help: ArgumentHelp("Gaussian noise added to each dimension of the instruction embedding (augmentation).",
                               discussion: "The L2-normalised 384-D MiniLM embedding has entries of about 0.05; noise makes nearby phrasings "
                                   + "map to the same behaviour."))
    var textNoise: Float = 0.005
    @Option(help: "Weight of the auxiliary grasp/place-point loss next to the action loss.") var auxWeight: Float = 1
    @Option(help: "Weight of the image-cell cross-entropy for cameras with a calibration (inside the auxiliary loss).")
    var imagePointWeight: Float = 1
    @Option(help: ArgumentHelp("Calibrated cameras whose images get grasp/place-point labels (comma-separated, or 'all').",
                               discussion: "The shipped recipe labels the fixed front camera only: labelling the hand-mounted wrist camera too "
                                   + "scored lower at the same length (models/README.md)."))
    var imagePointCameras = "front"
    @Option(help: "Resume from a checkpoint written by --checkpoint-every.") var resume: String?
    @Option(help: ArgumentHelp("Start from this model's weights (fine-tuning), e.g. on sessions of corrections.",
                               discussion: "Its architecture, cameras, chunk size and normalisation statistics are kept; the architecture options are ignored."))
    var initFrom: String?
    @Option(help: "Write OUT.ckpt every N steps (0 = never).") var checkpointEvery = 500
    @Option(help: ArgumentHelp("Rounds of corrections in the simulator after training (HG-DAgger; 0 = none).",
                               discussion: "Each round the model drives --correction-episodes episodes while the scripted expert corrects its mistakes "
                                   + "(as `record --corrections` does, into session OUTNAME-corrections-R under --root), then training goes on for "
                                   + "--correction-steps steps over everything. The periodic checkpoint covers the main training only."))
    var correctionsRounds = 0
    @Option(help: "Episodes the model drives per correction round.") var correctionEpisodes = 400
    @Option(help: "Training steps after each correction round.") var correctionSteps = 3000
    @Option(help: "First seed of the correction episodes (round R adds (R-1)·100000).") var correctionSeed: UInt64 = 200_000
    @Option(help: "Ticks the policy may go on past a mistake before the expert takes over, at most (as `record --correction-delay`).")
    var correctionDelay = 0
    @Flag(help: "Store the final weights as F16 (half the size; the shipped model is F16).") var f16 = false
    @Option(help: "Only convert: write the weights of this checkpoint (e.g. OUT.ckpt of a stopped run) to --out, no training.")
    var exportCheckpoint: String?
    @Option(help: ArgumentHelp("With --export-checkpoint: record an evaluation result in the model's metadata, KEY=VALUE (repeatable).",
                               discussion: "e.g. --evaluation 'template=93/100 seeds 5000-5099' (what `vlaterm eval` reported)."))
    var evaluation: [String] = []
    @OptionGroup var arch: ArchitectureOptions
    @Flag(help: "Print one JSON summary object on stdout.") var json = false

    func validate() throws {
        for item in evaluation where item.split(separator: "=", maxSplits: 1).count != 2 || item.hasPrefix("=") {
            throw ValidationError("--evaluation '\(item)': expected KEY=VALUE")
        }
        guard exportCheckpoint == nil else { return }
        guard !sessions.isEmpty || simExpertEpisodes > 0 else {
            throw ValidationError("give at least one --session NAME (or --sim-expert-episodes N)")
        }
        guard (1...1_000_000).contains(steps) else { throw ValidationError("--steps must be in 1...1000000") }
        guard (1...4096).contains(batch) else { throw ValidationError("--batch must be in 1...4096") }
        guard (1...64).contains(chunkSize) else { throw ValidationError("--chunk-size must be in 1...64") }
        guard lr.isFinite, lr > 0, lr < 1 else { throw ValidationError("--lr must be in (0, 1)") }
        guard (0...16).contains(shift) else { throw ValidationError("--shift must be in 0...16") }
        guard textNoise.isFinite, (0...1).contains(textNoise) else { throw ValidationError("--text-noise must be in 0...1") }
        guard auxWeight.isFinite, auxWeight >= 0, auxWeight <= 100 else { throw ValidationError("--aux-weight must be in 0...100") }
        guard imagePointWeight.isFinite, (0...100).contains(imagePointWeight) else { throw ValidationError("--image-point-weight must be in 0...100") }
        guard checkpointEvery >= 0 else { throw ValidationError("--checkpoint-every must be ≥ 0") }
        guard (0...10).contains(correctionsRounds) else { throw ValidationError("--corrections-rounds must be in 0...10") }
        guard (1...100_000).contains(correctionEpisodes) else { throw ValidationError("--correction-episodes must be in 1...100000") }
        guard (1...1_000_000).contains(correctionSteps) else { throw ValidationError("--correction-steps must be in 1...1000000") }
        guard (0...100).contains(correctionDelay) else { throw ValidationError("--correction-delay must be in 0...100 (ticks)") }
        guard (0...100_000).contains(simExpertEpisodes) else { throw ValidationError("--sim-expert-episodes must be in 0...100000") }
    }

    struct Summary: Encodable {
        var out: String, episodes: Int, samples: Int, instructions: Int, steps: Int, batch: Int, seed: UInt64
        var final_loss: Float, seconds: Double, steps_per_second: Double, data_seconds: Double, parameters: Int
        var blas_threads: Int
        var final_auxiliary_loss: Float?
        var correction_rounds: [CorrectionRound]
    }

    func run() throws {
        if let exportCheckpoint {
            do {
                var net = try VLAModelFile.load(url: URL(fileURLWithPath: exportCheckpoint))
                if !evaluation.isEmpty {
                    var config = net.config
                    for item in evaluation {
                        let kv = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                        config.evaluation[kv[0]] = kv[1]
                    }
                    net = net.relabeled(config)
                }
                try VLAModelFile.save(net, to: URL(fileURLWithPath: out), dtype: f16 ? .f16 : .f32)
                note("wrote \(out) from \(exportCheckpoint) (\(f16 ? "F16" : "F32"))")
                return
            } catch { note("vlaterm train: \(error)"); throw ExitStatus.badInput }
        }
        if correctionsRounds > 0 { try checkCorrectionSessionsAreFree() }
        let threads = BLASThreads.configureForTraining()
        let t0 = Date()
        var initial: VLANetwork?
        if let initFrom {
            do { initial = try VLAModelFile.load(url: URL(fileURLWithPath: initFrom)) } catch {
                note("vlaterm train: --init-from \(initFrom): \(error)"); throw ExitStatus.badInput
            }
        }
        let config0 = try initial?.config ?? VLAConfig(architecture: try arch.architecture(), cameras: try arch.cameraNames, chunkSize: chunkSize)
        let dataset = DemoDataset(cameras: config0.cameras, width: config0.imageWidth, height: config0.imageHeight,
                                  labelWindow: config0.chunkSize)
        // Frames are most of the memory; leave the rest of the machine for batches, the model and everyone else.
        dataset.frameBudget = Int(Double(ProcessInfo.processInfo.physicalMemory) * 0.6)
        if imagePointCameras != "all" {
            let names = Set(imagePointCameras.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            guard names.isSubset(of: config0.cameras) else {
                note("vlaterm train: --image-point-cameras \(imagePointCameras): the model's cameras are \(config0.cameras.joined(separator: ", ")) (or use 'all')")
                throw ExitStatus.badInput
            }
            dataset.imagePointCameras = names
        }
        var sources: [String] = initFrom.map { ["init:\($0)"] } ?? []
        do {
            if !sessions.isEmpty {
                let n = try TrainData.loadSessions(sessions, root: root, into: dataset) { status($0) }
                sources += sessions.map { "session:\($0)" }
                note("\rloaded \(n) successful episodes from \(sessions.count) session(s)" + String(repeating: " ", count: 30))
            }
            if simExpertEpisodes > 0 {
                let n = try TrainData.generateSimExpert(episodes: simExpertEpisodes, seed: simSeed, noise: simNoise,
                                                        maxSteps: 400, into: dataset) { status($0) }
                sources.append("sim-expert:seeds \(simSeed)..<\(simSeed + UInt64(simExpertEpisodes)) noise \(simNoise)")
                note("\rgenerated \(n)/\(simExpertEpisodes) successful expert episodes" + String(repeating: " ", count: 40))
            }
        } catch let e as DatasetError {
            note("vlaterm train: \(e)"); throw ExitStatus.badInput
        } catch {
            note("vlaterm train: \(error)"); throw ExitStatus.badInput
        }
        guard !dataset.samples.isEmpty else { note("vlaterm train: no successful episodes to learn from"); throw ExitStatus.badInput }
        let dataSeconds = Date().timeIntervalSince(t0)

        let encoder: TextEncoder
        do { encoder = try TextEncoder() } catch { note("vlaterm train: \(error)"); throw ExitStatus.badInput }
        var embeddings: [String: [Float]] = [:]
        for text in dataset.instructions.sorted() { embeddings[text] = encoder.embed(text).vector }

        var config = config0
        config.evaluation = [:]   // a fine-tuned model has not been evaluated yet
        if initial == nil {
            let (pn, an) = dataset.fitNormalizers()
            config.proprioNormalizer = pn; config.actionNormalizer = an
        }
        let network = initial ?? VLANetwork(config: config, seed: seed)
        var options = TrainOptions(steps: steps, batch: batch, learningRate: lr, seed: seed, shift: shift, auxiliaryWeight: auxWeight)
        options.imagePointWeight = imagePointWeight
        options.textNoise = textNoise
        let trainer = try Trainer(network: network, dataset: dataset, embeddings: embeddings, options: options)
        let ckptURL = URL(fileURLWithPath: out + ".ckpt")
        if let resume {
            do { try trainer.resume(from: URL(fileURLWithPath: resume)) } catch { note("vlaterm train: \(error)"); throw ExitStatus.badInput }
            note("resumed from \(resume) at step \(trainer.step)")
        }
        note("training on \(dataset.episodes.count) episodes, \(dataset.samples.count) samples, \(embeddings.count) distinct instructions; "
             + "\(network.parameterCount) parameters, batch \(batch), \(threads) thread(s)")

        let trainStart = Date(), firstStep = trainer.step
        var bar = TrainProgressBar(total: steps, startStep: firstStep)
        while trainer.step < steps {
            let loss = try trainer.trainStep()
            bar.update(step: trainer.step, loss: loss, auxiliary: trainer.auxiliaryLosses.last, force: trainer.step == steps)
            if checkpointEvery > 0, trainer.step % checkpointEvery == 0, trainer.step < steps {
                try trainer.saveCheckpoint(to: ckptURL)
            }
        }
        bar.finish()
        var losses = trainer.losses
        var rounds: [CorrectionRound] = []
        if correctionsRounds > 0 {
            if checkpointEvery > 0 { try trainer.saveCheckpoint(to: ckptURL) }
            rounds = try runCorrectionRounds(network: network, dataset: dataset, embeddings: &embeddings, encoder: encoder,
                                             baseOptions: options, losses: &losses, sources: &sources)
        }
        let seconds = Date().timeIntervalSince(trainStart)
        let totalSteps = steps + rounds.map(\.steps).reduce(0, +)
        let tail = losses.suffix(50)
        let finalLoss = tail.isEmpty ? 0 : tail.reduce(0, +) / Float(tail.count)
        note("L1 loss (normalised actions) per step\(rounds.isEmpty ? "" : " (main training, then \(rounds.count) correction round(s))"):\n"
             + LossPlot.render(losses))
        let auxTail = trainer.auxiliaryLosses.suffix(50)
        let finalAux: Float? = auxTail.isEmpty ? nil : auxTail.reduce(0, +) / Float(auxTail.count)
        if let finalAux { note(String(format: "auxiliary grasp/place-point L1 (normalised), last 50 steps: %.4f", Double(finalAux))) }

        config.training = TrainingInfo(sources: sources, episodes: dataset.episodes.count, samples: dataset.samples.count,
                                       steps: totalSteps, batch: batch, learningRate: lr, seed: seed, seconds: seconds, finalLoss: finalLoss)
        let final = network.relabeled(config)
        do {
            try VLAModelFile.save(final, to: URL(fileURLWithPath: out), dtype: f16 ? .f16 : .f32)
            if checkpointEvery > 0, rounds.isEmpty { try trainer.saveCheckpoint(to: ckptURL) }
        } catch { note("vlaterm train: cannot write \(out): \(error)"); throw ExitStatus.jobFailed }
        let rate = Double(totalSteps - firstStep) / max(seconds, 1e-9)
        note(String(format: "wrote %@ (%d steps in %@, %.2f steps/s, final loss %.4f)", out, totalSteps,
                    TrainProgressBar.duration(seconds), rate, Double(finalLoss)))
        if json {
            try printJSON(Summary(out: out, episodes: dataset.episodes.count, samples: dataset.samples.count,
                                  instructions: embeddings.count, steps: totalSteps, batch: batch, seed: seed, final_loss: finalLoss,
                                  seconds: seconds, steps_per_second: rate, data_seconds: dataSeconds,
                                  parameters: network.parameterCount, blas_threads: threads, final_auxiliary_loss: finalAux,
                                  correction_rounds: rounds))
        }
    }

    func status(_ s: String) {
        FileHandle.standardError.write(Data(("\r" + String(s.prefix(110)).padding(toLength: 110, withPad: " ", startingAt: 0)).utf8))
    }
}
