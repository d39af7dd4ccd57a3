// OpenBLAS thread policy — chosen on purpose so BLAS never steals the control loop's core.
//
// The machine vlaterm targets first has 2 cores: one runs the control tick (Supervisor, input, robot I/O),
// the other is free for inference and rendering. Debian's libopenblas0-pthread starts (cores − 1) worker
// threads at load time and, after each BLAS call, lets them *busy-wait* for new work for up to 2^28 cycles
// (~0.1 s; env OPENBLAS_THREAD_TIMEOUT, read only at library load) before they sleep. A policy that runs an
// sgemm every tick would therefore keep a worker spinning on the control core permanently.
//
// Decisions:
// - Inference (text encoder, policy rollout in the console): **1 thread**. OpenBLAS then runs every call on
//   the calling thread and never wakes its workers, so nothing spins on the other core. Our inference sgemms
//   are small (M ≤ a few hundred), where a second thread buys little anyway (see BENCHMARKS.md).
// - Training (`vlaterm train`, benchmarks of training steps): **2 threads**, but as the engine's own split
//   of the batch (`KernelThreads`: each half of a conv runs im2col, sgemm, col2im, FiLM on its own thread)
//   with OpenBLAS itself at 1 thread. Measured on the policy's step: OpenBLAS's threads only sped up the
//   sgemms (under half the step) and left every other loop on one core; splitting the batch runs all of it
//   on both, and no BLAS worker busy-waits between calls.
// - `VLATERM_BLAS_THREADS=N` overrides both (e.g. on a many-core workstation) — for inference too as the
//   engine's own split (the text encoder's linear layers by output columns, OpenBLAS at 1 thread in each part:
//   16-token MiniLM embedding 4.7 → 3.1 ms at 2 threads), and an explicit `OPENBLAS_NUM_THREADS` alone is
//   respected as the user's choice of OpenBLAS threads for inference.
import COpenBLAS
import Foundation
import Synchronization

/// OpenBLAS's current thread count.
public var blasThreadCount: Int { Int(openblas_get_num_threads()) }

/// How many threads OpenBLAS uses; call once at start-up of a command (not per op).
public enum BLASThreads {
    /// The documented default for inference next to a control loop.
    public static let inferenceDefault = 1
    /// The documented default for training on the 2-core target.
    public static let trainingDefault = 2

    /// Sets the thread count for inference: 1 unless `threads` (a command's --threads) or VLATERM_BLAS_THREADS
    /// ask for more, in which case the engine's kernels split the work (the text encoder's linear layers by output
    /// columns) and OpenBLAS stays at 1 thread inside each part; an explicit OPENBLAS_NUM_THREADS alone sets
    /// OpenBLAS's own threads. Returns the thread count in effect.
    @discardableResult
    public static func configureForInference(threads: Int? = nil) -> Int {
        if let n = threads ?? override("VLATERM_BLAS_THREADS") {
            KernelThreads.set(n)
            set(1)
            return KernelThreads.count
        }
        KernelThreads.set(1)
        return set(override("OPENBLAS_NUM_THREADS") ?? inferenceDefault)
    }

    /// Sets up training threads (2 unless overridden by VLATERM_BLAS_THREADS): the engine's kernels split each
    /// batch over that many threads and OpenBLAS runs 1 thread inside each part. Also asks glibc to keep freed
    /// activation buffers instead of returning them to the kernel: a training step frees and re-allocates the
    /// same multi-megabyte buffers every step, and by default each one comes back as fresh mmap'd pages that
    /// fault in one by one (measured: ~10% of a conv-net step went to page faults+memset). Returns the count.
    @discardableResult
    public static func configureForTraining() -> Int {
        vt_keep_freed_memory(512 << 20, 1 << 30)
        let n = max(1, min(64, override("VLATERM_BLAS_THREADS") ?? trainingDefault))
        KernelThreads.set(n)
        set(1)
        return n
    }

    /// Sets an explicit count (clamped to 1…64); returns what OpenBLAS reports afterwards.
    @discardableResult
    public static func set(_ n: Int) -> Int {
        openblas_set_num_threads(Int32(max(1, min(64, n))))
        return blasThreadCount
    }

    private static func override(_ name: String) -> Int? {
        guard let s = ProcessInfo.processInfo.environment[name], let n = Int(s), n >= 1 else { return nil }
        return n
    }
}

/// How many threads the engine's own kernels split a batch over (conv, FiLM). Used only while OpenBLAS runs
/// 1 thread, so every part's sgemm runs on that part's thread; with more BLAS threads (an explicit
/// `BLASThreads.set`) the kernels run on the calling thread and leave the parallelism to OpenBLAS.
/// Results depend on the count (partial sums are added in part order) but are deterministic for a given one:
/// which thread runs which part does not matter.
public enum KernelThreads {
    private static let configured = Atomic<Int>(1)

    /// The count in effect: the configured one when OpenBLAS runs 1 thread, else 1.
    public static var count: Int { blasThreadCount == 1 ? configured.load(ordering: .relaxed) : 1 }

    /// How many parts a kernel splits its batch into: 4 per thread when there are several, so a thread the OS
    /// preempts (a shared machine) holds up only a small part while the others take the rest.
    static var parts: Int { let n = count; return n == 1 ? 1 : 4 * n }

    /// Sets the count (clamped to 1…64); call at start-up of a command, not while ops run.
    public static func set(_ n: Int) { configured.store(max(1, min(64, n)), ordering: .relaxed) }
}
