import ArgumentParser
import Foundation
import RobotKit
import Simulator

/// `vlaterm sim snapshot`: one PNG per camera of a seeded tabletop layout, so a person can look at the scene.
struct SimSnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write one PNG per simulator camera (front, overhead, wrist) for a seeded layout.",
        discussion: """
        Builds the pick-place layout of `--seed` in MuJoCo, optionally lets the scripted expert drive for \
        `--expert-ticks` control ticks (to see the arm mid-task), then renders every camera of the simulator \
        with the CPU renderer and writes DIR/<camera>.png. Resolution defaults to the cameras' 96x72 and may go \
        up to 320x240.

        Example: vlaterm sim snapshot --seed 3 --out /tmp/snap --width 320 --height 240
        """
    )

    @Option(help: "Seed of the tabletop layout.")
    var seed: UInt64 = 0

    @Option(help: "Control ticks the scripted expert drives before the pictures are taken (0 = initial scene).")
    var expertTicks = 0

    @Option(help: "Directory for the PNG files (created if missing).")
    var out: String

    @Option(help: "Image width in pixels (8...\(SoftwareRenderer.maxWidth)).")
    var width = SoftwareRenderer.defaultWidth

    @Option(help: "Image height in pixels (6...\(SoftwareRenderer.maxHeight)).")
    var height = SoftwareRenderer.defaultHeight

    @Flag(help: "Print one JSON object on stdout listing the files written.")
    var json = false

    struct Report: Codable {
        var seed: UInt64
        var expert_ticks: Int
        var instruction: String
        var width: Int
        var height: Int
        var files: [String: String]
    }

    func run() throws {
        let config = SimConfig(cameraWidth: width, cameraHeight: height)
        do {
            try SoftwareRenderer.validate(width: width, height: height)
            try config.validate()
        } catch {
            note("vlaterm sim snapshot: \(error)")
            throw ExitStatus.badInput
        }
        guard (0...100_000).contains(expertTicks) else {
            note("vlaterm sim snapshot: --expert-ticks \(expertTicks): use 0...100000.")
            throw ExitStatus.badInput
        }
        let sim: TabletopSim
        do {
            sim = try TabletopSim(config: config, seed: seed)
            var expert = ScriptedExpert()
            for _ in 0..<expertTicks { try sim.send(expert.action(for: sim)) }
        } catch let e as SimError {
            note("vlaterm sim snapshot: \(e)")
            throw ExitStatus.jobFailed
        }
        let dir = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            note("vlaterm sim snapshot: cannot create output directory \(out): \(error.localizedDescription)")
            throw ExitStatus.jobFailed
        }
        if !json { note("seed \(seed): \"\(sim.episode.instruction)\"") }
        var files: [String: String] = [:]
        for camera in sim.cameras.map(\.name) {
            let frame: Frame
            do {
                frame = try sim.frame(camera: camera)
            } catch {
                note("vlaterm sim snapshot: camera \(camera): \(error)")
                throw ExitStatus.jobFailed
            }
            let url = dir.appendingPathComponent("\(camera).png")
            do {
                try PNG.write(frame, to: url)
            } catch {
                note("vlaterm sim snapshot: cannot write \(url.path): \(error.localizedDescription)")
                throw ExitStatus.jobFailed
            }
            files[camera] = url.path
            if !json { note("wrote \(url.path) (\(width)x\(height), camera \(camera))") }
        }
        if json { try printJSON(Report(seed: seed, expert_ticks: expertTicks, instruction: sim.episode.instruction,
                                                 width: width, height: height, files: files)) }
    }
}
