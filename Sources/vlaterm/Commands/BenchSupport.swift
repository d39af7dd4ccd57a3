// Shared by the tensor/embed benchmarks: medians of wall-clock timings and running a Python twin.
import Foundation

enum BenchTiming {
    /// Median milliseconds of `runs` calls of `body` after `warmup` untimed calls (wall clock).
    static func medianMs(runs: Int, warmup: Int = 5, _ body: () -> Void) -> Double {
        medians(runs: runs, warmup: warmup, body).wall
    }

    /// Median wall-clock and process-CPU milliseconds per call. On a shared, overloaded machine the CPU time
    /// says what the work costs; the wall time says what a caller waits.
    static func medians(runs: Int, warmup: Int = 5, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        for _ in 0..<warmup { body() }
        var wall: [Double] = [], cpu: [Double] = []
        wall.reserveCapacity(runs); cpu.reserveCapacity(runs)
        for _ in 0..<runs {
            let c0 = processCPUms(), t0 = DispatchTime.now().uptimeNanoseconds
            body()
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            cpu.append(processCPUms() - c0)
        }
        wall.sort(); cpu.sort()
        return wall.isEmpty ? (0, 0) : (wall[wall.count / 2], cpu[cpu.count / 2])
    }

    static func processCPUms() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
    }

    /// Runs a Python twin (`python script args…`) and decodes its one-line JSON; nil (with a note) on failure.
    static func runPeer<T: Decodable>(_ python: String, script: String, args: [String], as: T.Type) -> T? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch {
            note("peer: cannot run \(python) (\(error.localizedDescription)); skipping the comparison")
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let v = try? JSONDecoder().decode(T.self, from: data) else {
            note("peer: \(script) failed (status \(p.terminationStatus)); is sentence-transformers/torch installed there?")
            return nil
        }
        return v
    }
}

/// The upper median (`xs.sorted()[n / 2]`), 0 for no samples: the one definition the benchmarks and run reports share.
func median(_ xs: [Double]) -> Double { percentile(xs, 0.5) }

/// The nearest-rank percentile `p` in 0...1 (sorted index `Int(n * p)`, clamped), 0 for no samples.
func percentile(_ xs: [Double], _ p: Double) -> Double {
    guard !xs.isEmpty else { return 0 }
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count) * p))]
}
