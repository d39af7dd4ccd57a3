// Splitting a batch over the engine's kernel threads (see KernelThreads in Threads.swift).
import Dispatch

/// Calls `body(part, range)` for `parts` contiguous, near-equal ranges covering 0..<n, concurrently when
/// parts > 1. The split depends only on n and parts, so results are deterministic for a thread count.
/// Bodies must write disjoint memory or their own per-part buffers.
func parallelParts(_ n: Int, parts: Int, _ body: (Int, Range<Int>) -> Void) {
    let p = max(1, min(parts, n))
    if p == 1 { body(0, 0..<n); return }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(value: body)
        DispatchQueue.concurrentPerform(iterations: p) { i in box.value(i, (i * n / p)..<((i + 1) * n / p)) }
    }
}

/// Carries the kernel body into concurrentPerform's @Sendable closure. @unchecked Sendable is safe here:
/// concurrentPerform returns only after every iteration has finished (the body never outlives the call),
/// and the bodies write disjoint memory (each part its own images and its own scratch).
private struct UncheckedSendable<T>: @unchecked Sendable { let value: T }
