// safetensors round trips and hostile files: every malformed input must throw a SafetensorsError naming the
// problem, never crash or allocate per a lying header.
import Foundation
import XCTest
@testable import Tensor

final class SafetensorsTests: XCTestCase {
    /// Builds a file from a raw header string and a data buffer (for hand-made hostile files).
    func file(header: String, body: [UInt8] = [], claimedLength: UInt64? = nil) -> Data {
        var d = Data()
        let h = Data(header.utf8)
        withUnsafeBytes(of: (claimedLength ?? UInt64(h.count)).littleEndian) { d.append(contentsOf: $0) }
        d.append(h); d.append(contentsOf: body)
        return d
    }

    func assertRejects(_ data: Data, mentioning needle: String, file f: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafetensorsFile(data: data, fileName: "evil.safetensors"), file: f, line: line) { error in
            guard let e = error as? SafetensorsError else { return XCTFail("not a SafetensorsError: \(error)", file: f, line: line) }
            XCTAssertEqual(e.file, "evil.safetensors", file: f, line: line)
            XCTAssertTrue(e.description.contains(needle), "“\(e)” should mention “\(needle)”", file: f, line: line)
        }
    }

    func testRoundTripAllFloatDTypesWithMetadata() throws {
        let a = Tensor(shape: [2, 3], data: [0, 1, -2.5, 3.140625, 65504, -0.0001])
        let b = Tensor(shape: [4], data: [1e-3, -7, 0.5, 100])
        let meta = ["format": "pt", "vlaterm.json": "{\"arch\":\"test\"}"]
        for dtype in [DType.f32, .f16, .bf16] {
            let data = try Safetensors.encode(["a": a, "b": b], dtype: dtype, metadata: meta)
            let f = try SafetensorsFile(data: data, fileName: "x")
            XCTAssertEqual(f.metadata, meta)
            XCTAssertEqual(f.names, ["a", "b"])
            XCTAssertEqual(f.entries["a"]?.dtype, dtype)
            let tol: Float = dtype == .f32 ? 0 : (dtype == .f16 ? 1e-3 : 8e-3)
            for (t, name) in [(a, "a"), (b, "b")] {
                let back = try f.tensor(name, shape: t.shape)
                for (x, y) in zip(t.data, back.data) { XCTAssertEqual(x, y, accuracy: max(tol * abs(x), dtype == .f32 ? 0 : 1e-4)) }
            }
        }
    }

    func testBFloat16RoundsToNearestEven() {
        XCTAssertEqual(FloatCodec.bfloat16Bits(1.0), 0x3F80)
        XCTAssertEqual(FloatCodec.bfloat16Bits(Float(bitPattern: 0x3F80_8000)), 0x3F80)  // tie → even
        XCTAssertEqual(FloatCodec.bfloat16Bits(Float(bitPattern: 0x3F81_8000)), 0x3F82)  // tie → even (up)
        XCTAssertEqual(FloatCodec.bfloat16Bits(.nan), 0x7FC0)
    }

    func testAtomicWriteAndParameterLoad() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.safetensors")
        struct Config: Codable, Equatable { var arch: String; var cameras: [String] }
        let w = Tensor(shape: [2, 2], data: [1, 2, 3, 4])
        try Safetensors.save(parameters: ["w": w], config: Config(arch: "film", cameras: ["front", "wrist"]), to: url, dtype: .f16)
        let f = try SafetensorsFile(contentsOf: url)
        XCTAssertEqual(try f.config(Config.self), Config(arch: "film", cameras: ["front", "wrist"]))
        let target = Tensor(shape: [2, 2], repeating: 0)
        try f.load(into: ["w": target])
        XCTAssertEqual(target.data, [1, 2, 3, 4])
        XCTAssertThrowsError(try f.load(into: ["w": Tensor(shape: [4], repeating: 0)])) { XCTAssertTrue("\($0)".contains("expects [4]")) }
        XCTAssertThrowsError(try f.load(into: ["v": target], allowExtra: true)) { XCTAssertTrue("\($0)".contains("'v': missing")) }
        XCTAssertThrowsError(try f.load(into: [:])) { XCTAssertTrue("\($0)".contains("not a parameter")) }
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.safetensors"], "no temp file left behind")
        XCTAssertThrowsError(try SafetensorsFile(contentsOf: dir.appendingPathComponent("missing.safetensors"))) {
            XCTAssertTrue("\($0)".contains("missing.safetensors"))
        }
    }

    func testHostileHeaders() {
        assertRejects(Data([1, 2, 3]), mentioning: "8-byte header length")
        assertRejects(file(header: "{}", claimedLength: 1 << 40), mentioning: "cap")
        assertRejects(file(header: "{\"a\":", claimedLength: 200), mentioning: "truncated")
        assertRejects(file(header: "{\"a\": [1,"), mentioning: "not valid JSON")
        assertRejects(file(header: "[1, 2]"), mentioning: "not an object")
        assertRejects(file(header: #"{"__metadata__": {"k": 5}}"#), mentioning: "not a string")
        assertRejects(file(header: #"{"t": {"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}}"#, body: [0, 0, 0, 0]),
                      mentioning: "unknown dtype 'F33'")
        assertRejects(file(header: #"{"t": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#, body: [0, 0, 0, 0]),
                      mentioning: "non-negative integer")
        assertRejects(file(header: #"{"t": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}"#, body: [0, 0, 0, 0]),
                      mentioning: "non-negative integer")
        assertRejects(file(header: #"{"t": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}"#, body: [0, 0, 0, 0]),
                      mentioning: "data_offsets")
    }

    func testHostileOffsetsAndShapes() {
        let four: [UInt8] = [0, 0, 128, 63]
        // Offsets past the end of the buffer (a truncated file).
        assertRejects(file(header: #"{"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#, body: four),
                      mentioning: "outside the 4-byte data buffer")
        // Shape × dtype overflows Int.
        assertRejects(file(header: #"{"t": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}}"#, body: four),
                      mentioning: "overflows")
        // Huge but not overflowing: the size check refuses before any allocation.
        assertRejects(file(header: #"{"t": {"dtype": "F32", "shape": [1000000000000], "data_offsets": [0, 4]}}"#, body: four),
                      mentioning: "needs 4000000000000 bytes")
        // Two tensors on the same bytes.
        assertRejects(file(header: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#, body: four),
                      mentioning: "overlap")
        // A hole between tensors, and bytes nobody owns at the end.
        assertRejects(file(header: #"{"a": {"dtype": "F16", "shape": [1], "data_offsets": [2, 4]}}"#, body: four), mentioning: "hole")
        assertRejects(file(header: #"{"a": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}"#, body: four), mentioning: "cover 2 bytes")
        // Reversed offsets.
        assertRejects(file(header: #"{"a": {"dtype": "U8", "shape": [0], "data_offsets": [4, 0]}}"#, body: four), mentioning: "outside")
    }

    func testTruncationsOfAValidFileAllThrow() throws {
        let good = try Safetensors.encode(["w": Tensor(shape: [3, 5], repeating: 1.5), "b": Tensor(shape: [5], repeating: 2)])
        XCTAssertNoThrow(try SafetensorsFile(data: good, fileName: "ok"))
        for cut in stride(from: 0, to: good.count, by: 7) {
            XCTAssertThrowsError(try SafetensorsFile(data: good.prefix(cut), fileName: "cut"), "cut at \(cut)")
        }
    }

    func testNonFloatDTypeReadsAsError() throws {
        let body = [UInt8](repeating: 0, count: 16)
        let f = try SafetensorsFile(data: file(header: #"{"ids": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}}"#, body: body), fileName: "f")
        XCTAssertThrowsError(try f.floats("ids")) { XCTAssertTrue("\($0)".contains("I64")) }
        XCTAssertThrowsError(try f.tensor("nope")) { XCTAssertTrue("\($0)".contains("'nope': not in the file")) }
    }

    func testRealMiniLMFileParses() throws {
        let dir = ProcessInfo.processInfo.environment["VLATERM_TEXT_ENCODER"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/vlaterm/all-MiniLM-L6-v2").path
        let url = URL(fileURLWithPath: dir).appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("MiniLM weights not fetched (scripts/setup.sh)") }
        let f = try SafetensorsFile(contentsOf: url)
        XCTAssertEqual(f.entries["embeddings.word_embeddings.weight"]?.shape, [30522, 384])
        XCTAssertEqual(f.entries["embeddings.position_ids"]?.dtype, .i64)
        XCTAssertEqual(try f.tensor("encoder.layer.5.output.LayerNorm.weight", shape: [384]).count, 384)
    }
}
