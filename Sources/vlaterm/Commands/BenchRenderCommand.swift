import ArgumentParser
import Foundation
import RobotKit
import Simulator

/// `vlaterm bench render`: the CPU renderer's cost per camera frame, the figure the control tick pays.
struct BenchRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Time the CPU software renderer: ms per frame per camera at 96x72 and 320x240 (medians).",
        discussion: """
        Renders every camera of the tabletop scene many times at each resolution and reports the median and \
        90th percentile milliseconds per frame, plus what three 96x72 cameras cost per 20 Hz control tick. \
        Targets (issue #2): one 96x72 frame in at most 1 ms; three 96x72 cameras at 20 Hz must leave room for \
        at least 20x real time. Build with `swift build -c release` first: debug builds are ~10x slower.

        Example: .build/release/vlaterm bench render --frames 500 --json
        """
    )

    @Option(help: "Frames timed per camera and resolution (after 20 warm-up frames).")
    var frames = 300

    @Option(help: "Seed of the tabletop layout.")
    var seed: UInt64 = 0

    @Option(help: "Control ticks the scripted expert drives before timing, so the arm is mid-task.")
    var expertTicks = 40

    @Flag(help: "Print one JSON object on stdout instead of a table on stderr.")
    var json = false

    struct CameraResult: Codable {
        var camera: String
        var width: Int
        var height: Int
        var median_ms: Double
        var p90_ms: Double
        /// Median of the benchmark thread's CPU time per frame: the "one core" figure on a busy machine.
        var median_cpu_ms: Double
        var triangles: Int
    }

    struct Report: Codable {
        var scene: String
        var geoms: Int
        var frames: Int
        var results: [CameraResult]
        /// Median cost of rendering every camera once at 96x72, i.e. per control tick.
        var all_cameras_96x72_ms: Double
        var all_cameras_96x72_cpu_ms: Double
        /// How many times faster than real time a 20 Hz loop could run if rendering were its only cost.
        var render_only_realtime_factor_at_20hz: Double
        /// Median ms to PNG-encode one front-camera frame (snapshots, LeRobot export), by "WxH".
        var png_encode_ms: [String: Double]
        /// Bytes of that PNG, by "WxH" (raw RGB is width * height * 3).
        var png_bytes: [String: Int]
    }

    func validate() throws {
        guard (1...100_000).contains(frames) else { throw ValidationError("--frames must be 1...100000") }
        guard (0...10_000).contains(expertTicks) else { throw ValidationError("--expert-ticks must be 0...10000") }
    }

    func run() throws {
        let scene: BenchScene
        do {
            scene = try BenchScene.tabletop(seed: seed, expertTicks: expertTicks)
        } catch {
            note("vlaterm bench render: the simulator failed: \(error)")
            throw ExitStatus.jobFailed
        }
        let clock = MonotonicClock()
        var results: [CameraResult] = []
        var pngMs: [String: Double] = [:], pngBytes: [String: Int] = [:]
        for (width, height) in [(96, 72), (320, 240)] {
            let renderer = try SoftwareRenderer(width: width, height: height)
            var frame = Frame(width: width, height: height)
            for camera in scene.cameras {
                for _ in 0..<20 { renderer.render(geoms: scene.geoms, camera: camera, into: &frame) }
                var times: [Double] = [], cpuTimes: [Double] = []
                times.reserveCapacity(frames)
                cpuTimes.reserveCapacity(frames)
                for _ in 0..<frames {
                    let c0 = threadCPUSeconds(), t0 = clock.now()
                    renderer.render(geoms: scene.geoms, camera: camera, into: &frame)
                    let t1 = clock.now(), c1 = threadCPUSeconds()
                    times.append((t1 - t0) * 1000)
                    cpuTimes.append((c1 - c0) * 1000)
                }
                times.sort()
                cpuTimes.sort()
                results.append(CameraResult(camera: camera.name, width: width, height: height,
                                            median_ms: times[times.count / 2],
                                            p90_ms: times[min(times.count - 1, times.count * 9 / 10)],
                                            median_cpu_ms: cpuTimes[cpuTimes.count / 2],
                                            triangles: renderer.lastTriangleCount))
            }
            // PNG encoding of the first camera's frame, the cost each exported image pays.
            if let first = scene.cameras.first {
                renderer.render(geoms: scene.geoms, camera: first, into: &frame)
                var times: [Double] = []
                var size = 0
                for _ in 0..<max(5, min(frames / 5, 200)) {
                    let t0 = clock.now()
                    size = PNG.encode(frame).count
                    times.append((clock.now() - t0) * 1000)
                }
                times.sort()
                pngMs["\(width)x\(height)"] = times[times.count / 2]
                pngBytes["\(width)x\(height)"] = size
            }
        }
        let perTick = results.filter { $0.width == 96 }.map(\.median_ms).reduce(0, +)
        let perTickCPU = results.filter { $0.width == 96 }.map(\.median_cpu_ms).reduce(0, +)
        let report = Report(scene: scene.name, geoms: scene.geoms.count, frames: frames, results: results,
                            all_cameras_96x72_ms: perTick, all_cameras_96x72_cpu_ms: perTickCPU,
                            render_only_realtime_factor_at_20hz: perTick > 0 ? 50 / perTick : 0,
                            png_encode_ms: pngMs, png_bytes: pngBytes)
        if json {
            try printJSON(report)
        } else {
            note("renderer on \(scene.name): \(scene.geoms.count) geoms, median of \(frames) frames")
            for r in results {
                let name = r.camera.padding(toLength: max(10, r.camera.count), withPad: " ", startingAt: 0)
                note(name + String(format: " %3dx%-3d  median %.3f ms (CPU %.3f ms)  p90 %.3f ms  %5d triangles",
                                   r.width, r.height, r.median_ms, r.median_cpu_ms, r.p90_ms, r.triangles))
            }
            note(String(format: "  all cameras at 96x72: %.3f ms per tick (CPU %.3f ms) → %.0fx real time at 20 Hz (render only)",
                        perTick, perTickCPU, report.render_only_realtime_factor_at_20hz))
            for key in pngMs.keys.sorted() {
                note(String(format: "  PNG encode %@: median %.3f ms, %d bytes", key, pngMs[key] ?? 0, pngBytes[key] ?? 0))
            }
        }
    }
}

/// CPU time consumed by the calling thread, seconds (CLOCK_THREAD_CPUTIME_ID): unlike wall time it does not
/// count the slices other processes get on a shared machine.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
