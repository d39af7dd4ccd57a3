import Foundation
import XCTest
import RobotKit
@testable import Policy

/// Our wire formats read and written by the libraries real servers use: msgpack-python + numpy with openpi's
/// msgpack_numpy convention (bin keys __ndarray__/data/dtype/shape), and json_numpy as OpenVLA's deploy.py uses it.
/// Needs the project .venv (scripts/setup.sh); skipped without it.
final class RemoteInteropTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// openpi_client.msgpack_numpy's convention, restated for the test (numpy arrays as bin-keyed maps).
    static let script = """
    import base64, json, sys
    import msgpack, numpy as np, json_numpy

    def pack_array(obj):
        if isinstance(obj, np.ndarray):
            return {b"__ndarray__": True, b"data": obj.tobytes(), b"dtype": obj.dtype.str, b"shape": obj.shape}
        return obj

    def unpack_array(obj):
        if b"__ndarray__" in obj:
            return np.ndarray(buffer=obj[b"data"], dtype=np.dtype(obj[b"dtype"]), shape=obj[b"shape"])
        return obj

    def describe(v):
        if isinstance(v, np.ndarray):
            return {"shape": list(v.shape), "dtype": v.dtype.str, "sum": float(v.astype(np.float64).sum())}
        return v

    mode, path = sys.argv[1], sys.argv[2]
    if mode == "read-observation":
        obs = msgpack.unpackb(open(path, "rb").read(), object_hook=unpack_array)
        print(json.dumps({k: describe(v) for k, v in obs.items()}))
    elif mode == "write-reply":
        reply = {"actions": (np.arange(70, dtype=np.float32).reshape(10, 7) - 35) / 100, "server_timing": {"infer_ms": 12.5}}
        open(path, "wb").write(msgpack.Packer(default=pack_array).pack(reply))
    elif mode == "read-openvla-request":
        body = json_numpy.loads(open(path).read())
        print(json.dumps({k: describe(v) for k, v in body.items()}))
    elif mode == "write-openvla-reply":
        open(path, "w").write(json_numpy.dumps(np.array([0.01, -0.02, 0.0, 0.1, 0.2, 0.03, 1.0])))
    """

    func python(_ args: [String]) throws -> String {
        let py = Self.root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: py) else { throw XCTSkip(".venv missing: run scripts/setup.sh (make test does)") }
        let dir = FileManager.default.temporaryDirectory
        let scriptPath = dir.appendingPathComponent("vlaterm-interop-\(UUID().uuidString).py").path
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: py)
        p.arguments = [scriptPath] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            let msg = String(decoding: errData, as: UTF8.self)
            if msg.contains("ModuleNotFoundError") { throw XCTSkip("interop packages missing in .venv: run scripts/setup.sh") }
            XCTFail("python failed: \(msg)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    func tempFile() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-interop-\(UUID().uuidString)").path }

    func testNumpyReadsOurOpenPIObservation() throws {
        let policy = try OpenPIPolicy(endpoint: RemoteEndpoint.parse("openpi://127.0.0.1:1"))
        let request = testRequest(id: 1, instruction: "pick up the red cube", deadline: 0)
        let bytes = MsgPackEncoder.encode(try policy.observation(request))
        let path = tempFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let out = try python(["read-observation", path])
        guard let obs = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] else { return XCTFail(out) }
        XCTAssertEqual(obs["prompt"] as? String, "pick up the red cube")
        let image = obs["observation/image"] as? [String: Any]
        XCTAssertEqual(image?["shape"] as? [Int], [224, 224, 3])
        XCTAssertEqual(image?["dtype"] as? String, "|u1")
        XCTAssertEqual(image?["sum"] as? Double, Double(224 * 224 * 3 * 10), "every pixel of the 'front' test frame is 10")
        XCTAssertEqual((obs["observation/wrist_image"] as? [String: Any])?["sum"] as? Double, Double(224 * 224 * 3 * 200))
        let state = obs["observation/state"] as? [String: Any]
        XCTAssertEqual(state?["shape"] as? [Int], [8])
        XCTAssertEqual(state?["dtype"] as? String, "<f4")
        // [x, y, z, yaw, gripper, q0, q1, q2] = [0.4, 0, 0.2, 0, 1, 0.1, 0.2, 0.3] in float32.
        XCTAssertEqual(state?["sum"] as? Double ?? 0, 2.2, accuracy: 1e-6)
    }

    func testWeDecodeAnOpenPIReplyPackedByMsgpackPython() throws {
        let path = tempFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try python(["write-reply", path])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let policy = try OpenPIPolicy(endpoint: RemoteEndpoint.parse("openpi://127.0.0.1:1"))
        let chunk = try policy.decodeReply(bytes)
        XCTAssertEqual(chunk.horizon, 10)
        XCTAssertEqual(chunk.inferenceMs, 12.5)
        // Row 0 = (0…6 − 35) / 100 in float32; LIBERO adapter: dx = col0 × 0.05, yaw = col5 × 0.5, gripper from col6.
        XCTAssertEqual(chunk.actions[0][0], Double(Float(-0.35)) * 0.05, accuracy: 1e-9)
        XCTAssertEqual(chunk.actions[0][3], Double(Float(-0.30)) * 0.5, accuracy: 1e-9)
        XCTAssertEqual(chunk.actions[0][4], (1 - (Double(Float(-0.29)) + 1) / 2), accuracy: 1e-6)
    }

    func testJsonNumpyReadsOurOpenVLARequestAndWeReadItsReply() throws {
        let policy = try OpenVLAPolicy(endpoint: RemoteEndpoint.parse("openvla://127.0.0.1:1"))
        // The request body exactly as infer() builds it.
        var body: [String: Any] = ["instruction": "wipe the table"]
        let (px, shape) = policy.mapping.pixels(of: try policy.mapping.camera(for: "@main", in: testRequest(id: 1, instruction: "", deadline: 0).observation.frames))
        body["image"] = NumpyWire.jsonNumpy(uint8: px, shape: shape)
        let path = tempFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try JSONSerialization.data(withJSONObject: body).write(to: URL(fileURLWithPath: path))
        let out = try python(["read-openvla-request", path])
        guard let read = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] else { return XCTFail(out) }
        XCTAssertEqual(read["instruction"] as? String, "wipe the table")
        XCTAssertEqual((read["image"] as? [String: Any])?["shape"] as? [Int], [224, 224, 3])
        XCTAssertEqual((read["image"] as? [String: Any])?["sum"] as? Double, Double(224 * 224 * 3 * 10))

        _ = try python(["write-openvla-reply", path])
        let chunk = try policy.decodeReply([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(chunk.actions, [[0.01, -0.02, 0.0, 0.03, 1.0]])
    }
}
