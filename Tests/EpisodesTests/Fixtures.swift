// Synthetic episodes for tests: deterministic frames, states and actions with a known pattern.
import Foundation
import RobotKit
@testable import Episodes

enum Fixtures {
    static let cameras = [CameraSpec(name: "front", width: 32, height: 24), CameraSpec(name: "wrist", width: 16, height: 12)]

    /// A smooth image (JPEG keeps it close) that changes with `step` and differs per camera.
    static func frame(_ cam: CameraSpec, step: Int, salt: Int = 0) -> Frame {
        var px = [UInt8](repeating: 0, count: cam.width * cam.height * 3)
        for y in 0..<cam.height {
            for x in 0..<cam.width {
                let i = (y * cam.width + x) * 3
                px[i] = UInt8((x * 255) / max(1, cam.width - 1))
                px[i + 1] = UInt8((y * 255) / max(1, cam.height - 1))
                px[i + 2] = UInt8((step * 10 + salt * 60) % 256)
            }
        }
        return Frame(width: cam.width, height: cam.height, pixels: px, sequence: UInt64(step))
    }

    static func state(_ step: Int) -> RobotState {
        let t = Double(step)
        return RobotState(jointPositions: (0..<6).map { 0.1 * Double($0) + 0.01 * t },
                          jointVelocities: (0..<6).map { _ in 0.01 },
                          endEffector: Pose(position: SIMD3(0.3 + 0.001 * t, -0.1, 0.2 - 0.0005 * t),
                                            quaternion: SIMD4(1, 0, 0, 0)),
                          gripper: step % 20 < 10 ? 1 : 0)
    }

    static func action(_ step: Int) -> Action {
        Action(dx: 0.001 * Double(step % 7), dy: -0.002, dz: step.isMultiple(of: 3) ? 0.003 : 0, dyaw: 0.01,
               gripper: step % 20 < 10 ? 1 : 0)
    }

    static func source(_ step: Int) -> (CommandSource, Bool) {
        step % 10 < 6 ? (.autonomy, false) : (.teleop, step % 10 == 6)
    }

    /// Writes an episode of `steps` ticks at `fps` into memory and returns the bytes.
    static func episodeBytes(steps: Int, fps: Double = 20, task: String = "pick up the red cube",
                             chunkSpan: Double = 1, finish: Bool = true) throws -> [UInt8] {
        let sink = MemorySink()
        var opts = MCAPWriter.Options()
        opts.chunkSpanNanos = UInt64(chunkSpan * 1e9)
        let w = try EpisodeFileWriter(sink: sink, cameras: cameras, task: task, startNanos: 1_700_000_000_000_000_000,
                                      start: ["robot": "sim", "seed": "7", "fps": String(fps)], options: opts)
        let jpeg = JPEGCodec(quality: 95)
        for i in 0..<steps {
            var images: [String: [UInt8]] = [:]
            for (k, c) in cameras.enumerated() { images[c.name] = try jpeg.encode(frame(c, step: i, salt: k)) }
            let (src, inter) = source(i)
            try w.write(StepRecord(time: Double(i) / fps, state: state(i), action: action(i), source: src,
                                   intervention: inter, images: images))
        }
        if finish { try w.finish(outcome: .success, note: "clean grasp", extra: ["seed": "7"]) }
        return sink.bytes
    }

    static func tempDir(_ name: String = #function) throws -> String {
        let base = NSTemporaryDirectory() + "vlaterm-episodes-\(getpid())-\(name.filter { $0.isLetter || $0.isNumber })"
        try? FileManager.default.removeItem(atPath: base)
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        return base
    }

    /// The project's .venv python, or nil when set-up has not run.
    static var python: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let p = root.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }

    static var interopDir: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Interop").path }

    /// Runs a process and returns (status, stdout, stderr).
    static func run(_ exe: String, _ args: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
