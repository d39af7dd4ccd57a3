// Every differentiable op's gradient against central finite differences, on small shapes.
import XCTest
@testable import Tensor

final class GradientTests: XCTestCase {
    var rng = TestRNG(seed: 42)

    func testMatmul() {
        let a = randomTensor([3, 4], &rng), b = randomTensor([4, 5], &rng)
        assertGradientsMatch([a, b]) { a.matmul(b) }
    }

    func testLinearWithBiasOverLeadingDims() {
        let x = randomTensor([2, 3, 4], &rng), w = randomTensor([5, 4], &rng), b = randomTensor([5], &rng)
        assertGradientsMatch([x, w, b]) { x.linear(weight: w, bias: b) }
    }

    func testConv2dStridePadding() {
        let x = randomTensor([2, 3, 6, 5], &rng), w = randomTensor([4, 3, 3, 3], &rng), b = randomTensor([4], &rng)
        assertGradientsMatch([x, w, b]) { x.conv2d(weight: w, bias: b, stride: 2, padding: 1) }
        assertGradientsMatch([x, w]) { x.conv2d(weight: w, stride: 1, padding: 0) }
        // Stride 1 with "same" padding takes the contiguous im2col/col2im path.
        assertGradientsMatch([x, w, b]) { x.conv2d(weight: w, bias: b, stride: 1, padding: 1) }
        let w5 = randomTensor([2, 3, 5, 5], &rng)
        assertGradientsMatch([x, w5]) { x.conv2d(weight: w5, stride: 1, padding: 2) }
        // 1×1 (the keypoint maps): sgemms straight on the input, no column matrix.
        let w1 = randomTensor([4, 3, 1, 1], &rng)
        assertGradientsMatch([x, w1, b]) { x.conv2d(weight: w1, bias: b) }
    }

    func testAttentionWithMask() {
        let q = randomTensor([2, 4, 6], &rng), k = randomTensor([2, 4, 6], &rng), v = randomTensor([2, 4, 6], &rng)
        let mask = Tensor(shape: [2, 4], data: [1, 1, 1, 1, 1, 1, 0, 0])
        assertGradientsMatch([q, k, v]) { Tensor.attention(q: q, k: k, v: v, heads: 2, keyMask: mask) }
    }

    func testCausalSelfAttentionSharedInput() {
        let x = randomTensor([1, 5, 4], &rng)
        assertGradientsMatch([x]) { Tensor.attention(q: x, k: x, v: x, heads: 2, causal: true) }
    }

    func testLayerNorm() {
        let x = randomTensor([3, 8], &rng), w = randomTensor([8], &rng), b = randomTensor([8], &rng)
        assertGradientsMatch([x, w, b], h: 5e-3) { x.layerNorm(weight: w, bias: b, eps: 1e-5) }
    }

    func testSoftmax() {
        let x = randomTensor([3, 5], &rng, lo: -2, hi: 2)
        assertGradientsMatch([x]) { x.softmax() }
    }

    func testCrossEntropyWithIgnoredRows() {
        let x = randomTensor([4, 6], &rng, lo: -2, hi: 2)
        assertGradientsMatch([x]) { crossEntropyLoss(x, targets: [0, 5, 2, 3], weights: [1, 0.5, 0, 2]) }
    }

    func testGELUAndReLU() {
        let x = randomTensor([20], &rng, lo: -3, hi: 3)
        assertGradientsMatch([x]) { x.gelu() }
        // Keep ReLU inputs away from the kink so the finite difference does not straddle it.
        let y = Tensor(shape: [20], data: (0..<20).map { i in (i % 2 == 0 ? 1 : -1) * (0.1 + Float(i) * 0.05) }, requiresGrad: true)
        assertGradientsMatch([y]) { y.relu() }
    }

    func testBroadcastFiLM() {
        // FiLM: features (B, C, H, W) scaled and shifted per (batch, channel).
        let x = randomTensor([2, 3, 2, 2], &rng), gamma = randomTensor([2, 3, 1, 1], &rng), beta = randomTensor([2, 3, 1, 1], &rng)
        assertGradientsMatch([x, gamma, beta]) { x * gamma + beta }
        let bias = randomTensor([2], &rng)
        assertGradientsMatch([x, bias]) { x - bias }
    }

    func testBroadcastPatterns() {
        // Every row shape the broadcast kernels specialise: contiguous, scalar per row, broadcast in the middle,
        // a broadcast leading operand, and a transposed-looking stride (b varies along an outer axis only).
        let x = randomTensor([2, 3, 4], &rng), row = randomTensor([4], &rng), col = randomTensor([2, 3, 1], &rng)
        let mid = randomTensor([2, 1, 4], &rng), lead = randomTensor([3, 1], &rng)
        assertGradientsMatch([x, row]) { x * row - row }
        assertGradientsMatch([x, col]) { col * x - col }
        assertGradientsMatch([x, mid]) { mid - x * mid }
        assertGradientsMatch([lead, row]) { lead * row + lead - row }
        let s = randomTensor([], &rng)
        assertGradientsMatch([x, s]) { x * s - s }
    }

