import Foundation
import Policy
import RobotKit
import Tensor
import TestSupport
import XCTest

/// The engine's fused and batched ops (filmReLU, batchedMatmul, the row-wise broadcast kernels) must not change what
/// the shipped model does: its forward is compared against the same network written with the plain per-element
/// ops it was first built from (FiLM as broadcast multiply + add + ReLU, each instruction query as a broadcast
/// multiply summed over channels).
final class ShippedModelForwardTests: XCTestCase {
    func testFusedForwardMatchesThePlainOpFormulation() throws {
        let url = VLATermProcess.packageRoot.appendingPathComponent("models/default.safetensors")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("no shipped model at \(url.path)") }
        let net = try VLAModelFile.load(url: url)
        let config = net.config, b = 2
        var rng = SeededGenerator(seed: 11)
        func random(_ shape: [Int], _ r: ClosedRange<Float>) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.elementCount).map { _ in Float.random(in: r, using: &rng) })
        }
        let images = config.cameras.map { _ in random([b, 3, config.imageHeight, config.imageWidth], -0.5...0.5) }
        let proprio = random([b, config.proprioDimension], -1...1), text = random([b, config.textDimension], -0.1...0.1)

        let fused = withNoGrad { net.forwardAll(images: images, proprio: proprio, text: text) }
        let plain = withNoGrad { plainForward(net, images: images, proprio: proprio, text: text) }
        XCTAssertEqual(fused.actions.shape, plain.actions.shape)
        let worst = zip(fused.actions.data, plain.actions.data).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 1e-5, "shipped model's actions moved by \(worst)")
        print("shipped model: largest action difference fused vs plain ops \(worst)")
        if let fa = fused.auxiliary, let pa = plain.auxiliary {
            let worstAux = zip(fa.data, pa.data).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worstAux, 1e-5, "auxiliary points moved by \(worstAux)")
        }
    }

    /// VLANetwork.forwardAll as it was before the fused ops, for the architecture options the shipped model uses.
    private func plainForward(_ net: VLANetwork, images: [Tensor], proprio: Tensor, text: Tensor) -> (actions: Tensor, auxiliary: Tensor?) {
        let a = net.config.architecture, b = proprio.shape[0]
        func w(_ name: String) -> Tensor { net.parameters[name]! }
        var parts: [Tensor] = []
        for (cam, image) in images.enumerated() {
            var x = image
            for (j, c) in a.convChannels.enumerated() {
                x = x.conv2d(weight: w("cam\(cam).conv\(j).weight"), bias: w("cam\(cam).conv\(j).bias"),
                             stride: a.convStrides[j], padding: a.convKernels[j] / 2)
                let film = text.linear(weight: w("cam\(cam).film\(j).weight"), bias: w("cam\(cam).film\(j).bias"))
                let gamma = film.slice(axis: 1, 0..<c).reshaped([b, c, 1, 1])
                let beta = film.slice(axis: 1, c..<(2 * c)).reshaped([b, c, 1, 1])
                x = (x * (gamma + 1) + beta).relu()
            }
            if a.textKeypoints > 0 {
                let c = x.shape[1], h = x.shape[2], wd = x.shape[3]
                let queries = text.linear(weight: w("cam\(cam).query.weight"), bias: w("cam\(cam).query.bias"))
                let maps = (0..<a.textKeypoints).map { k in
                    (x * queries.slice(axis: 1, (k * c)..<((k + 1) * c)).reshaped([b, c, 1, 1])).sum(axis: 1).reshaped([b, 1, h, wd])
                }
                parts.append((Tensor.concat(maps, axis: 1) * a.keypointGain).spatialSoftmax().reshaped([b, -1]))
            }
            if a.keypoints > 0 {
                x = x.conv2d(weight: w("cam\(cam).keypoints.weight"), bias: w("cam\(cam).keypoints.bias")) * a.keypointGain
            }
            parts.append(x.spatialSoftmax().reshaped([b, -1]))
        }
        parts.append(proprio)
        parts.append(text.linear(weight: w("text.weight"), bias: w("text.bias")).relu())
        var h = Tensor.concat(parts, axis: 1)
        for j in 0..<a.mlpLayers { h = h.linear(weight: w("mlp\(j).weight"), bias: w("mlp\(j).bias")).relu() }
        let aux = a.auxiliaryPoints > 0 ? h.linear(weight: w("aux.weight"), bias: w("aux.bias")) : nil
        if a.goalConditioned, let aux {
            let hand = proprio.slice(axis: 1, 0..<3)
            let offsets = (0..<a.auxiliaryPoints).map { q in aux.slice(axis: 1, (3 * q)..<(3 * q + 3)) - hand }
            h = Tensor.concat([h] + offsets, axis: 1).linear(weight: w("goal.weight"), bias: w("goal.bias")).relu()
        }
        return (h.linear(weight: w("head.weight"), bias: w("head.bias")), aux)
    }
}
