import ArgumentParser
import Console
import Foundation
import RobotKit
import Simulator
import TerminalUI

/// `vlaterm bench console`: the whole console — sim on its control thread, snapshot → ConsoleScreen →
/// ncurses backend — at 120x40 with three cameras, writing to a file instead of a terminal. Reports render
/// FPS, CPU share of one core for the render loop, and bytes written to the "terminal" per frame.
struct BenchConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Console render loop at 120x40 with three cameras: FPS, CPU share, bytes per frame."
    )

    @Option(help: "Seconds per measured run.") var seconds = 5.0
    @Option(help: "Terminal size as COLSxROWS.") var size = "120x40"
    @Option(help: "Terminal type curses writes for: xterm-256color (blocks, 256 colours) or xterm-direct (truecolor).")
    var term = "xterm-256color"
    @Option(help: "Thumbnail mode: blocks, braille or ascii.") var render = "blocks"
    @Flag(help: "Print one JSON object on stdout.") var json = false

    struct Report: Codable {
        var size: String
        var term: String
        var render: String
        var colorDepth: String
        var seconds: Double
        var renderFPS: Double
        var renderCPUShareOfOneCore: Double
        var processCPUShareOfOneCore: Double
        var bytesPerFrame: Double
        var renderMillisPerFrame: Double
        var flushMillisPerFrame: Double
        var maxFPSUnthrottled: Double
        var controlHzAchieved: Double
    }

    /// Moves the arm in a slow circle so every camera image changes from tick to tick.
    final class CircleSource: TeleopSource {
        let name = "bench"
        func poll(now: Double) -> TeleopPoll {
            TeleopPoll(command: TeleopCommand(linear: SIMD3(cos(now * 2), sin(now * 2), 0.3 * sin(now)), yaw: 0,
                                              gripper: nil, deadman: true))
        }
        func status() -> DeviceStatus { DeviceStatus(name: "bench", status: "circling", role: .good) }
        func help() -> HelpSection { HelpSection(title: "bench", rows: []) }
    }

    func run() throws {
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, (20...1000).contains(parts[0]), (10...500).contains(parts[1]) else {
            throw benchUsage("--size: expected COLSxROWS, e.g. 120x40")
        }
        guard let request = RenderRequest(rawValue: render), request != .auto else {
            throw benchUsage("--render: blocks, braille or ascii")
        }
        guard seconds > 0, seconds <= 600 else { throw benchUsage("--seconds: 0 < s <= 600") }
        let (cols, rows) = (parts[0], parts[1])

        // The sim at 50 Hz control, so every 30 FPS render period has new camera images to draw (at 30 Hz the two
        // clocks beat and some periods would have nothing new).
        var cfg = SimConfig()
        cfg.controlRate = 50
        let sim = try TabletopSim(config: cfg, seed: 3)
        let clock = MonotonicClock()
        let model = ConsoleModel(clock: clock)
        let controller = ConsoleController(robot: sim, sources: [CircleSource()], model: model, instruction: sim.episode.instruction)
        let loop = ControlLoop(controller: controller, rate: sim.controlRate)

        // curses on a file: LINES/COLUMNS set the size it believes the terminal has.
        setenv("LINES", "\(rows)", 1); setenv("COLUMNS", "\(cols)", 1)
        let outPath = NSTemporaryDirectory() + "vlaterm-bench-console-\(getpid()).out"
        guard let out = fopen(outPath, "w"), let inp = fopen("/dev/null", "r") else {
            note("bench console: cannot open \(outPath)"); throw ExitStatus.jobFailed
        }
        defer { fclose(out); fclose(inp); unlink(outPath) }
        let backend = try NcursesBackend(render: request, termName: term, output: out, input: inp)
        let choice = backend.choice
        defer { backend.end() }
        let screen = ConsoleScreen(theme: .color(glyphs: .unicode), blitMode: choice.mode, depth: choice.depth)
        loop.start()
        defer { loop.stop() }

        var buf = CellBuffer(width: cols, height: rows)
        func fileSize() -> Int { var st = stat(); return stat(outPath, &st) == 0 ? Int(st.st_size) : 0 }
        func threadCPU() -> Double {
            var ts = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        }
        func processCPU() -> Double {
            var ru = rusage(); getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
            return Double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + Double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6
        }
        func frame() -> (render: Double, flush: Double) {
            let t0 = clock.now()
            screen.render(model.snapshot(), into: &buf)
            let t1 = clock.now()
            backend.flush(buf)
            fflush(out)
            return (t1 - t0, clock.now() - t1)
        }

        // Warm-up: first frame is a full redraw; let the sim produce a few ticks.
        Thread.sleep(forTimeInterval: 0.5)
        _ = frame()

        // Measured run: the console's own pacing, at most 30 FPS, redraw only on a new model version.
        let period = 1.0 / 30
        var frames = 0, renderT = 0.0, flushT = 0.0, lastVersion: UInt64 = .max
        let bytes0 = fileSize(), cpu0 = threadCPU(), pcpu0 = processCPU(), ticks0 = controller.ticks
        let start = clock.now()
        var next = start
        while clock.now() - start < seconds {
            let now = clock.now()
            if now < next { Thread.sleep(forTimeInterval: next - now); continue }
            next = max(next + period, now)
            let v = model.version
            guard v != lastVersion else { continue }
            lastVersion = v
            let (r, f) = frame()
            frames += 1; renderT += r; flushT += f
        }
        let wall = clock.now() - start
        let bytes = fileSize() - bytes0, cpu = threadCPU() - cpu0, pcpu = processCPU() - pcpu0
        let ticks = controller.ticks - ticks0

        // Unthrottled: how fast the render path could go (each frame has whatever the sim has by then).
        let u0 = clock.now()
        var uframes = 0
        while clock.now() - u0 < min(2, seconds) { _ = frame(); uframes += 1 }
        let maxFPS = Double(uframes) / (clock.now() - u0)

        if let e = loop.failure { note("bench console: the control loop failed: \(e)"); throw ExitStatus.jobFailed }
        let report = Report(size: size, term: term, render: choice.mode.rawValue, colorDepth: choice.depth.rawValue,
                            seconds: wall, renderFPS: Double(frames) / wall, renderCPUShareOfOneCore: cpu / wall,
                            processCPUShareOfOneCore: pcpu / wall, bytesPerFrame: Double(bytes) / Double(max(1, frames)),
                            renderMillisPerFrame: renderT / Double(max(1, frames)) * 1000,
                            flushMillisPerFrame: flushT / Double(max(1, frames)) * 1000, maxFPSUnthrottled: maxFPS,
                            controlHzAchieved: Double(ticks) / wall)
        backend.end()
        note("bench console: \(size) \(term) \(choice.mode.rawValue)/\(choice.depth.rawValue), 3 cameras, \(blitFmt(wall, 1)) s")
        note("  render FPS \(blitFmt(report.renderFPS, 1)) (max unthrottled \(blitFmt(maxFPS, 0))), control \(blitFmt(report.controlHzAchieved, 1)) Hz")
        note("  render loop CPU \(blitFmt(report.renderCPUShareOfOneCore * 100, 1))% of one core (whole process incl. sim physics + camera rendering \(blitFmt(report.processCPUShareOfOneCore * 100, 1))%)")
        note("  per frame: draw \(blitFmt(report.renderMillisPerFrame, 2)) ms, curses flush \(blitFmt(report.flushMillisPerFrame, 2)) ms, \(Int(report.bytesPerFrame)) bytes written")
        if json { try printJSON(report) }
    }
}
