import Foundation
import XCTest
import RobotKit
@testable import Policy

final class RemoteOpenVLATests: XCTestCase {
    enum Mode { case normal, wrapped, chunked, errorString, nan, wrongShape, neverReplies, hugeLength, notFound, pickleLike }

    var servers: [LoopbackServer] = []

    /// deploy.py's behaviour: POST /act with JSON {image: json_numpy, instruction, unnorm_key?}; the reply is the
    /// action as json_numpy float64 (7,). dx = the number at the end of the instruction / 100.
    func policy(_ mode: Mode, seen: Box<[String: Any]>? = nil, options: RemotePolicyOptions = RemotePolicyOptions()) throws -> OpenVLAPolicy {
        let s = LoopbackServer { conn, _ in
            guard let (line, h) = try? conn.readHead(), let n = Int(h["content-length"] ?? ""),
                  let body = try? conn.readExact(n) else { return }
            guard line.hasPrefix("POST /act "), let obj = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
                conn.write(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)); return
            }
            seen?.set(obj)
            let k = Double((obj["instruction"] as? String)?.split(separator: " ").last ?? "") ?? -1
            var action = [k / 100, 0, 0, 0, 0, 0.05, 1]
            func reply(_ json: String, chunked: Bool = false) {
                if chunked {
                    let mid = json.utf8.count / 2
                    let a = String(json.utf8.prefix(mid))!, b = String(json.utf8.dropFirst(mid))!
                    conn.write(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\(String(a.utf8.count, radix: 16))\r\n\(a)\r\n\(String(b.utf8.count, radix: 16))\r\n\(b)\r\n0\r\n\r\n".utf8))
                } else {
                    conn.write(Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)".utf8))
                }
            }
            func numpy(_ v: [Double], shape: [Int]) -> String {
                var data: [UInt8] = []
                for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { data += $0 } }
                return "{\"__numpy__\": \"\(Data(data).base64EncodedString())\", \"dtype\": \"<f8\", \"shape\": \(shape)}"
            }
            switch mode {
            case .normal: reply(numpy(action, shape: [7]))
            case .wrapped: reply("{\"action\": \(numpy(action, shape: [7]))}")
            case .chunked: reply(numpy(action, shape: [7]), chunked: true)
            case .errorString: reply("\"error\"")
            case .nan: action[2] = .nan; reply(numpy(action, shape: [7]))
            case .wrongShape: reply(numpy(Array(action.prefix(5)), shape: [5]))
            case .neverReplies: conn.waitForClientClose()
            case .hugeLength: conn.write(Array("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n{".utf8)); conn.waitForClientClose()
            case .notFound: conn.write(Array("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found".utf8))
            case .pickleLike: reply("{\"__numpy__\": \"gASVAAAA\", \"dtype\": \"|O\", \"shape\": [7]}")
            }
        }
        servers.append(s)
        return try OpenVLAPolicy(endpoint: RemoteEndpoint.parse("openvla://127.0.0.1:\(s.port)"), options: options)
    }

    var soon: Double { MonotonicClock().now() + 5 }

    func testRoundTripSpeaksDeployPy() throws {
        let seen = Box<[String: Any]>([:])
        var o = RemotePolicyOptions()
        o.unnormKey = "bridge_orig"
        let p = try policy(.normal, seen: seen, options: o)
        let chunk = try p.infer(testRequest(id: 1, instruction: "put the cube in the bin 2", deadline: soon))
        XCTAssertEqual(chunk.actions, [[0.02, 0, 0, 0.05, 1]])
        let sent = seen.get()
        XCTAssertEqual(sent["instruction"] as? String, "put the cube in the bin 2")
        XCTAssertEqual(sent["unnorm_key"] as? String, "bridge_orig")
        let image = sent["image"] as? [String: Any]
        XCTAssertEqual(image?["dtype"] as? String, "|u1")
        XCTAssertEqual((image?["shape"] as? [Int]), [224, 224, 3])
        XCTAssertEqual((image?["__numpy__"] as? String).flatMap { Data(base64Encoded: $0) }?.count, 224 * 224 * 3)
    }

    func testWrappedAndChunkedRepliesAreAccepted() throws {
        for mode in [Mode.wrapped, .chunked] {
            let chunk = try policy(mode).infer(testRequest(id: 1, instruction: "go 3", deadline: soon))
            XCTAssertEqual(chunk.actions.first?.first ?? 0, 0.03, accuracy: 1e-12, "\(mode)")
        }
    }

    func testHostileRepliesGiveCleanErrorsNeverActions() throws {
        let cases: [(Mode, String)] = [(.errorString, "error"), (.nan, "nan"), (.wrongShape, "column"),
                                       (.hugeLength, "larger than"), (.notFound, "HTTP 404"), (.pickleLike, "not supported")]
        for (mode, needle) in cases {
            XCTAssertThrowsError(try policy(mode).infer(testRequest(id: 1, instruction: "go 1", deadline: soon)), "\(mode)") {
                XCTAssertTrue("\($0)".contains(needle), "\(mode): \($0)")
            }
        }
    }

    func testNeverRepliesIsADeadlineMiss() throws {
        XCTAssertThrowsError(try policy(.neverReplies).infer(testRequest(id: 1, instruction: "go 1", deadline: MonotonicClock().now() + 0.3))) {
            guard case PolicyError.deadlineMissed = $0 else { return XCTFail("\($0)") }
        }
    }
}

