// `vlaterm bench input`: input-to-command latency inside the process, on a replayed pad stream in real time.
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import Input
import RobotKit

struct BenchInputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "input",
        abstract: "Input → command latency: tick boundary → command issued, and event timestamp → command issued (p50/p99).",
        discussion: """
        Replays a synthetic Xbox 360 pad (xpad's ids and ranges, matched to keymaps/xbox-360.toml through the usual
        keymap library) reporting at --report-hz with the deadman held and the left stick sweeping, through the same
        path a real pad takes after the read (replay source → frame assembler → keymap → deadman state machine).
        A control loop on the monotonic clock sleeps until --spin-ms before each tick boundary (--rate Hz), spins
        to the boundary and polls; the newest
        complete frame at the boundary must be the one used (checked every tick). Reported:
          boundary → issued   wake-up + processing; target: p99 within 1 ms of the boundary
          processing          poll() alone
          event → issued      age of the input the command carries (bounded by one report interval + the above)
        Build with `swift build -c release` first. Example: .build/release/vlaterm bench input --seconds 10 --json
        """
    )

    @Option(help: "Control tick rate in Hz.") var rate = 50.0
    @Option(help: "Pad report rate in Hz (xpad's wired 360 pad polls every 4 ms).") var reportHz = 250.0
    @Option(help: "Seconds of stream to replay in real time.") var seconds = 5.0
    @Option(help: "Sleep until this many ms before each boundary, then spin to it (0 = plain sleep). A loaded machine wakes sleepers late.")
    var spinMs = 1.0
    @Flag(help: "Run the control loop under SCHED_FIFO (needs root or CAP_SYS_NICE), as a deployed control thread should.")
    var realtime = false
    @Flag(help: "Print one JSON object on stdout.") var json = false

    struct Stats: Encodable { var p50_ms: Double; var p99_ms: Double; var max_ms: Double }
    struct Report: Encodable {
        var ticks: Int
        var realtime: Bool
        var spin_ms: Double
        var rate_hz: Double
        var report_hz: Double
        var keymap: String
        var boundary_to_issued: Stats
        var processing: Stats
        var event_to_issued: Stats
        var newest_frame_used: Int
        var target_p99_within_1ms: Bool
    }

    func run() throws {
        guard rate > 0, rate <= 1000, reportHz > 0, reportHz <= 8000, seconds > 0, seconds <= 600, spinMs >= 0, spinMs < 1000 / rate else {
            note("bench input: --rate 0…1000, --report-hz 0…8000, --seconds 0…600, --spin-ms below one tick"); throw ExitStatus.badInput
        }
        let library = KeymapLibrary.load(shipped: KeymapLibrary.shippedDirectory(), user: nil)
        let (recording, reportTimes) = Self.syntheticPad(seconds: seconds, reportHz: reportHz)
        guard let match = library.match(recording.device) else {
            note("bench input: keymaps/xbox-360.toml not found (run from the repository or set VLATERM_KEYMAPS)")
            throw ExitStatus.jobFailed
        }
        let source = try ReplayGamepadSource(recording: recording, label: "synthetic xpad", loseDeviceAtEnd: false)
        let teleop = GamepadTeleop(source: source, library: library)
        var gotRealtime = false
        if realtime {
            var p = sched_param(sched_priority: 10)
            gotRealtime = sched_setscheduler(0, SCHED_FIFO, &p) == 0
            if !gotRealtime { note("bench input: SCHED_FIFO refused (\(String(cString: strerror(errno)))); measuring with normal scheduling") }
        }
        let clock = MonotonicClock()
        let t0 = (clock.now() + 0.05).rounded(.up)   // a whole second ahead: room to warm up
        sleepUntil(t0)
        _ = teleop.poll(now: t0)                     // anchors the replay at t0
        var boundaryToIssued: [Double] = [], processing: [Double] = [], eventToIssued: [Double] = []
        var newestUsed = 0
        let n = Int(seconds * rate)
        for k in 1...max(n, 1) {
            let boundary = t0 + Double(k) / rate
            sleepUntil(boundary - spinMs / 1000)
            while clock.now() < boundary {}   // spin the last stretch: wake-up jitter lands before the boundary
            let woke = clock.now()
            let tick = teleop.poll(now: boundary)
            let issued = clock.now()
            guard tick.action.command != nil else { continue }
            boundaryToIssued.append(issued - boundary)
            processing.append(issued - woke)
            if let used = teleop.view.lastFrameTime {
                eventToIssued.append(issued - used)
                // Newest report at or before the boundary (report times are offsets from t0).
                let offset = boundary - t0
                var lo = 0, hi = reportTimes.count
                while lo < hi { let mid = (lo + hi) / 2; if reportTimes[mid] <= offset { lo = mid + 1 } else { hi = mid } }
                if lo > 0, Swift.abs((t0 + reportTimes[lo - 1]) - used) < 1e-9 { newestUsed += 1 }
            }
        }
        let r = Report(ticks: boundaryToIssued.count, realtime: gotRealtime, spin_ms: spinMs, rate_hz: rate, report_hz: reportHz, keymap: match.keymap.name,
                       boundary_to_issued: Self.stats(boundaryToIssued), processing: Self.stats(processing),
                       event_to_issued: Self.stats(eventToIssued), newest_frame_used: newestUsed,
                       target_p99_within_1ms: Self.stats(boundaryToIssued).p99_ms <= 1)
        if json { try printJSON(r) }
        func f(_ s: Stats) -> String { String(format: "p50 %.3f ms  p99 %.3f ms  max %.3f ms", s.p50_ms, s.p99_ms, s.max_ms) }
        note("bench input: \(r.ticks) ticks at \(rate) Hz (spin \(spinMs) ms\(gotRealtime ? ", SCHED_FIFO" : "")), pad reports at \(reportHz) Hz, keymap \(r.keymap)")
        note("  tick boundary → command issued: \(f(r.boundary_to_issued))  (target p99 ≤ 1 ms: \(r.target_p99_within_1ms ? "met" : "NOT met"))")
        note("  poll() processing:              \(f(r.processing))")
        note("  event timestamp → issued:       \(f(r.event_to_issued))")
        note("  newest complete frame used:     \(newestUsed)/\(r.ticks) ticks")
    }

    /// An xpad Xbox 360 pad: deadman (BTN_TL) held from the first report, left stick sweeping sinusoidally.
    static func syntheticPad(seconds: Double, reportHz: Double) -> (EvemuRecording, [Double]) {
        let stick = AbsInfo(minimum: -32768, maximum: 32767, fuzz: 16, flat: 128)
        let trig = AbsInfo(minimum: 0, maximum: 255), hat = AbsInfo(minimum: -1, maximum: 1)
        let dev = InputDeviceInfo(name: "Microsoft X-Box 360 pad", id: DeviceID(bus: 3, vendor: 0x045e, product: 0x028e, version: 0x0114),
                                  keys: [0x130, 0x131, 0x133, 0x134, 0x136, 0x137, 0x13a, 0x13b, 0x13c, 0x13d, 0x13e],
                                  axes: [0: stick, 1: stick, 2: trig, 3: stick, 4: stick, 5: trig, 0x10: hat, 0x11: hat])
        var events: [RawInputEvent] = [], times: [Double] = []
        // Report 0 (at rest) anchors the replay at the first poll; the others are offset from the tick grid
        // by 0.7 ms, the way a real pad's clock is unrelated to ours.
        let count = Int(seconds * reportHz) + 2
        for i in 0..<count {
            let t = i == 0 ? 0 : 0.0007 + Double(i) / reportHz
            let y = Int32(-30000 * sin(Double(i) * 0.05))
            if i == 0 {
                events.append(RawInputEvent(time: t, type: EvdevCodes.evAbs, code: 1, value: 0))
                events.append(RawInputEvent(time: t, type: EvdevCodes.evSyn, code: EvdevCodes.synReport, value: 0))
                times.append(t)
                continue
            }
            if i == 1 { events.append(RawInputEvent(time: t, type: EvdevCodes.evKey, code: 0x136, value: 1)) }
            events.append(RawInputEvent(time: t, type: EvdevCodes.evAbs, code: 1, value: y))
            events.append(RawInputEvent(time: t, type: EvdevCodes.evAbs, code: 0, value: y / 3))
            events.append(RawInputEvent(time: t, type: EvdevCodes.evSyn, code: EvdevCodes.synReport, value: 0))
            times.append(t)
        }
        return (EvemuRecording(device: dev, properties: [], events: events), times)
    }

    static func stats(_ xs: [Double]) -> Stats {
        guard !xs.isEmpty else { return Stats(p50_ms: 0, p99_ms: 0, max_ms: 0) }
        let s = xs.sorted()
        func q(_ p: Double) -> Double { s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))] * 1000 }
        return Stats(p50_ms: q(0.5), p99_ms: q(0.99), max_ms: (s.last ?? 0) * 1000)
    }

    private func sleepUntil(_ t: Double) {
        var ts = timespec(tv_sec: Int(t), tv_nsec: Int((t - t.rounded(.down)) * 1e9))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}
