import XCTest
@testable import Tensor

final class OptimizerTests: XCTestCase {
    func testAdamSplitOverKernelThreadsGivesIdenticalValues() {
        // A parameter large enough (≥ 32 K values) for the update to be split over the threads: elementwise, so
        // the split must not change a single bit.
        func run(threads: Int) -> [Float] { withKernelThreads(threads) {
            var rng = TestRNG(seed: 3)
            let p = randomTensor([40_001], &rng)
            let opt = Adam.adamW([p], lr: 1e-2, weightDecay: 0.1)
            for step in 0..<3 {
                p.grad = (0..<p.count).map { Float(($0 * 7 + step) % 13) * 0.1 - 0.6 }
                opt.update()
            }
            return p.data
        } }
        XCTAssertEqual(run(threads: 2), run(threads: 1))
    }

    func testAdamFirstStepMovesByLearningRate() {
        // First Adam step: m̂ = g, v̂ = g², so θ moves by lr · g / (|g| + eps) ≈ lr · sign(g).
        let p = Tensor(shape: [2], data: [1, -1], requiresGrad: true)
        let opt = Adam.adam([p], lr: 0.1)
        (p * Tensor(shape: [2], data: [3, -0.5])).sum().backward()
        opt.update()
        XCTAssertEqual(p.data[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(p.data[1], -0.9, accuracy: 1e-6)
    }

    func testAdamWDecaysIndependentlyOfGradient() {
        // Zero gradient: Adam's step is 0, so only the decoupled decay acts: θ ← θ (1 − lr · wd).
        let p = Tensor(shape: [1], data: [2], requiresGrad: true)
        let opt = Adam.adamW([p], lr: 0.1, weightDecay: 0.5)
        p.grad = [0]
        opt.update()
        XCTAssertEqual(p.data[0], 2 * (1 - 0.05), accuracy: 1e-6)
        // Plain Adam with L2: the decay goes through the moments instead (a full lr-sized step).
        let q = Tensor(shape: [1], data: [2], requiresGrad: true)
        let adam = Adam.adam([q], lr: 0.1, weightDecay: 0.5)
        q.grad = [0]
        adam.update()
        XCTAssertEqual(q.data[0], 1.9, accuracy: 1e-5)
    }

    func testClipGradNormScalesToMaxNorm() {
        let a = Tensor(shape: [2], data: [0, 0], requiresGrad: true), b = Tensor(shape: [1], data: [0], requiresGrad: true)
        let opt = Adam.adamW([a, b])
        a.grad = [3, 0]; b.grad = [4]
        XCTAssertEqual(opt.clipGradNorm(1), 5, accuracy: 1e-6)
        XCTAssertEqual(a.grad![0], 0.6, accuracy: 1e-5)
        XCTAssertEqual(b.grad![0], 0.8, accuracy: 1e-5)
        XCTAssertEqual(opt.clipGradNorm(10), 1, accuracy: 1e-5)
        XCTAssertEqual(b.grad![0], 0.8, accuracy: 1e-5, "under the limit: unchanged")
    }

    func testSmallConvNetLearnsWithAdamW() {
        // Regress the brightest pixel's (x, y) from 6×6 images: conv → relu → spatial softmax → linear, L1 loss.
        var rng = TestRNG(seed: 11)
        let conv = Tensor.kaimingUniform([4, 1, 3, 3], fanIn: 9, using: &rng)
        let head = Tensor.kaimingUniform([2, 8], fanIn: 8, using: &rng)
        let headBias = Tensor(shape: [2], repeating: 0, requiresGrad: true)
        let opt = Adam.adamW([conv, head, headBias], lr: 0.03)
        func batch() -> (Tensor, Tensor) {
            var img = [Float](repeating: 0, count: 8 * 36), tgt: [Float] = []
            for b in 0..<8 {
                let i = Int.random(in: 0..<6, using: &rng), j = Int.random(in: 0..<6, using: &rng)
                img[b * 36 + i * 6 + j] = 1
                tgt += [-1 + 2 * Float(j) / 5, -1 + 2 * Float(i) / 5]
            }
            return (Tensor(shape: [8, 1, 6, 6], data: img), Tensor(shape: [8, 2], data: tgt))
        }
        func lossOf(_ x: Tensor, _ y: Tensor) -> Tensor {
            let f = x.conv2d(weight: conv, padding: 1).relu().affine(scale: 5).spatialSoftmax().reshaped([8, 8])
            return l1Loss(f.linear(weight: head, bias: headBias), y)
        }
        let (x0, y0) = batch()
        let before = withNoGrad { lossOf(x0, y0).item }
        for _ in 0..<150 {
            let (x, y) = batch()
            opt.zeroGrad()
            lossOf(x, y).backward()
            opt.update()
        }
        let after = withNoGrad { lossOf(x0, y0).item }
        XCTAssertLessThan(after, before * 0.5, "loss \(before) → \(after)")
    }
}