final class RemoteWireFormatTests: XCTestCase {
    /// The example on msgpack.org: {"compact": true, "schema": 0} is these 18 bytes.
    func testMsgPackMatchesTheSpecExample() throws {
        let bytes: [UInt8] = [0x82, 0xa7, 0x63, 0x6f, 0x6d, 0x70, 0x61, 0x63, 0x74, 0xc3, 0xa6, 0x73, 0x63, 0x68, 0x65, 0x6d, 0x61, 0x00]
        let v = MsgPack.map([MsgPackPair(.string("compact"), .bool(true)), MsgPackPair(.string("schema"), .int(0))])
        XCTAssertEqual(MsgPackEncoder.encode(v), bytes)
        XCTAssertEqual(try MsgPackDecoder().decode(bytes), v)
    }

    func testMsgPackRoundTripsEveryWidth() throws {
        let long = String(repeating: "x", count: 70_000)
        let values: [MsgPack] = [
            .null, .bool(false), .int(-1), .int(-33), .int(-200), .int(-40_000), .int(-3_000_000_000), .int(Int64.min),
            .int(127), .uint(255), .uint(65_535), .uint(4_000_000_000), .uint(UInt64.max), .float32(1.5), .float64(-0.1),
            .string(""), .string("é"), .string(String(repeating: "a", count: 40)), .string(long),
            .binary([1, 2, 3]), .binary([UInt8](repeating: 7, count: 300)), .array((0..<20).map { .int(Int64($0)) }),
            .map((0..<17).map { MsgPackPair(.int(Int64($0)), .null) }), .ext(type: -1, data: [1, 2, 3, 4]),
            .ext(type: 5, data: [9, 9, 9]),
        ]
        for v in values {
            let decoded = try MsgPackDecoder().decode(MsgPackEncoder.encode(v))
            switch (v, decoded) {
            case (.int(let a), .uint(let b)): XCTAssertEqual(UInt64(a), b)
            default: XCTAssertEqual(decoded, v)
            }
        }
        // Known encodings from the spec's format table.
        XCTAssertEqual(MsgPackEncoder.encode(.int(-1)), [0xff])
        XCTAssertEqual(MsgPackEncoder.encode(.uint(256)), [0xcd, 0x01, 0x00])
        XCTAssertEqual(MsgPackEncoder.encode(.float64(1.0)), [0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(MsgPackEncoder.encode(.binary([0xaa])), [0xc4, 0x01, 0xaa])
    }

    func testHostileMsgPackIsRefusedWithoutAllocating() {
        let cases: [([UInt8], String)] = [
            ([0xdd, 0xff, 0xff, 0xff, 0xff], "array claims"),       // 4 billion elements, no bytes
            ([0xdf, 0x7f, 0xff, 0xff, 0xff], "map claims"),
            ([0xc6, 0xff, 0xff, 0xff, 0xff, 0x00], "bin32 claims"),
            ([0xdb, 0x00, 0x00, 0x10, 0x00], "str claims"),
            ([0xa2, 0xff, 0xfe], "UTF-8"),
            ([0xc1], "reserved"),
            ([0xcb, 0x00], "ends inside"),
            ([0x01, 0x02], "trailing"),
            ([UInt8](repeating: 0x91, count: 100) + [0x00], "nesting"),
        ]
        for (bytes, needle) in cases {
            XCTAssertThrowsError(try MsgPackDecoder().decode(bytes)) { XCTAssertTrue("\($0)".contains(needle), "\(bytes.prefix(6)): \($0)") }
        }
    }

    func testNumpyDecodingChecksDtypeShapeAndSize() {
        XCTAssertThrowsError(try NumpyWire.decode(data: [0, 0, 0, 0], dtype: ">f4", shape: [1], field: "actions")) {
            XCTAssertTrue("\($0)".contains("actions: dtype '>f4'"))
        }
        XCTAssertThrowsError(try NumpyWire.decode(data: [0, 0, 0], dtype: "<f4", shape: [1], field: "actions"))
        XCTAssertThrowsError(try NumpyWire.decode(data: [], dtype: "<f4", shape: [1 << 40, 1 << 40], field: "actions")) {
            XCTAssertTrue("\($0)".contains("exceeds"))
        }
        let one = Float(0.25).bitPattern.littleEndian
        let bytes = withUnsafeBytes(of: one) { Array($0) }
        XCTAssertEqual(try NumpyWire.decode(data: bytes + bytes, dtype: "<f4", shape: [2, 1], field: "a").rows, [[0.25], [0.25]])
    }

    /// RFC 6455 §1.3's worked example, and FIPS 180's "abc".
    func testWebSocketAcceptAndSHA1() {
        XCTAssertEqual(WebSocketClient.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        XCTAssertEqual(SHA1.digest(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined(), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(SHA1.digest(Array(String(repeating: "a", count: 1_000)).map { UInt8($0.asciiValue!) }).count, 20)
    }

    func testEndpointsAndTheLoopbackRule() throws {
        XCTAssertEqual(try RemoteEndpoint.parse("openpi://127.0.0.1:8000"), RemoteEndpoint(kind: .openpi, host: "127.0.0.1", port: 8000, tls: false))
        XCTAssertEqual(try RemoteEndpoint.parse("openvla+tls://[::1]:9000/"), RemoteEndpoint(kind: .openvla, host: "::1", port: 9000, tls: true))
        XCTAssertEqual(try RemoteEndpoint.parse("openpi://localhost").port, 8000)
        for bad in ["http://x:1", "openpi://", "openpi://h:0", "openpi://h:99999", "openpi:/h:1", "openpi://h:abc"] {
            XCTAssertThrowsError(try RemoteEndpoint.parse(bad), bad)
        }
        XCTAssertThrowsError(try RemotePolicies.make(url: "openpi://10.1.2.3:8000")) {
            XCTAssertTrue("\($0)".contains("not a loopback"), "\($0)")
        }
        var o = RemotePolicyOptions()
        o.allowNonLoopback = true
        XCTAssertNoThrow(try RemotePolicies.make(url: "openvla://10.1.2.3:8000", options: o))
    }

    func testAdapterMapsLiberoAndRejectsShortRows() throws {
        let rows = try ActionAdapter.libero.adapt([[1, -1, 0.5, 9, 9, -0.2, 1]], field: "actions")
        XCTAssertEqual(rows[0][0], 0.05, accuracy: 1e-12)
        XCTAssertEqual(rows[0][1], -0.05, accuracy: 1e-12)
        XCTAssertEqual(rows[0][3], -0.1, accuracy: 1e-12)
        XCTAssertEqual(rows[0][4], 0, "LIBERO +1 = close = our 0")
        XCTAssertThrowsError(try ActionAdapter.libero.adapt([[0, 0, 0]], field: "actions")) {
            XCTAssertTrue("\($0)".contains("actions[0] has 3 values"), "\($0)")
        }
    }

    func testMappingFileOverridesOnlyWhatItNamesAndRejectsTypos() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-mapping-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.json")
        try Data(#"{"images": {"cam": "front"}, "stateSize": 6, "adapter": {"dx": {"column": 1, "scale": 2}, "dy": {"column": null, "scale": 1}, "dz": {"column": 2, "scale": 1}, "dyaw": {"column": 3, "scale": 1}, "gripper": {"column": 4, "from": [0, 1], "to": [0, 1]}}}"#.utf8).write(to: good)
        let m = try RemoteMapping.load(path: good.path, over: .openpiLibero)
        XCTAssertEqual(m.images, ["cam": "front"])
        XCTAssertEqual(m.stateSize, 6)
        XCTAssertEqual(m.prompt, "prompt", "unnamed fields keep the default")
        XCTAssertEqual(m.adapter.dx, ActionAdapter.Axis(column: 1, scale: 2))
        let typo = dir.appendingPathComponent("typo.json")
        try Data(#"{"imagez": {}}"#.utf8).write(to: typo)
        XCTAssertThrowsError(try RemoteMapping.load(path: typo.path, over: .openpiLibero)) {
            XCTAssertTrue("\($0)".contains("unknown key 'imagez'"), "\($0)")
        }
        let wrongType = dir.appendingPathComponent("type.json")
        try Data(#"{"stateSize": "eight"}"#.utf8).write(to: wrongType)
        XCTAssertThrowsError(try RemoteMapping.load(path: wrongType.path, over: .openpiLibero)) {
            XCTAssertTrue("\($0)".contains("type.json"), "\($0)")
        }
        XCTAssertThrowsError(try RemoteMapping.load(path: dir.appendingPathComponent("missing.json").path, over: .openpiLibero))
    }
}
