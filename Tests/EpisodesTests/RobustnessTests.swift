// Hostile and damaged inputs: truncation at many offsets, random bytes, random mutations. The readers
// must return a result or throw; never crash, hang or allocate without bound.
import Foundation
import RobotKit
import XCTest
@testable import Episodes

final class RobustnessTests: XCTestCase {
    func testTruncationAtManyOffsetsKeepsEveryCompleteChunkAndRepairRestoresIt() throws {
        // 0.25 s chunks at 20 fps: a chunk every 5-6 steps, so truncation points land in many places.
        let full = try Fixtures.episodeBytes(steps: 40, chunkSpan: 0.25)
        let complete = try EpisodeReader.read(bytes: full)
        XCTAssertEqual(complete.steps.count, 40)
        var previous = 0
        var offsets = Array(stride(from: 0, to: full.count, by: max(1, full.count / 97)))
        offsets += [full.count - 1, full.count - 8, full.count - 9]
        for cut in offsets.sorted() {
            let prefix = Array(full[0..<cut])
            guard let ep = try? EpisodeReader.read(bytes: prefix) else {
                XCTAssertLessThan(cut, 60, "only a cut inside the magic/header may be unreadable (cut at \(cut))")
                continue
            }
            XCTAssertGreaterThanOrEqual(ep.steps.count, previous, "a longer prefix never yields fewer steps (cut \(cut))")
            previous = ep.steps.count
            for s in ep.steps {   // whatever is recovered is exactly what was written
                XCTAssertEqual(s.state, Fixtures.state(s.index)); XCTAssertEqual(s.action, Fixtures.action(s.index))
            }
            if cut < full.count - 8 { XCTAssertFalse(ep.read.complete) }
            // Repair keeps the valid prefix and produces a complete file with the same steps.
            let raw = try MCAPReader.read(prefix)
            let sink = MemorySink()
            try MCAPRepair.rewrite(raw, messages: raw.messages, to: sink)
            let repaired = try EpisodeReader.read(bytes: sink.bytes)
            XCTAssertTrue(repaired.read.complete, "repaired file from cut \(cut) is complete")
            XCTAssertEqual(repaired.steps.count, ep.steps.count)
            XCTAssertEqual(repaired.steps.last?.state, ep.steps.last?.state)
        }
        XCTAssertEqual(previous, 40)
    }

    func testRandomBytesNeverCrashTheMCAPReader() throws {
        var rng = SeededGenerator(seed: 42)
        for n in 0..<300 {
            var b = [UInt8](repeating: 0, count: Int(rng.next() % 2048))
            for i in b.indices { b[i] = UInt8(truncatingIfNeeded: rng.next()) }
            if n % 2 == 0 { b = MCAP.magic + b }   // get past the magic half the time
            _ = try? EpisodeReader.read(bytes: b)
        }
    }

    func testMutatedEpisodesNeverCrashAndHugeLengthsAreRefused() throws {
        let good = try Fixtures.episodeBytes(steps: 25, chunkSpan: 0.3)
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            var b = good
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let i = Int(rng.next() % UInt64(b.count))
                // Mostly 0xFF runs: they turn length fields into enormous values.
                if rng.next() % 2 == 0 { for k in i..<min(b.count, i + 8) { b[k] = 0xFF } } else { b[i] = UInt8(truncatingIfNeeded: rng.next()) }
            }
            if let ep = try? EpisodeReader.read(bytes: b) { XCTAssertLessThanOrEqual(ep.steps.count, 25) }
        }
        // A record claiming 2^63 bytes right after the header stops the scan with a message.
        var hostile = Array(good[0..<40])
        hostile += [MCAP.Opcode.chunk.rawValue] + [UInt8](repeating: 0xFF, count: 7) + [0x7F] + [UInt8](repeating: 0, count: 32)
        let r = try MCAPReader.read(hostile)
        XCTAssertFalse(r.complete)
        XCTAssertTrue(r.problems.contains { $0.contains("exceeds") }, "\(r.problems)")
    }

    func testHostileJPEGAndProtobufAreErrorsNotCrashes() throws {
        let codec = JPEGCodec()
        XCTAssertThrowsError(try codec.decode([0xFF, 0xD8, 0xFF, 0xC0, 0, 0x11, 8, 0xFF, 0xFF, 0xFF, 0xFF, 3]))
        XCTAssertThrowsError(try codec.decode([]))
        XCTAssertThrowsError(try EpisodeSchemas.decodeState([0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]))   // length 4 GiB
        XCTAssertThrowsError(try EpisodeSchemas.decodeState([0x22, 0x08, 0, 0, 0, 0, 0, 0, 0, 0]))   // ee_position of 1 value
        XCTAssertThrowsError(try EpisodeSchemas.decodeAction([0x11, 1, 2]))                          // cut double
    }

    func testEpisodeRepairOnDiskMarksInterruptedAndIsIdempotent() throws {
        let dir = try Fixtures.tempDir()
        let path = dir + "/episode-000000.mcap"
        let full = try Fixtures.episodeBytes(steps: 60, finish: false)   // never finished: like a crash
        try Data(full[0..<(full.count * 2 / 3)]).write(to: URL(fileURLWithPath: path))
        let before = try EpisodeReader.read(path: path)
        XCTAssertNil(before.outcome)
        let report = try EpisodeRepair.repair(path: path)
        XCTAssertEqual(report.status, "repaired")
        XCTAssertEqual(report.stepsKept, before.steps.count)
        let after = try EpisodeReader.read(path: path)
        XCTAssertTrue(after.read.complete)
        XCTAssertEqual(after.outcome, .interrupted)
        XCTAssertEqual(after.steps.count, before.steps.count)
        XCTAssertEqual(after.task, "pick up the red cube")
        XCTAssertEqual(try EpisodeRepair.repair(path: path).status, "ok")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".repair-tmp"))
    }
}
