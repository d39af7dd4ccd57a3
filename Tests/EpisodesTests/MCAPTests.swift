import Foundation
import RobotKit
import XCTest
@testable import Episodes

final class MCAPTests: XCTestCase {
    func testRoundTripRecoversEveryStepChannelAndFact() throws {
        let bytes = try Fixtures.episodeBytes(steps: 45)
        let ep = try EpisodeReader.read(bytes: bytes)
        XCTAssertTrue(ep.read.complete)
        XCTAssertEqual(ep.read.badChunks, 0)
        XCTAssertEqual(ep.read.validChunks, 3, "45 steps at 20 fps with 1 s chunks")
        XCTAssertEqual(ep.cameras, Fixtures.cameras)
        XCTAssertEqual(ep.steps.count, 45)
        XCTAssertEqual(ep.task, "pick up the red cube")
        XCTAssertEqual(ep.outcome, .success)
        XCTAssertEqual(ep.facts["note"], "clean grasp")
        XCTAssertEqual(ep.facts["seed"], "7")
        XCTAssertEqual(ep.instructions.map(\.text), ["pick up the red cube"])
        let jpeg = JPEGCodec()
        for s in ep.steps {
            XCTAssertEqual(s.state, Fixtures.state(s.index))
            XCTAssertEqual(s.action, Fixtures.action(s.index))
            let (src, inter) = Fixtures.source(s.index)
            XCTAssertEqual(s.source, src); XCTAssertEqual(s.intervention, inter)
            XCTAssertEqual(s.time, Double(s.index) / 20, accuracy: 1e-9)
            for (k, c) in Fixtures.cameras.enumerated() {
                let f = try jpeg.decode(try XCTUnwrap(s.images[c.name]))
                let want = Fixtures.frame(c, step: s.index, salt: k)
                XCTAssertEqual(f.width, c.width); XCTAssertEqual(f.height, c.height)
                let err = zip(f.pixels, want.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +) / f.pixels.count
                XCTAssertLessThan(err, 8, "JPEG of \(c.name) step \(s.index) should stay close to the source")
            }
        }
    }

    func testCorruptedChunkIsSkippedAndReportedNotFatal() throws {
        var bytes = try Fixtures.episodeBytes(steps: 60)
        let clean = try EpisodeReader.read(bytes: bytes)
        XCTAssertEqual(clean.read.validChunks, 3)
        // Flip a byte inside the second chunk's compressed payload: find the chunk records by opcode walk.
        var r = ByteReader(bytes); try r.skip(8, "magic")
        var chunkStarts: [Int] = []
        while !r.isAtEnd {
            let at = r.offset; let op = try r.u8(); let len = try r.length64("rec"); try r.skip(len, "body")
            if op == MCAP.Opcode.chunk.rawValue { chunkStarts.append(at) }
            if op == MCAP.Opcode.dataEnd.rawValue { break }
        }
        XCTAssertEqual(chunkStarts.count, 3)
        bytes[chunkStarts[1] + 200] ^= 0x5A
        let ep = try EpisodeReader.read(bytes: bytes)
        XCTAssertEqual(ep.read.validChunks, 2)
        XCTAssertEqual(ep.read.badChunks, 1)
        XCTAssertEqual(ep.steps.count, 40, "the 20 steps of the damaged second chunk are gone, the rest stay")
        XCTAssertFalse(ep.read.problems.isEmpty)
    }

    func testDescriptorSetDecodesAsProtobuf() throws {
        // The FileDescriptorSet must itself be valid protobuf: two files, the second depending on the first.
        var r = ProtoReader(EpisodeSchemas.imageDescriptorSet[...])
        var names: [String] = []
        while let (f, v) = try r.next() {
            XCTAssertEqual(f, 1)
            var file = ProtoReader(try XCTUnwrap(v.bytes))
            while let (ff, fv) = try file.next() { if ff == 1 { names.append(fv.string ?? "") } }
        }
        XCTAssertEqual(names, ["google/protobuf/timestamp.proto", "foxglove/CompressedImage.proto"])
    }

