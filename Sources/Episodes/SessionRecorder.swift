// Records episodes from the control tick without ever making the tick wait on disk: the tick appends to a
// bounded queue under a short lock; a writer thread JPEG-encodes frames and writes the MCAP file. When the
// queue is full the step is dropped and counted (recording degrades, control never stalls).
// Commands (start / finish / discard / instruction) are never dropped: they are tiny and order matters.
import Foundation
import RobotKit

public struct RecorderStats: Sendable, Codable {
    public var stepsQueued = 0
    public var stepsWritten = 0
    public var stepsDropped = 0
    public var episodesFinished = 0
    public var episodesDiscarded = 0
    public var bytesWritten: UInt64 = 0
    /// CPU seconds spent on the writer thread (JPEG + zstd + write).
    public var writerCPUSeconds = 0.0
    public var lastError: String?
}

/// What a finished episode looks like in the session.
public typealias FinishedEpisode = SessionEpisode

/// Sendable because every mutable field is guarded by `lock`; the writer-thread-only state
/// (`session`, `episode`, `jpeg`) is touched only from the writer thread after `init`.
public final class SessionRecorder: @unchecked Sendable {
    enum Command {
        case start(instruction: String, facts: [String: String], seed: UInt64?)
        case step(Observation, Action, CommandSource, Bool)
        case instruction(String)
        case finish(EpisodeOutcome, String)
        case discard
        case barrier(Barrier)
    }

    /// A one-shot signal from the writer thread to a waiting caller. Sendable: `done` is guarded by `c`.
    final class Barrier: @unchecked Sendable {
        let c = NSCondition()
        var done = false
        func open() { c.lock(); done = true; c.broadcast(); c.unlock() }
        func wait() { c.lock(); while !done { c.wait() }; c.unlock() }
    }

    public let capacity: Int
    private let lock = NSCondition()
    private var queue: [Command] = []
    private var queuedSteps = 0
    private var closing = false
    private var stats = RecorderStats()
    private let exited = Barrier()
    private var bytesOfFinishedEpisodes: UInt64 = 0

    // Writer thread only.
    private let session: SessionStore
    private var episode: (writer: EpisodeFileWriter, index: Int, path: String, task: String, seed: UInt64?, firstTime: Double?, lastTime: Double)?
    /// An instruction change waiting for the next step, so it is stamped with the step it first applies to.
    private var pendingInstruction: String?
    private let jpeg: JPEGCodec
    private let options: MCAPWriter.Options
    private let wallNanos: @Sendable () -> UInt64

    public var manifest: SessionManifest { lock.withLock { sessionSnapshot } }
    private var sessionSnapshot: SessionManifest

