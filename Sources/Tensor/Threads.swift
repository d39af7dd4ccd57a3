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
// - Training (`vlaterm train`, benchmarks of training steps): **2 threads** — nothing else runs, we want
//   both cores; the spinning after each call is harmless there.
// - `VLATERM_BLAS_THREADS=N` overrides both (e.g. on a many-core workstation), and an explicit
//   `OPENBLAS_NUM_THREADS` in the environment is respected as the user's choice for inference.
import COpenBLAS
import Foundation

/// OpenBLAS's current thread count.
public var blasThreadCount: Int { Int(openblas_get_num_threads()) }

/// How many threads OpenBLAS uses; call once at start-up of a command (not per op).
public enum BLASThreads {
    /// The documented default for inference next to a control loop.
    public static let inferenceDefault = 1
    /// The documented default for training on the 2-core target.
    public static let trainingDefault = 2

    /// Sets the thread count for inference (1 unless overridden by VLATERM_BLAS_THREADS / OPENBLAS_NUM_THREADS).
    @discardableResult
    public static func configureForInference() -> Int {
        set(override("VLATERM_BLAS_THREADS") ?? override("OPENBLAS_NUM_THREADS") ?? inferenceDefault)
    }

    /// Sets the thread count for training (2 unless overridden by VLATERM_BLAS_THREADS), and asks glibc
    /// to keep freed activation buffers instead of returning them to the kernel: a training step frees and
    /// re-allocates the same multi-megabyte buffers every step, and by default each one comes back as fresh
    /// mmap'd pages that fault in one by one (measured: ~10% of a conv-net step went to page faults+memset).
    @discardableResult
    public static func configureForTraining() -> Int {
        vt_keep_freed_memory(512 << 20, 1 << 30)
        return set(override("VLATERM_BLAS_THREADS") ?? trainingDefault)
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
