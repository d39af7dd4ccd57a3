// `vlaterm bench record` / `bench export`: the recording data path under a real-time 30 Hz producer, and the
// LeRobot export rate.
import ArgumentParser
import Episodes
import Foundation
import RobotKit

struct BenchRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record three cameras at 30 fps (96x72 and 320x240) in real time: drops, writer CPU, MB/min, export frames/s.",
        discussion: """
        A producer thread plays the control tick: every 1/30 s it hands one step (three synthetic camera frames plus
        state and action) to SessionRecorder, which never blocks it; a full queue drops the step and counts it.
        Reported per size: dropped steps (target 0), the median and 99th percentile time the tick spends in
        record(), the writer thread's CPU share of one core, MB written per minute of recording, and then the
        LeRobot export rate of that session in frames/s. Build with `swift build -c release` first.

        Example: .build/release/vlaterm bench record --seconds 20 --json
        """)

    @Option(help: "Seconds of real-time recording per size.") var seconds = 20.0
    @Option(help: "Recorder queue capacity in steps.") var capacity = 64
    @Flag(help: "Skip the export measurement.") var noExport = false
    @Flag(help: "Print one JSON object on stdout.") var json = false

    struct SizeResult: Codable {
        var size: String, cameras: Int, fps: Double, seconds: Double, steps: Int, dropped: Int
        var record_call_median_us: Double, record_call_p99_us: Double
        var writer_cpu_share: Double, mb_per_minute: Double
        var export_frames: Int?, export_seconds: Double?, export_frames_per_second: Double?
        /// Export frames per CPU-second of this process (the machine is shared; wall time includes waiting).
        var export_frames_per_cpu_second: Double?
    }

    func validate() throws {
        guard seconds > 0 && seconds <= 3600 else { throw ValidationError("--seconds must be in (0, 3600]") }
        guard capacity >= 1 else { throw ValidationError("--capacity must be at least 1") }
    }

    func run() throws {
        var results: [SizeResult] = []
        for (w, h) in [(96, 72), (320, 240)] {
            let r = try Self.measure(width: w, height: h, fps: 30, seconds: seconds, capacity: capacity, export: !noExport)
            results.append(r)
            note(String(format: "%@: %d steps, %d dropped; record() median %.1f µs p99 %.1f µs; writer %.1f%% of a core; %.1f MB/min",
                        r.size, r.steps, r.dropped, r.record_call_median_us, r.record_call_p99_us, 100 * r.writer_cpu_share, r.mb_per_minute)
                 + (r.export_frames_per_second.map { String(format: "; export %.1f frames/s (%.1f per CPU-second)", $0, r.export_frames_per_cpu_second ?? 0) } ?? ""))
        }
        if json { try printJSON(["record": results]) }
    }

    static func measure(width: Int, height: Int, fps: Double, seconds: Double, capacity: Int, export: Bool) throws -> SizeResult {
        let root = NSTemporaryDirectory() + "vlaterm-bench-record-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cams = SyntheticSource.cameras(width: width, height: height)
        let src = SyntheticSource(cameras: cams, fps: fps)
        // Pre-rendered observations, so the producer costs what a tick's hand-off costs, not image synthesis.
        let observations = (0..<60).map { src.observation(step: $0) }
        let store = try SessionStore.openOrCreate(root: root, name: "bench", robot: "synthetic", cameras: cams, fps: fps)
        let recorder = SessionRecorder(session: store, capacity: capacity)
        let clock = MonotonicClock()
        let steps = Int(seconds * fps)
        var callTimes: [Double] = []
        callTimes.reserveCapacity(steps)
        recorder.startEpisode(instruction: "benchmark")
        let start = clock.now()
        for i in 0..<steps {
            let due = start + Double(i) / fps
            let wait = due - clock.now()
            if wait > 0 { usleep(useconds_t(wait * 1e6)) }
            var obs = observations[i % observations.count]
            obs.time = Double(i) / fps
            obs.state = src.state(step: i)
            let t0 = clock.now()
            recorder.record(obs, action: src.action(step: i), source: .teleop, intervention: false)
            callTimes.append(clock.now() - t0)
        }
        recorder.finishEpisode(outcome: .success)
        recorder.close()
        let wall = clock.now() - start
        let st = recorder.currentStats
        if let e = st.lastError { note("bench record: writer error: \(e)"); throw ExitStatus.jobFailed }
        callTimes.sort()
        var r = SizeResult(size: "\(width)x\(height)", cameras: cams.count, fps: fps, seconds: wall, steps: steps, dropped: st.stepsDropped,
                           record_call_median_us: callTimes[callTimes.count / 2] * 1e6,
                           record_call_p99_us: callTimes[min(callTimes.count - 1, callTimes.count * 99 / 100)] * 1e6,
                           writer_cpu_share: st.writerCPUSeconds / wall,
                           mb_per_minute: Double(st.bytesWritten) / 1e6 / (Double(steps) / fps / 60))
        if export {
            let t0 = clock.now(), c0 = processCPUSeconds()
            let rep = try LeRobotExport.export(session: try SessionStore.open(directory: root + "/bench"), to: root + "/export")
            let dt = clock.now() - t0
            r.export_frames = rep.frames; r.export_seconds = dt; r.export_frames_per_second = Double(rep.frames) / dt
            r.export_frames_per_cpu_second = Double(rep.frames) / max(1e-9, processCPUSeconds() - c0)
        }
        return r
    }

    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