    func testFiLMReLUMatchesUnfusedOps() {
        // Pre-activations kept away from 0 so the finite difference does not straddle the ReLU's kink.
        let x = Tensor(shape: [2, 3, 2, 2], data: (0..<24).map { i in (i % 3 == 0 ? -1 : 1) * (0.3 + Float(i) * 0.05) }, requiresGrad: true)
        let film = Tensor(shape: [2, 6], data: (0..<12).map { i in Float(i % 4) * 0.05 - 0.08 }, requiresGrad: true)
        assertGradientsMatch([x, film]) { x.filmReLU(film) }
        // x read by another op too: its gradient may already hold that op's part when FiLM's arrives.
        assertGradientsMatch([x, film]) { x.filmReLU(film) * x }
        let gamma = film.slice(axis: 1, 0..<3).reshaped([2, 3, 1, 1]), beta = film.slice(axis: 1, 3..<6).reshaped([2, 3, 1, 1])
        XCTAssertEqual(x.filmReLU(film).data, (x * (gamma + 1) + beta).relu().data)
    }

    func testBatchedMatmul() {
        let a = randomTensor([3, 2, 4], &rng), b = randomTensor([3, 4, 5], &rng)
        assertGradientsMatch([a, b]) { a.batchedMatmul(b) }
        let per = (0..<3).map { i in a.slice(axis: 0, i..<(i + 1)).reshaped([2, 4]).matmul(b.slice(axis: 0, i..<(i + 1)).reshaped([4, 5])) }
        XCTAssertEqual(a.batchedMatmul(b).data, per.flatMap(\.data))
    }

    func testSameInputTwice() {
        let x = randomTensor([4], &rng)
        assertGradientsMatch([x]) { x * x + x }
    }

    func testAffine() {
        let x = randomTensor([3, 2], &rng)
        assertGradientsMatch([x]) { (x * 3 + 1) * 0.5 }
    }

    func testShapeOps() {
        let a = randomTensor([2, 3, 2], &rng), b = randomTensor([2, 1, 2], &rng)
        assertGradientsMatch([a, b]) { Tensor.concat([a, b], axis: 1) }
        assertGradientsMatch([a]) { a.slice(axis: 1, 1..<3) }
        assertGradientsMatch([a]) { a.permuted([2, 0, 1]) }
        assertGradientsMatch([a]) { a.reshaped([3, -1]) }
    }

    func testReductions() {
        let x = randomTensor([2, 3, 4], &rng)
        assertGradientsMatch([x]) { x.sum(axis: 1) }
        assertGradientsMatch([x]) { x.mean(axis: 2) }
        assertGradientsMatch([x]) { x.mean() }
        let img = randomTensor([2, 3, 2, 2], &rng)
        assertGradientsMatch([img]) { img.globalAvgPool2d() }
    }

    func testLosses() {
        let p = randomTensor([3, 4], &rng), t = randomTensor([3, 4], &rng)
        assertGradientsMatch([p, t]) { l1Loss(p, t) }
        assertGradientsMatch([p, t]) { mseLoss(p, t) }
    }

    func testMaxPool() {
        // Distinct, well-separated values so no window has a near tie.
        var vals = (0..<32).map { Float($0) * 0.1 }
        vals.shuffle(using: &rng)
        let x = Tensor(shape: [1, 2, 4, 4], data: vals, requiresGrad: true)
        assertGradientsMatch([x]) { x.maxPool2d(kernel: 2) }
        assertGradientsMatch([x]) { x.maxPool2d(kernel: 3, stride: 1) }
    }

    func testSpatialSoftmax() {
        let x = randomTensor([2, 3, 4, 5], &rng, lo: -2, hi: 2)
        assertGradientsMatch([x]) { x.spatialSoftmax() }
    }

    func testEmbedding() {
        let table = randomTensor([6, 3], &rng)
        assertGradientsMatch([table]) { Tensor.embedding(ids: [1, 4, 1, 0], shape: [2, 2], table: table) }
    }

    func testSmallConvFiLMPolicyGraph() {
        // The shape of graph the policy builds: conv → FiLM → relu → spatial softmax → concat → linear → L1.
        let img = randomTensor([2, 2, 5, 5], &rng), w = randomTensor([3, 2, 3, 3], &rng)
        let text = randomTensor([2, 4], &rng), film = randomTensor([6, 4], &rng)
        let proprio = randomTensor([2, 2], &rng), head = randomTensor([4, 8], &rng), target = randomTensor([2, 4], &rng)
        assertGradientsMatch([img, w, text, film, proprio, head], atol: 5e-3, rtol: 5e-2) {
            let f = img.conv2d(weight: w, padding: 1)
            let gb = text.linear(weight: film).reshaped([2, 6, 1, 1])
            let y = (f * gb.slice(axis: 1, 0..<3) + gb.slice(axis: 1, 3..<6)).gelu()
            let kp = y.spatialSoftmax().reshaped([2, 6])
            let z = Tensor.concat([kp, proprio], axis: 1).linear(weight: head)
            return l1Loss(z, target)
        }
    }
}
