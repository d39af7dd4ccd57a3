// Runs a `Policy` on its own thread so the control tick never waits on inference.
// The tick submits a request (non-blocking) and polls for replies (non-blocking); every reply carries the
// request id, and a reply finished after its deadline is turned into a deadline miss here as well as being
// dropped by the supervisor — two independent guards for safety promise 5.
import Foundation
import RobotKit

/// What came back from the worker thread for one request.
public enum PolicyReply: Sendable, Equatable {
    case chunk(id: UInt64, ActionChunk, finishedAt: Double)
    case failed(id: UInt64, PolicyError, finishedAt: Double)

    public var id: UInt64 {
        switch self {
        case .chunk(let id, _, _), .failed(let id, _, _): id
        }
    }
}

/// Owns one policy and one worker thread. The thread stops when the runner is released or `shutdown()` is called
/// (after the inference in progress returns; remote policies return by their deadline).
public final class PolicyRunner: Sendable {
    private let core: RunnerCore
    public var policyName: String { core.policyName }
    public var chunkSize: Int { core.chunkSize }

    public init(policy: Policy, clock: any Clock = MonotonicClock()) {
        core = RunnerCore(policy: policy, clock: clock)
        let thread = Thread { [core] in core.workerLoop() }
        thread.name = "vlaterm.policy"
        thread.start()
    }

    deinit { core.shutdown() }

    /// Queues a request. A request still waiting (not yet started) is replaced and answered with a
    /// failure, so every submitted id gets exactly one reply.
    public func submit(_ request: PolicyRequest) { core.submit(request) }
    /// Asks the worker to call `policy.reset()` before the next request (new episode or new instruction).
    public func reset() { core.reset() }
    /// Replies that arrived since the last call, oldest first. Never blocks beyond the mutex.
    public func poll() -> [PolicyReply] { core.poll() }
    /// Blocks until at least one reply is available or `timeout` seconds of real time pass (headless runs
    /// and tests use this instead of sleeping). Returns what `poll` would.
    public func waitForReplies(timeout: Double) -> [PolicyReply] { core.waitForReplies(timeout: timeout) }
    /// True while a request is queued or inside `infer`.
    public var isBusy: Bool { core.isBusy }
    /// Stops the worker after the inference in progress (if any) returns. Idempotent.
    public func shutdown() { core.shutdown() }
}

/// The state shared between the runner's callers and its worker thread.
///
/// `@unchecked Sendable` is safe because every mutable field is guarded by `cond` (an NSCondition, i.e. a
/// mutex plus condition variable), and `policy` — not thread-safe — is only ever touched by the worker thread.
private final class RunnerCore: @unchecked Sendable {
    private let policy: Policy
    private let clock: any Clock
    private let cond = NSCondition()
    // Guarded by `cond`:
    private var pending: PolicyRequest?       // latest wins: a newer submit replaces one not yet started
    private var replies: [PolicyReply] = []
    private var resetRequested = false
    private var stopping = false
    private var running: UInt64?              // id of the request inside `infer` right now
    private var finished = false

    let policyName: String
    let chunkSize: Int

    init(policy: Policy, clock: any Clock) {
        self.policy = policy
        self.clock = clock
        self.policyName = policy.name
        self.chunkSize = policy.chunkSize
    }

    func submit(_ request: PolicyRequest) {
        cond.lock()
        if let old = pending {
            replies.append(.failed(id: old.id, .deadlineMissed("superseded by request \(request.id) before it started"),
                                   finishedAt: clock.now()))
        }
        pending = request
        cond.broadcast()
        cond.unlock()
    }

    func reset() {
        cond.lock()
        resetRequested = true
        if let old = pending {
            replies.append(.failed(id: old.id, .deadlineMissed("cancelled by reset"), finishedAt: clock.now()))
            pending = nil
        }
        cond.broadcast()
        cond.unlock()
    }

    func poll() -> [PolicyReply] {
        cond.lock()
        defer { cond.unlock() }
        let out = replies
        replies.removeAll(keepingCapacity: true)
        return out
    }

    func waitForReplies(timeout: Double) -> [PolicyReply] {
        let until = Date(timeIntervalSinceNow: timeout)
        cond.lock()
        while replies.isEmpty && !finished {
            if !cond.wait(until: until) { break }
        }
        let out = replies
        replies.removeAll(keepingCapacity: true)
        cond.unlock()
        return out
    }

    var isBusy: Bool {
        cond.lock()
        defer { cond.unlock() }
        return pending != nil || running != nil
    }

    func shutdown() {
        cond.lock()
        stopping = true
        cond.broadcast()
        cond.unlock()
    }

    func workerLoop() {
        while true {
            cond.lock()
            while pending == nil && !resetRequested && !stopping { cond.wait() }
            if stopping {
                finished = true
                cond.broadcast()
                cond.unlock()
                return
            }
            let doReset = resetRequested
            resetRequested = false
            let request = pending
            pending = nil
            running = request?.id
            cond.unlock()

            if doReset { policy.reset() }
            guard let request else { continue }
            let reply = runOne(request)

            cond.lock()
            running = nil
            replies.append(reply)
            cond.broadcast()
            cond.unlock()
        }
    }

    private func runOne(_ request: PolicyRequest) -> PolicyReply {
        let started = clock.now()
        guard started < request.deadline else {
            return .failed(id: request.id, .deadlineMissed("request \(request.id) started after its deadline"),
                           finishedAt: started)
        }
        do {
            var chunk = try policy.infer(request)
            let done = clock.now()
            if chunk.inferenceMs == 0 { chunk.inferenceMs = (done - started) * 1000 }
            if done > request.deadline {
                let ms = Int(((done - request.deadline) * 1000).rounded())
                return .failed(id: request.id, .deadlineMissed("\(policyName) replied \(ms) ms after the deadline; reply dropped"),
                               finishedAt: done)
            }
            return .chunk(id: request.id, chunk, finishedAt: done)
        } catch let e as PolicyError {
            return .failed(id: request.id, e, finishedAt: clock.now())
        } catch {
            return .failed(id: request.id, .server("\(policyName): \(error)"), finishedAt: clock.now())
        }
    }
}