    func testPythonMCAPReaderOpensAndDecodesEpisode() throws {
        guard let python = Fixtures.python else { throw XCTSkip(".venv missing: run scripts/setup.sh (make test does)") }
        let dir = try Fixtures.tempDir()
        let path = dir + "/episode-000000.mcap"
        try Data(try Fixtures.episodeBytes(steps: 50)).write(to: URL(fileURLWithPath: path))
        let (status, out, err) = try Fixtures.run(python, [Fixtures.interopDir + "/check_mcap.py", path])
        XCTAssertEqual(status, 0, err)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(j["schemas"] as? [String], ["foxglove.CompressedImage", "vlaterm.ActionSent", "vlaterm.ControlSource",
                                                   "vlaterm.Instruction", "vlaterm.RobotState"])
        XCTAssertEqual(j["schema_encodings"] as? [String], ["protobuf"])
        XCTAssertEqual(j["topics"] as? [String], ["/camera/front/image", "/camera/wrist/image", "/control/source",
                                                  "/instruction", "/robot/action", "/robot/state"])
        XCTAssertEqual(j["message_count"] as? Int, 50 * 5 + 1)
        XCTAssertEqual(j["chunk_count"] as? Int, 3)
        XCTAssertEqual(j["chunk_indexes"] as? Int, 3)
        XCTAssertEqual(j["metadata_count"] as? Int, 2)
        XCTAssertEqual(j["summary_crc_ok"] as? Bool, true)
        XCTAssertEqual(j["message_index_ok"] as? Bool, true)
        XCTAssertEqual(j["message_index_entries"] as? Int, 50 * 5 + 1)
        let records = try XCTUnwrap(j["records"] as? [String: Int])
        XCTAssertEqual(records["DataEnd"], 1); XCTAssertEqual(records["Footer"], 1); XCTAssertEqual(records["Statistics"], 1)
        let meta = try XCTUnwrap(j["metadata"] as? [String: [String: String]])
        XCTAssertEqual(meta["episode"]?["outcome"], "success")
        XCTAssertEqual(meta["episode"]?["note"], "clean grasp")
        XCTAssertEqual(meta["episode_start"]?["task"], "pick up the red cube")
        XCTAssertEqual(meta["episode_start"]?["seed"], "7")
        let decoded = try XCTUnwrap(j["decoded"] as? [String: [String: Any]])
        let front = try XCTUnwrap(decoded["/camera/front/image"])
        XCTAssertEqual(front["count"] as? Int, 50)
        XCTAssertEqual(front["sequences_in_order"] as? Bool, true)
        let img = try XCTUnwrap(front["first"] as? [String: Any])
        XCTAssertEqual(img["format"] as? String, "jpeg"); XCTAssertEqual(img["frame_id"] as? String, "front")
        XCTAssertEqual(img["jpeg_magic"] as? String, "ffd8")
        XCTAssertEqual(img["stamp"] as? Int, img["log_time"] as? Int)
        let last = try XCTUnwrap(decoded["/robot/state"]?["last"] as? [String: Any])
        let s49 = Fixtures.state(49)
        XCTAssertEqual(last["joint_positions"] as? [Double], s49.jointPositions)
        // Compared with a tolerance: Foundation's JSON parser may round the last digit of Python's repr.
        let ee = try XCTUnwrap(last["ee_position"] as? [Double])
        for (a, b) in zip(ee, [s49.endEffector.position.x, s49.endEffector.position.y, s49.endEffector.position.z]) {
            XCTAssertEqual(a, b, accuracy: 1e-12)
        }
        XCTAssertEqual(ee.count, 3)
        XCTAssertEqual(last["gripper"] as? Double, s49.gripper)
        let act = try XCTUnwrap(decoded["/robot/action"]?["last"] as? [String: Any])
        XCTAssertEqual(act["dx"] as? Double, Fixtures.action(49).dx)
        XCTAssertEqual(act["dy"] as? Double, -0.002)
        let src = try XCTUnwrap(decoded["/control/source"]?["last"] as? [String: Any])
        XCTAssertEqual(src["source"] as? String, "teleop")
        XCTAssertEqual((decoded["/instruction"]?["first"] as? [String: Any])?["text"] as? String, "pick up the red cube")
    }
}
