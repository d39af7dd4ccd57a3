import Foundation
import XCTest
import RobotKit
@testable import Policy

/// Thread-safe mailbox between a test and its server thread (`@unchecked Sendable`: every access holds `lock`).
final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
}

/// An msgpack-numpy ndarray built by hand (bin keys, little-endian float32), independent of the client's encoder.
func ndarrayF32(_ rows: [[Float]]) -> MsgPack {
    var data: [UInt8] = []
    for r in rows { for v in r { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 } } }
    return .map([MsgPackPair(.binary(Array("__ndarray__".utf8)), .bool(true)),
                 MsgPackPair(.binary(Array("data".utf8)), .binary(data)),
                 MsgPackPair(.binary(Array("dtype".utf8)), .string("<f4")),
                 MsgPackPair(.binary(Array("shape".utf8)), .array([.int(Int64(rows.count)), .int(Int64(rows.first?.count ?? 0))]))])
}

func testRequest(id: UInt64, instruction: String, deadline: Double) -> PolicyRequest {
    func frame(_ w: Int, _ h: Int, _ v: UInt8) -> Frame { Frame(width: w, height: h, pixels: [UInt8](repeating: v, count: w * h * 3)) }
    let state = RobotState(jointPositions: [0.1, 0.2, 0.3], jointVelocities: [0, 0, 0],
                           endEffector: Pose(position: SIMD3(0.4, 0, 0.2)), gripper: 1)
    return PolicyRequest(id: id, observation: Observation(time: 0, state: state, frames: ["front": frame(16, 12, 10), "wrist_cam": frame(8, 6, 200)]),
                         instruction: instruction, deadline: deadline)
}

final class RemoteOpenPITests: XCTestCase {
    enum Mode { case normal, neverReplies, late, text, closeMidFrame, nan, narrow, hugeLength, garbage, fragmented }

