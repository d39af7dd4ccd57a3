import ArgumentParser
import Foundation
import RobotKit
import Simulator
import TerminalUI

/// `vlaterm bench blit`: thumbnail drawing speed per mode, and blocks side by side with libchafa (half-block
/// symbols only) on the same simulator frames and cell grids: quality (PSNR of cells rasterised back to
/// pixels vs the source area-averaged to the same grid) and speed. chafa runs in a small C harness
/// (Benchmarks/chafa/chafa_bench.c, built here with gcc) that times itself, so process start-up is not counted.
struct BenchBlitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blit",
        abstract: "Blitter throughput (cells/s) per mode, and quality + speed against libchafa."
    )

    @Option(help: "Draws per timing run.") var iterations = 300
    @Option(help: "Timing runs per case (the median is reported).") var repeats = 5
    @Flag(help: "Skip the chafa comparison.") var noChafa = false
    @Flag(help: "Print one JSON object on stdout.") var json = false

    struct Case: Codable {
        var frame: String
        var grid: String
        var cellsPerSecond: [String: Double]
        var psnr: [String: Double]
    }

    struct Report: Codable {
        var cases: [Case]
        var medianCellsPerSecond: [String: Double]
        var medianPSNR: [String: Double]
        var blocksVsChafaSpeed: [String: Double]
        var chafaThreads: Int
    }

    func run() throws {
        guard iterations > 0, repeats > 0 else { throw benchUsage("--iterations and --repeats must be positive") }
        let harness = noChafa ? nil : try ChafaHarness.build()
        let frames = try Self.simFrames()
        let grids = [(40, 15), (80, 30)]
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-bench-blit-\(getpid())")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }

        var cases: [Case] = []
        for (name, frame) in frames {
            let ppm = tmp.appendingPathComponent("\(name).ppm").path
            try Self.writePPM(frame, to: ppm)
            for (cols, rows) in grids {
                var c = Case(frame: "\(name) \(frame.width)x\(frame.height)", grid: "\(cols)x\(rows)", cellsPerSecond: [:], psnr: [:])
                let reference = AreaResampler().resample(frame, width: cols, height: rows * 2)
                let modes: [(String, BlitMode, ColorDepth)] = [
                    ("blocks-truecolor", .blocks, .truecolor), ("blocks-256", .blocks, .palette256),
                    ("braille-truecolor", .braille, .truecolor), ("ascii", .ascii, .mono),
                ]
                for (label, mode, depth) in modes {
                    let b = Blitter(mode: mode, depth: depth)
                    var buf = CellBuffer(width: cols, height: rows)
                    let secs = blitMedian((0..<repeats).map { _ in
                        let t0 = MonotonicClock().now()
                        for _ in 0..<iterations { b.draw(frame, into: &buf, area: buf.bounds) }
                        return (MonotonicClock().now() - t0) / Double(iterations)
                    })
                    c.cellsPerSecond[label] = Double(cols * rows) / secs
                    if mode == .blocks {
                        c.psnr[label] = psnr(rasterizeHalfBlocks(cellColors(buf, buf.bounds), cols: cols, rows: rows), reference)
                    }
                }
                if let harness {
                    for (label, arg) in [("chafa-truecolor", "truecolor"), ("chafa-240", "240")] {
                        var cells: [(UInt32, (UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8))] = []
                        let secs = blitMedian(try (0..<max(1, repeats / 2)).map { _ in
                            let r = try harness.run(ppm: ppm, cols: cols, rows: rows, mode: arg,
                                                    iterations: max(20, iterations / 5), cellsPath: tmp.appendingPathComponent("out.cells").path)
                            cells = r.cells
                            return r.secondsPerFrame
                        })
                        c.cellsPerSecond[label] = Double(cols * rows) / secs
                        c.psnr[label] = psnr(rasterizeHalfBlocks(cells, cols: cols, rows: rows), reference)
                    }
                }
                cases.append(c)
            }
        }

        let labels = Set(cases.flatMap { $0.cellsPerSecond.keys }).sorted()
        var medCells: [String: Double] = [:], medPSNR: [String: Double] = [:]
        for l in labels {
            medCells[l] = blitMedian(cases.compactMap { $0.cellsPerSecond[l] })
            let ps = cases.compactMap { $0.psnr[l] }
            if !ps.isEmpty { medPSNR[l] = blitMedian(ps) }
        }
        var ratios: [String: Double] = [:]
        if let a = medCells["blocks-truecolor"], let b = medCells["chafa-truecolor"] { ratios["truecolor"] = a / b }
        if let a = medCells["blocks-256"], let b = medCells["chafa-240"] { ratios["256"] = a / b }
        let report = Report(cases: cases, medianCellsPerSecond: medCells, medianPSNR: medPSNR,
                            blocksVsChafaSpeed: ratios, chafaThreads: 1)

        note("bench blit: \(frames.count) sim camera frames x grids \(grids.map { "\($0.0)x\($0.1)" }.joined(separator: ", ")), median of \(repeats) runs x \(iterations) draws")
        for l in labels {
            let p = medPSNR[l].map { $0.isInfinite ? "  PSNR exact (inf)" : "  PSNR \(blitFmt($0, 2)) dB" } ?? ""
            note("  \(l.padding(toLength: 18, withPad: " ", startingAt: 0)) \(blitFmt((medCells[l] ?? 0) / 1e6, 2)) M cells/s\(p)")
        }
        for (k, v) in ratios.sorted(by: { $0.key < $1.key }) { note("  blocks vs chafa (\(k)): \(blitFmt(v, 1))x faster") }
        if json { try printJSON(BlitJSONSafe(report)) }
    }

    /// Frames from the simulator's three cameras at the default 96x72 and at 320x240, mid-task (arm moved).
    static func simFrames() throws -> [(String, Frame)] {
        var out: [(String, Frame)] = []
        for (w, h) in [(96, 72), (320, 240)] {
            var cfg = SimConfig()
            cfg.cameraWidth = w; cfg.cameraHeight = h
            let sim = try TabletopSim(config: cfg, seed: 7)
            for _ in 0..<10 { try sim.send(Action(dx: 0.01, dy: 0.005, dz: -0.01, gripper: 1)) }
            for c in sim.cameras { out.append((c.name, try sim.frame(camera: c.name))) }
        }
        return out
    }

    static func writePPM(_ f: Frame, to path: String) throws {
        var data = Data("P6 \(f.width) \(f.height) 255\n".utf8)
        data.append(contentsOf: f.pixels)
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// JSON cannot hold infinity: an exact match (PSNR = inf) is written as 999.
struct BlitJSONSafe: Encodable {
    let report: BenchBlitCommand.Report
    init(_ r: BenchBlitCommand.Report) { report = r }
    func encode(to encoder: Encoder) throws {
        var r = report
        func clean(_ d: [String: Double]) -> [String: Double] { d.mapValues { $0.isFinite ? $0 : 999 } }
        r.medianPSNR = clean(r.medianPSNR)
        r.cases = r.cases.map { var c = $0; c.psnr = clean(c.psnr); return c }
        try r.encode(to: encoder)
    }
}

func blitMedian(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func blitFmt(_ v: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", v) }

/// The libchafa peer: compiled from Benchmarks/chafa/chafa_bench.c on first use.
struct ChafaHarness {
    let binary: String

    static func packageRoot() -> URL {
        // Sources/vlaterm/Commands/BenchBlitCommand.swift → package root; else the working directory.
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: fromSource.appendingPathComponent("Benchmarks/chafa/chafa_bench.c").path) {
            return fromSource
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    static func build() throws -> ChafaHarness {
        let root = packageRoot()
        let src = root.appendingPathComponent("Benchmarks/chafa/chafa_bench.c").path
        guard FileManager.default.fileExists(atPath: src) else {
            note("bench blit: cannot find Benchmarks/chafa/chafa_bench.c (run from the repository, or pass --no-chafa)")
            throw ExitStatus.badInput
        }
        let bin = root.appendingPathComponent(".build/chafa_bench").path
        let fm = FileManager.default
        let srcDate = (try? fm.attributesOfItem(atPath: src)[.modificationDate] as? Date) ?? Date()
        let binDate = (try? fm.attributesOfItem(atPath: bin)[.modificationDate] as? Date) ?? .distantPast
        if binDate < srcDate {
            try? fm.createDirectory(atPath: root.appendingPathComponent(".build").path, withIntermediateDirectories: true)
            let (status, out) = try runProgram(["sh", "-c", "gcc -O2 -o '\(bin)' '\(src)' $(pkg-config --cflags --libs chafa)"])
            guard status == 0 else {
                note("bench blit: building the chafa harness failed (needs gcc and libchafa-dev):\n\(out)")
                throw ExitStatus.jobFailed
            }
        }
        return ChafaHarness(binary: bin)
    }

    struct Result {
        var secondsPerFrame: Double
        var cells: [(UInt32, (UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8))]
    }

    func run(ppm: String, cols: Int, rows: Int, mode: String, iterations: Int, cellsPath: String) throws -> Result {
        let (status, out) = try runProgram([binary, ppm, "\(cols)", "\(rows)", mode, "\(iterations)", cellsPath])
        guard status == 0,
              let obj = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any],
              let secs = obj["seconds_per_frame"] as? Double else {
            note("bench blit: chafa harness failed: \(out)")
            throw ExitStatus.jobFailed
        }
        let text = (try? String(contentsOfFile: cellsPath, encoding: .utf8)) ?? ""
        let cells = text.split(separator: "\n").compactMap { line -> (UInt32, (UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8))? in
            let p = line.split(separator: " ")
            guard p.count == 3, let c = UInt32(p[0]), let fg = Int(p[1]), let bg = Int(p[2]) else { return nil }
            func rgb(_ v: Int) -> (UInt8, UInt8, UInt8) {
                v < 0 ? (0, 0, 0) : (UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
            }
            return (c, rgb(fg), rgb(bg))
        }
        return Result(secondsPerFrame: secs, cells: cells)
    }
}

/// Runs a program and returns (exit status, stdout+stderr).
func runProgram(_ argv: [String]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
    p.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Bad usage of a bench command exits 2 (the contract) with the flag and what was expected.
func benchUsage(_ message: String) -> ExitCode {
    note("vlaterm bench: \(message)")
    return ExitStatus.badInput
}
