// Promise 9 for model files: missing, corrupted or hostile files give a clear error with the fix; a valid
// model made for another robot is refused with the reason.
import Foundation
import Policy
import RobotKit
import Tensor
import XCTest

final class VLAModelRefusalTests: XCTestCase {
    let simCameras = ["front", "overhead", "wrist"].map { CameraSpec(name: $0, width: 16, height: 12) }

    private func write(_ bytes: Data, _ name: String) throws -> URL {
        let url = VLAFixture.tempURL(name)
        try bytes.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return "\(error)" }
    }

    func testMissingFileNamesThePathAndTheFix() {
        let m = message { _ = try VLAModelFile.load(url: URL(fileURLWithPath: "/nonexistent/model.safetensors")) }
        XCTAssertTrue(m.contains("/nonexistent/model.safetensors"), m)
        XCTAssertTrue(m.contains("vlaterm train"), m)
    }

    func testGarbageTruncatedAndForeignFilesAreCorrupt() throws {
        let garbage = try write(Data((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }), "garbage.safetensors")
        XCTAssertTrue(message { _ = try VLAModelFile.load(url: garbage) }.contains("not a usable vlaterm model"))

        let good = VLAFixture.tempURL("good.safetensors")
        defer { try? FileManager.default.removeItem(at: good) }
        try VLAModelFile.save(VLANetwork(config: VLAFixture.tinyConfig(), seed: 1), to: good)
        let bytes = try Data(contentsOf: good)
        let truncated = try write(bytes.prefix(bytes.count - 100), "truncated.safetensors")
        XCTAssertTrue(message { _ = try VLAModelFile.load(url: truncated) }.contains("not a usable vlaterm model"))

        // A valid safetensors file without our metadata (e.g. MiniLM's weights).
        let foreign = try write(try Safetensors.encode(["w": Tensor(shape: [2], data: [1, 2])]), "foreign.safetensors")
        XCTAssertTrue(message { _ = try VLAModelFile.load(url: foreign) }.contains("no vlaterm model description"))
    }

    func testHostileMetadataIsRejectedBeforeAllocating() throws {
        // Claims a huge architecture but carries a tiny tensor: refused on the config or shapes, no giant allocation.
        var config = VLAFixture.tinyConfig()
        config.architecture.hidden = 1_000_000
        let huge = try write(try Safetensors.encode(["head.bias": Tensor(shape: [1])],
                                                    metadata: [Safetensors.jsonMetadataKey: String(decoding: JSONEncoder().encode(config), as: UTF8.self)]),
                             "huge.safetensors")
        XCTAssertTrue(message { _ = try VLAModelFile.load(url: huge) }.contains("hidden"))

        // Right config, one tensor with the wrong shape.
        let net = VLANetwork(config: VLAFixture.tinyConfig(), seed: 1)
        var tensors = net.parameters
        tensors["head.bias"] = Tensor(shape: [3])
        let bad = try write(try Safetensors.encode(tensors, metadata: [Safetensors.jsonMetadataKey: String(decoding: JSONEncoder().encode(net.config), as: UTF8.self)]),
                            "badshape.safetensors")
        XCTAssertTrue(message { _ = try VLAModelFile.load(url: bad) }.contains("head.bias"))

        // Non-finite weights.
        tensors = net.parameters
        tensors["head.bias"] = Tensor(shape: [20], repeating: .nan)
        let nan = try write(try Safetensors.encode(tensors, metadata: [Safetensors.jsonMetadataKey: String(decoding: JSONEncoder().encode(net.config), as: UTF8.self)]),
                            "nan.safetensors")
        XCTAssertTrue(message { _ = try VLAModelFile.load(url: nan) }.contains("non-finite"))
    }

    func testModelForOtherCamerasImageSizeOrActionsIsRefused() throws {
        func roundTrip(_ config: VLAConfig) throws -> VLAConfig {
            let url = VLAFixture.tempURL("mismatch-\(config.cameras.joined())-\(config.imageWidth)-\(config.actionNames.count).safetensors")
            defer { try? FileManager.default.removeItem(at: url) }
            try VLAModelFile.save(VLANetwork(config: config, seed: 2), to: url)
            return try VLAModelFile.load(url: url).config
        }
        XCTAssertNoThrow(try EmbeddedVLA.check(try roundTrip(VLAFixture.tinyConfig()), cameras: simCameras))
        let otherCamera = try roundTrip(VLAFixture.tinyConfig(cameras: ["front", "left_wrist"]))
        XCTAssertTrue(message { try EmbeddedVLA.check(otherCamera, cameras: simCameras) }.contains("left_wrist"))
        let otherSize = try roundTrip(VLAFixture.tinyConfig(width: 32, height: 24))
        XCTAssertTrue(message { try EmbeddedVLA.check(otherSize, cameras: simCameras) }.contains("32x24"))
        let otherActions = try roundTrip(VLAFixture.tinyConfig(actions: ["j1", "j2", "j3", "j4", "j5", "j6", "gripper"]))
        XCTAssertTrue(message { try EmbeddedVLA.check(otherActions, cameras: simCameras) }.contains("j1"))
        XCTAssertThrowsError(try EmbeddedVLA(network: VLANetwork(config: VLAFixture.tinyConfig(), seed: 1), embedder: StubEmbedder(dimension: 384)))
    }
}
