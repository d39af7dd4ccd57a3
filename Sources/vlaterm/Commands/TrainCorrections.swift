// `vlaterm train --corrections-rounds N`: after the main training, N rounds of HG-DAgger in the simulator —
// the model being trained drives while the scripted expert corrects it (`record --corrections`, into a new
// session per round), then training goes on over everything with those corrections added.
import Foundation
import Policy
import RobotKit
import Simulator
import Tensor

struct CorrectionRound: Encodable {
    var round: Int, session: String, episodes: Int, corrected_episodes: Int, intervention_steps: Int
    var samples_added: Int, steps: Int, record_seconds: Double, train_seconds: Double, final_loss: Float
}

extension TrainCommand {
    /// The session a round records into: next to the demonstrations, named after the output model.
    func correctionSession(round: Int) -> String {
        let stem = URL(fileURLWithPath: out).deletingPathExtension().lastPathComponent
        return "\(stem)-corrections-\(round)"
    }

    /// Refuses to start when a round's session already exists (appending would mix in another run's corrections).
    func checkCorrectionSessionsAreFree() throws {
        for r in 0..<correctionsRounds where FileManager.default.fileExists(atPath: root + "/" + correctionSession(round: r + 1)) {
            note("vlaterm train: session \(root)/\(correctionSession(round: r + 1)) exists; remove it or choose another --out")
            throw ExitStatus.badInput
        }
    }

    /// Runs the rounds on `network` in place; returns each round's summary. `losses` receives every step's loss.
    func runCorrectionRounds(network: VLANetwork, dataset: DemoDataset, embeddings: inout [String: [Float]],
                             encoder: TextEncoder, baseOptions: TrainOptions, losses: inout [Float],
                             sources: inout [String]) throws -> [CorrectionRound] {
        var rounds: [CorrectionRound] = []
        let fps = SimConfig().controlRate
        for r in 1...correctionsRounds {
            let session = correctionSession(round: r)
            let recordStart = Date()
            let policy = try EmbeddedVLA(network: network, embedder: encoder)
            var source: any DemonstrationSource = try PolicyWithExpertCorrections(
                policy: policy, label: "\(out) (training, round \(r))", fps: fps, width: network.config.imageWidth,
                height: network.config.imageHeight, maxSteps: 300, execution: .replan(every: 4), minimumCorrection: 30,
                correctionDelay: correctionDelay)
            let seed = correctionSeed &+ UInt64(r - 1) * 100_000
            note("round \(r)/\(correctionsRounds): the model drives \(correctionEpisodes) episodes (seeds \(seed)…), the expert corrects it → session \(session)")
            let run = DemonstrationRun(session: session, root: root, fps: fps, maxSteps: 300, seed: seed, episodes: correctionEpisodes,
                                       kind: PolicyWithExpertCorrections.kind, stopMidEpisode: nil, log: { status($0) })
            let recorded = try run.record(&source)
            let before = dataset.samples.count
            _ = try TrainData.loadSessions([session], root: root, into: dataset) { status($0) }
            for text in dataset.instructions where embeddings[text] == nil { embeddings[text] = encoder.embed(text).vector }
            sources.append("session:\(session)")
            let recordSeconds = Date().timeIntervalSince(recordStart)
            let corrected = recorded.correctedEpisodes
            note("\rround \(r): \(corrected)/\(recorded.episodes.count) episodes corrected, \(recorded.interventionSteps) corrected steps, "
                 + "\(dataset.samples.count - before) samples added (\(TrainProgressBar.duration(recordSeconds)))" + String(repeating: " ", count: 20))

            // Fine-tune over everything at half the peak rate, fresh moments, its own batch stream.
            var options = baseOptions
            options.steps = correctionSteps; options.learningRate = baseOptions.learningRate / 2
            options.seed = baseOptions.seed &+ UInt64(r)
            let trainer = try Trainer(network: network, dataset: dataset, embeddings: embeddings, options: options)
            let trainStart = Date()
            var bar = TrainProgressBar(total: correctionSteps, startStep: 0)
            while trainer.step < correctionSteps {
                let loss = try trainer.trainStep()
                bar.update(step: trainer.step, loss: loss, auxiliary: trainer.auxiliaryLosses.last, force: trainer.step == correctionSteps)
            }
            bar.finish()
            losses += trainer.losses
            let tail = trainer.losses.suffix(50)
            rounds.append(CorrectionRound(round: r, session: session, episodes: recorded.episodes.count, corrected_episodes: corrected,
                                          intervention_steps: recorded.interventionSteps, samples_added: dataset.samples.count - before,
                                          steps: correctionSteps, record_seconds: recordSeconds,
                                          train_seconds: Date().timeIntervalSince(trainStart),
                                          final_loss: tail.reduce(0, +) / Float(max(1, tail.count))))
        }
        return rounds
    }
}