    /// `wallNanos` stamps each episode's start (injectable for deterministic tests).
    public init(session: SessionStore, capacity: Int = 64, jpegQuality: Int = 90, options: MCAPWriter.Options = .init(),
                wallNanos: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1e9) }) {
        self.session = session
        self.capacity = max(1, capacity)
        self.jpeg = JPEGCodec(quality: jpegQuality)
        self.options = options
        self.wallNanos = wallNanos
        self.sessionSnapshot = session.manifest
        let t = Thread { [self] in self.writerLoop() }
        t.name = "vlaterm-recorder"
        t.start()
    }

    // MARK: control-tick side (never blocks on I/O)

    public func startEpisode(instruction: String, seed: UInt64? = nil, facts: [String: String] = [:]) {
        push(.start(instruction: instruction, facts: facts, seed: seed))
    }

    /// Queues one step; returns false (and counts a drop) when the queue is full.
    /// `waitIfFull` is for headless generation only (no control tick to protect): it waits for room instead.
    @discardableResult
    public func record(_ obs: Observation, action: Action, source: CommandSource, intervention: Bool,
                       waitIfFull: Bool = false) -> Bool {
        lock.lock(); defer { lock.unlock() }
        while waitIfFull && queuedSteps >= capacity { lock.wait() }
        guard queuedSteps < capacity else { stats.stepsDropped += 1; return false }
        queue.append(.step(obs, action, source, intervention))
        queuedSteps += 1
        stats.stepsQueued += 1
        lock.signal()
        return true
    }

    public func setInstruction(_ text: String) { push(.instruction(text)) }
    public func finishEpisode(outcome: EpisodeOutcome, note: String = "") { push(.finish(outcome, note)) }
    public func discardEpisode() { push(.discard) }

    public var currentStats: RecorderStats { lock.withLock { stats } }

    private func push(_ c: Command) {
        lock.lock(); queue.append(c); lock.signal(); lock.unlock()
    }

    // MARK: caller-side waits (not for the control tick)

    /// Blocks until everything queued so far has been written (CLI and tests; never from the tick).
    public func drain() {
        let b = Barrier()
        push(.barrier(b))
        b.wait()
    }

    /// Writes what is queued, closes an episode still open as `interrupted`, and stops the writer thread.
    public func close() {
        lock.lock(); closing = true; lock.signal(); lock.unlock()
        exited.wait()
    }

    // MARK: writer thread

    private func writerLoop() {
        while true {
            lock.lock()
            while queue.isEmpty && !closing { lock.wait() }
            if queue.isEmpty && closing {
                lock.unlock()
                if episode != nil { handle(.finish(.interrupted, "recorder closed mid-episode")) }
                exited.open()
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            lock.unlock()
            for c in batch { handle(c) }
            let cpu = Self.threadCPUSeconds()
            lock.withLock { stats.writerCPUSeconds = cpu }
        }
    }

    private func fail(_ what: String) {
        lock.withLock { stats.lastError = what }
    }

    private func handle(_ c: Command) {
        switch c {
        case .barrier(let cond):
            cond.open()
        case .start(let instruction, let facts, let seed):
            if episode != nil { handle(.finish(.unlabelled, "a new episode started before this one was marked")) }
            let index = session.nextIndex()
            let path = session.directory + "/" + SessionStore.episodeFileName(index)
            do {
                var start = facts
                start["robot"] = session.manifest.robot
                start["fps"] = String(session.manifest.fps)
                start["session"] = session.manifest.name
                start["episode_index"] = String(index)
                if let s = seed { start["seed"] = String(s) }
                let w = try EpisodeFileWriter(sink: try FileSink(path: path, exclusive: true), cameras: session.manifest.cameras,
                                              task: instruction, startNanos: wallNanos(), start: start, options: options)
                episode = (w, index, path, instruction, seed, nil, 0)
                pendingInstruction = nil
            } catch { fail("start episode \(index): \(error)") }
        case .step(let obs, let action, let source, let intervention):
            lock.withLock { queuedSteps -= 1; lock.broadcast() }
            guard var ep = episode else { return }   // steps outside an episode are not recorded
            let t0 = ep.firstTime ?? obs.time
            ep.firstTime = t0
            ep.lastTime = obs.time - t0
            do {
                if let text = pendingInstruction { try ep.writer.setInstruction(text, time: obs.time - t0); pendingInstruction = nil }
                var images: [String: [UInt8]] = [:]
                for cam in session.manifest.cameras {
                    if let f = obs.frames[cam.name] { images[cam.name] = try jpeg.encode(f) }
                }
                try ep.writer.write(StepRecord(time: obs.time - t0, state: obs.state, action: action, source: source,
                                               intervention: intervention, images: images))
                episode = ep
                lock.withLock { stats.stepsWritten += 1; stats.bytesWritten = bytesOfFinishedEpisodes + ep.writer.bytesWritten }
            } catch { episode = ep; fail("write step: \(error)") }
        case .instruction(let text):
            if episode != nil { pendingInstruction = text }
        case .finish(let outcome, let note):
            guard let ep = episode else { return }
            episode = nil
            do {
                if let text = pendingInstruction { try ep.writer.setInstruction(text, time: ep.lastTime); pendingInstruction = nil }
                try ep.writer.finish(outcome: outcome, note: note)
                let e = SessionEpisode(index: ep.index, task: ep.task, outcome: outcome, length: ep.writer.stepCount,
                                       file: SessionStore.episodeFileName(ep.index), note: note.isEmpty ? nil : note, seed: ep.seed)
                try session.append(e)
                bytesOfFinishedEpisodes += ep.writer.bytesWritten
                lock.withLock { stats.episodesFinished += 1; sessionSnapshot = session.manifest; stats.bytesWritten = bytesOfFinishedEpisodes }
            } catch { fail("finish episode \(ep.index): \(error)") }
        case .discard:
            guard let ep = episode else { return }
            episode = nil
            _ = ep.path.withCString { unlink($0) }
            try? DurableFile.syncDirectory(containing: ep.path)
            lock.withLock { stats.episodesDiscarded += 1 }
        }
    }

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