    /// An openpi-style server. Each reply's first action column is the number in the prompt / 100, so a test can
    /// tell which request a reply answers. Observation format errors are reported back as a text frame.
    func server(_ mode: @escaping @Sendable (Int) -> Mode, gate: DispatchSemaphore? = nil,
                seen: Box<[String: String]>? = nil, pong: Box<Bool>? = nil, imageShape: Box<[Int]>? = nil) -> LoopbackServer {
        LoopbackServer { conn, index in
            guard let headers = try? conn.acceptWebSocket() else { return }
            seen?.set(headers)
            conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("action_horizon"), .int(4))])))
            while let obs = try? conn.readMessage() {
                let m = mode(index)
                let k: Float
                do { k = try Self.checkObservation(obs, imageShape: imageShape) } catch {
                    conn.sendFrame(0x1, Array("observation rejected: \(error)".utf8)); return
                }
                var rows = (0..<4).map { _ in [k / 100, 0, 0, 0, 0, 0.1, -1] as [Float] }
                switch m {
                case .neverReplies: conn.waitForClientClose(); return
                case .late: gate?.wait(); rows[0][0] = 9.99
                case .text:
                    conn.sendFrame(0x1, Array("Traceback (most recent call last):\n  File \"policy.py\"\nValueError: boom".utf8))
                    conn.sendFrame(0x8, [0x03, 0xF3] + Array("Internal server error".utf8)); return
                case .closeMidFrame: conn.write([0x82, 126, 0x03, 0xE8] + [UInt8](repeating: 0x90, count: 10)); return
                case .nan: rows[2][1] = .nan
                case .narrow: rows = rows.map { Array($0.prefix(3)) }
                case .hugeLength: conn.write([0x82, 127, 0x3F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]); conn.waitForClientClose(); return
                case .garbage: conn.sendFrame(0x2, [0xdf, 0xff, 0xff, 0xff, 0xff]); continue
                case .normal, .fragmented: break
                }
                let reply = MsgPackEncoder.encode(.map([MsgPackPair(.string("actions"), ndarrayF32(rows)),
                                                        MsgPackPair(.string("server_timing"), .map([MsgPackPair(.string("infer_ms"), .float64(12.5))]))]))
                if m == .fragmented {
                    let third = reply.count / 3
                    conn.sendFrame(0x2, Array(reply[..<third]), fin: false)
                    conn.sendFrame(0x9, Array("hi".utf8))
                    conn.sendFrame(0x0, Array(reply[third..<(2 * third)]), fin: false)
                    conn.sendFrame(0x0, Array(reply[(2 * third)...]), fin: true)
                    if let (_, op, p) = try? conn.readFrame() { pong?.set(op == 0xA && p == Array("hi".utf8)) }
                } else {
                    conn.sendFrame(0x2, reply)
                }
            }
        }
    }

    static func shape(_ v: MsgPack?) -> [Int]? {
        guard case .array(let dims)? = v?["shape"] else { return nil }
        return dims.compactMap(\.intValue)
    }

    /// The LIBERO layout as openpi's server reads it: bin-keyed ndarrays, uint8 (224, 224, 3) images, float32 (8,) state.
    static func checkObservation(_ bytes: [UInt8], imageShape: Box<[Int]>?) throws -> Float {
        struct Bad: Error, CustomStringConvertible { var description: String }
        let obs = try MsgPackDecoder().decode(bytes)
        for key in ["observation/image", "observation/wrist_image"] {
            guard case .map(let pairs)? = obs[key], pairs.contains(where: { $0.key == .binary(Array("__ndarray__".utf8)) }) else { throw Bad(description: "\(key) is not an ndarray with bin keys") }
            guard obs[key]?["dtype"]?.stringValue == "|u1", let s = shape(obs[key]), s.count == 3, s[2] == 3 else { throw Bad(description: "\(key) dtype/shape") }
            guard case .binary(let d)? = obs[key]?["data"], d.count == s[0] * s[1] * 3 else { throw Bad(description: "\(key) data size") }
            imageShape?.set(s)
        }
        guard obs["observation/wrist_image"]?["data"] != obs["observation/image"]?["data"] else { throw Bad(description: "wrist image is the main image") }
        guard obs["observation/state"]?["dtype"]?.stringValue == "<f4", shape(obs["observation/state"]) == [8] else { throw Bad(description: "state") }
        guard let prompt = obs["prompt"]?.stringValue, let k = Float(prompt.split(separator: " ").last ?? "") else { throw Bad(description: "prompt") }
        return k
    }

    /// Servers live as long as the test (their deinit closes the listening socket).
    var servers: [LoopbackServer] = []

    /// Small images keep the debug-build tests fast; the round-trip test uses the real 224×224 layout.
    func policy(_ s: LoopbackServer, options: RemotePolicyOptions? = nil) throws -> OpenPIPolicy {
        servers.append(s)
        var small = RemotePolicyOptions()
        small.mapping = .openpiLibero
        small.mapping?.imageSize = [12, 16]
        let options = options ?? small
        return try OpenPIPolicy(endpoint: RemoteEndpoint.parse("openpi://127.0.0.1:\(s.port)"), options: options)
    }

    var soon: Double { MonotonicClock().now() + 5 }
    var short: Double { MonotonicClock().now() + 0.3 }

    func testRoundTripWithTheLiberoLayout() throws {
        let seen = Box<[String: String]>([:])
        let shape = Box<[Int]>([])
        let s = server({ _ in .normal }, seen: seen, imageShape: shape)
        var o = RemotePolicyOptions()
        o.apiKey = "sekret"
        let p = try policy(s, options: o)
        let chunk = try p.infer(testRequest(id: 1, instruction: "pick 3", deadline: soon))
        XCTAssertEqual(chunk.horizon, 4)
        XCTAssertEqual(chunk.actions[0].count, 5)
        XCTAssertEqual(chunk.actions[0][0], Double(Float(0.03)) * 0.05, accuracy: 1e-9)   // LIBERO [-1,1] → metres
        XCTAssertEqual(chunk.actions[0][3], Double(Float(0.1)) * 0.5, accuracy: 1e-9)     // column 5 is yaw
        XCTAssertEqual(chunk.actions[0][4], 1)                                             // LIBERO -1 = open = our 1
        XCTAssertEqual(chunk.inferenceMs, 12.5)
        XCTAssertEqual(p.chunkSize, 4, "action_horizon from the metadata frame")
        XCTAssertEqual(seen.get()["authorization"], "Api-Key sekret")
        XCTAssertEqual(shape.get(), [224, 224, 3], "LIBERO layout resizes to 224×224")
        // The connection is reused for the next request.
        _ = try p.infer(testRequest(id: 2, instruction: "pick 4", deadline: soon))
        XCTAssertEqual(p.connectionsOpened, 1)
    }

    func testNeverRepliesIsADeadlineMiss() throws {
        let p = try policy(server { _ in .neverReplies })
        XCTAssertThrowsError(try p.infer(testRequest(id: 1, instruction: "pick 1", deadline: short))) {
            guard case PolicyError.deadlineMissed = $0 else { return XCTFail("\($0)") }
        }
    }

    func testALateReplyIsNeverReadAsTheAnswerToTheNextRequest() throws {
        let gate = DispatchSemaphore(value: 0)
        let p = try policy(server({ $0 == 0 ? .late : .normal }, gate: gate))
        XCTAssertThrowsError(try p.infer(testRequest(id: 1, instruction: "pick 1", deadline: short)))
        gate.signal()   // the old connection's reply (9.99) is now sent — to a socket the client dropped
        let chunk = try p.infer(testRequest(id: 2, instruction: "pick 2", deadline: soon))
        XCTAssertEqual(chunk.actions[0][0], Double(Float(0.02)) * 0.05, accuracy: 1e-9)
        XCTAssertEqual(p.connectionsOpened, 2, "the missed deadline dropped the connection")
    }

    func testATextFrameIsTheServersTraceback() throws {
        let p = try policy(server { _ in .text })
        XCTAssertThrowsError(try p.infer(testRequest(id: 1, instruction: "pick 1", deadline: soon))) {
            guard case PolicyError.server(let m) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("ValueError: boom"), m)
        }
    }

    func testHostileRepliesGiveCleanErrorsNeverActions() throws {
        let cases: [(Mode, String)] = [(.closeMidFrame, "closed"), (.nan, "nan"), (.narrow, "column"),
                                       (.hugeLength, "larger than"), (.garbage, "msgpack")]
        for (mode, needle) in cases {
            let p = try policy(server { _ in mode })
            XCTAssertThrowsError(try p.infer(testRequest(id: 1, instruction: "pick 1", deadline: soon)), "\(mode)") {
                XCTAssertTrue("\($0)".contains(needle), "\(mode): \($0)")
            }
        }
    }

    func testFragmentedReplyWithAPingInTheMiddle() throws {
        let pong = Box(false)
        let p = try policy(server({ _ in .fragmented }, pong: pong))
        let chunk = try p.infer(testRequest(id: 1, instruction: "pick 5", deadline: soon))
        XCTAssertEqual(chunk.actions[3][0], Double(Float(0.05)) * 0.05, accuracy: 1e-9)
        _ = try? p.infer(testRequest(id: 2, instruction: "pick 5", deadline: short))  // lets the server read the pong
        XCTAssertTrue(pong.get(), "the client answered the ping with a pong carrying the same payload")
    }

    func testNothingListeningIsATransportError() throws {
        let s = server { _ in .normal }
        let port = s.port
        s.stop()
        let p = try OpenPIPolicy(endpoint: RemoteEndpoint.parse("openpi://127.0.0.1:\(port)"))
        XCTAssertThrowsError(try p.infer(testRequest(id: 1, instruction: "pick 1", deadline: soon))) {
            guard case PolicyError.transport = $0 else { return XCTFail("\($0)") }
        }
    }
}
