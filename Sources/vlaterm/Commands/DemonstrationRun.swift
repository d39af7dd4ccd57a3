// Recording a demonstration source into a session, episode by episode: shared by `vlaterm record` and by
// `vlaterm train --corrections-rounds` (which records its own model being corrected between training rounds).
import Episodes
import Foundation
import RobotKit

struct DemonstrationRun {
    var session: String, root: String
    var fps: Double, maxSteps: Int, seed: UInt64, episodes: Int
    /// The episodes' "source" fact: scripted-expert, synthetic or policy-with-expert-corrections.
    var kind: String
    /// Crash-test harness (`record --stop-mid-episode`): stop after N steps of the last episode and wait to be killed.
    var stopMidEpisode: Int?
    /// One line per episode.
    var log: (String) -> Void

    func record(_ source: inout any DemonstrationSource) throws -> RecordCommand.Summary {
        let store: SessionStore
        do {
            store = try SessionStore.openOrCreate(root: root, name: session, robot: source.robotName, cameras: source.cameras, fps: fps)
        } catch let e as SessionError { note("vlaterm record: \(e)"); throw ExitStatus.badInput }
        let recorder = SessionRecorder(session: store, capacity: 256)
        let started = Date()
        var finished: [SessionEpisode] = []
        var interventions = 0, correctedEpisodes = 0
        for k in 0..<episodes {
            let epSeed = seed &+ UInt64(k)
            let instruction = try source.reset(seed: epSeed)
            recorder.startEpisode(instruction: instruction, seed: epSeed, facts: source.facts.merging(["source": kind]) { $1 })
            var steps = 0, episodeInterventions = 0
            while steps < maxSteps {
                let step = try source.step(time: Double(steps) / fps)
                // A correction is recorded the way the console records a human's takeover.
                recorder.record(step.observation, action: step.action, source: step.intervention ? .teleop : .autonomy,
                                intervention: step.intervention, waitIfFull: true)
                episodeInterventions += step.intervention ? 1 : 0
                steps += 1
                if let stop = stopMidEpisode, k == episodes - 1, steps == stop {
                    recorder.drain()
                    note("holding mid-episode at step \(steps) (episode \(k + 1)/\(episodes)); kill me")
                    while readLine() != nil {}
                    throw ExitStatus.jobFailed
                }
                if step.done { break }
            }
            interventions += episodeInterventions
            correctedEpisodes += episodeInterventions > 0 ? 1 : 0
            let ok = source.succeeded()
            // Facts are taken at the start; the corrections of this episode go in its note.
            let corrected = source.episodeCorrections.map { reasons in
                reasons.isEmpty ? "no corrections" : "\(episodeInterventions) corrected steps (\(reasons.joined(separator: ", ")))"
            }
            recorder.finishEpisode(outcome: ok ? .success : .failure,
                                   note: [ok ? nil : "not finished in \(steps) steps", corrected].compactMap { $0 }.joined(separator: "; "))
            recorder.drain()
            if let e = recorder.manifest.episodes.last { finished.append(e) }
            log("episode \(k + 1)/\(episodes): \"\(instruction)\" \(ok ? "success" : "failure"), \(steps) steps" + (corrected.map { ", " + $0 } ?? ""))
        }
        recorder.close()
        let st = recorder.currentStats
        if let err = st.lastError { note("vlaterm record: writer error: \(err)"); throw ExitStatus.jobFailed }
        note("recorded \(finished.count) episode(s), \(st.stepsWritten) steps into \(store.directory)")
        return RecordCommand.Summary(
            session: session, directory: store.directory, episodes: finished, steps: st.stepsWritten, dropped: st.stepsDropped,
            successRate: Double(finished.filter { $0.outcome == .success }.count) / Double(max(1, finished.count)),
            seconds: Date().timeIntervalSince(started), bytes: st.bytesWritten, writerCPUSeconds: st.writerCPUSeconds,
            interventionSteps: interventions, correctedEpisodes: correctedEpisodes, corrections: source.correctionCounts)
    }
}
