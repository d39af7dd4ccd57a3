// Forward values against direct (naive) computations and known constants.
import XCTest
@testable import Tensor

final class ForwardTests: XCTestCase {
    var rng = TestRNG(seed: 3)

    func testMatmulKnownValues() {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [3, 2], data: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(a.matmul(b).data, [58, 64, 139, 154])
    }

    func testConv2dMatchesDirectLoop() {
        let x = randomTensor([2, 3, 7, 6], &rng), w = randomTensor([4, 3, 3, 2], &rng), b = randomTensor([4], &rng)
        let stride = 2, pad = 1
        let y = x.conv2d(weight: w, bias: b, stride: stride, padding: pad)
        let oh = (7 + 2 - 3) / 2 + 1, ow = (6 + 2 - 2) / 2 + 1
        XCTAssertEqual(y.shape, [2, 4, oh, ow])
        for n in 0..<2 { for o in 0..<4 { for i in 0..<oh { for j in 0..<ow {
            var s = Double(b.data[o])
            for c in 0..<3 { for ki in 0..<3 { for kj in 0..<2 {
                let iy = i * stride - pad + ki, ix = j * stride - pad + kj
                guard iy >= 0, iy < 7, ix >= 0, ix < 6 else { continue }
                s += Double(x.data[((n * 3 + c) * 7 + iy) * 6 + ix]) * Double(w.data[((o * 3 + c) * 3 + ki) * 2 + kj])
            } } }
            XCTAssertEqual(Double(y.data[((n * 4 + o) * oh + i) * ow + j]), s, accuracy: 1e-4)
        } } } }
    }

    func testAttentionMatchesNaiveAndIgnoresMaskedKeys() {
        let (b, t, c, nh) = (1, 3, 4, 2)
        let q = randomTensor([b, t, c], &rng), k = randomTensor([b, t, c], &rng), v = randomTensor([b, t, c], &rng)
        let mask = Tensor(shape: [1, 3], data: [1, 1, 0])
        let y = Tensor.attention(q: q, k: k, v: v, heads: nh, keyMask: mask)
        let hs = c / nh
        for h in 0..<nh { for i in 0..<t {
            var scores: [Double] = []
            for j in 0..<2 {
                var dot = 0.0
                for d in 0..<hs { dot += Double(q.data[i * c + h * hs + d]) * Double(k.data[j * c + h * hs + d]) }
                scores.append(dot / Double(hs).squareRoot())
            }
            let m = scores.max() ?? 0
            scores = scores.map { exp($0 - m) }
            let z = scores.reduce(0, +)
            for d in 0..<hs {
                var expect = 0.0
                for j in 0..<2 { expect += scores[j] / z * Double(v.data[j * c + h * hs + d]) }
                XCTAssertEqual(Double(y.data[i * c + h * hs + d]), expect, accuracy: 1e-5)
            }
        } }
        // Changing the masked key/value must not change the output.
        k.data[2 * c] += 5; v.data[2 * c + 1] -= 3
        XCTAssertEqual(Tensor.attention(q: q, k: k, v: v, heads: nh, keyMask: mask).data, y.data)
    }

    func testGELUErfFormConstants() {
        let y = Tensor(shape: [3], data: [-1, 0, 1]).gelu()
        XCTAssertEqual(y.data[0], -0.15865526, accuracy: 1e-6)
        XCTAssertEqual(y.data[1], 0)
        XCTAssertEqual(y.data[2], 0.84134474, accuracy: 1e-6)
    }

    func testLayerNormNormalisesAndSoftmaxSumsToOne() {
        let x = randomTensor([4, 16], &rng, lo: -5, hi: 9)
        let y = x.layerNorm(weight: nil, bias: nil, eps: 1e-12)
        for r in 0..<4 {
            let row = y.data[(r * 16)..<(r * 16 + 16)].map(Double.init)
            let m = row.reduce(0, +) / 16
            XCTAssertEqual(m, 0, accuracy: 1e-6)
            XCTAssertEqual(row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 16, 1, accuracy: 1e-4)
        }
        let s = x.softmax()
        for r in 0..<4 { XCTAssertEqual(s.data[(r * 16)..<(r * 16 + 16)].reduce(0, +), 1, accuracy: 1e-5) }
    }

    func testSpatialSoftmaxFindsPeak() {
        // A sharp peak at row 0, last column → keypoint (x = +1, y = −1).
        var d = [Float](repeating: 0, count: 12); d[3] = 40
        let kp = Tensor(shape: [1, 1, 3, 4], data: d).spatialSoftmax()
        XCTAssertEqual(kp.shape, [1, 1, 2])
        XCTAssertEqual(kp.data[0], 1, accuracy: 1e-4)
        XCTAssertEqual(kp.data[1], -1, accuracy: 1e-4)
    }

    func testBroadcastShapesAndPermute() {
        let x = Tensor(shape: [2, 1, 3], data: [1, 2, 3, 4, 5, 6]), y = Tensor(shape: [2, 1], data: [10, 20])
        let z = x + y
        XCTAssertEqual(z.shape, [2, 2, 3])
        XCTAssertEqual(z.data, [11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26])
        let p = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]).permuted([1, 0])
        XCTAssertEqual(p.shape, [3, 2]); XCTAssertEqual(p.data, [1, 4, 2, 5, 3, 6])
    }

    func testNoGradRecordsNothing() {
        let w = randomTensor([3, 3], &rng)
        let y = withNoGrad { w.matmul(w).relu() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.node)
        XCTAssertNotNil(w.matmul(w).node)
    }

    func testBackwardAccumulatesAcrossCallsUntilZeroed() {
        let w = Tensor(shape: [2], data: [1, 2], requiresGrad: true)
        (w * w).sum().backward()
        (w * w).sum().backward()
        XCTAssertEqual(w.grad, [4, 8])
        w.zeroGrad(); XCTAssertNil(w.grad)
    }

    func testThreadPolicy() {
        XCTAssertEqual(BLASThreads.set(2), 2)
        XCTAssertEqual(BLASThreads.set(1), 1)
    }

    func testCrossEntropyMatchesTheDefinition() {
        // Row 0: logits (0, ln 3) → p(target 1) = 3/4; row 1 ignored; mean over both rows.
        let x = Tensor(shape: [2, 2], data: [0, Float(log(3.0)), 5, -5])
        XCTAssertEqual(crossEntropyLoss(x, targets: [1, 1], weights: [1, 0]).item, Float(-log(0.75) / 2), accuracy: 1e-6)
        XCTAssertEqual(crossEntropyLoss(x, targets: [0, 1], weights: [2, 0]).item, Float(-log(0.25)), accuracy: 1e-5)
    }

    func testEncoderLinearSplitOverKernelThreadsGivesIdenticalValues() {
        // Few-row layers big enough to be cut into output blocks (the MiniLM shapes, one with input blocks too):
        // shared out over 2 threads the blocks are the same products, so not a bit may change.
        for (n, c, oc) in [(16, 384, 1152), (16, 1536, 384), (5, 384, 1536)] {
            var rng = TestRNG(seed: UInt64(c + oc))
            let x = randomTensor([n, c], &rng), w = randomTensor([oc, c], &rng), b = randomTensor([oc], &rng)
            func run(_ threads: Int, bias: Bool) -> [Float] { withKernelThreads(threads) {
                var out = [Float](repeating: .nan, count: n * oc)
                EncoderKernels.linear(&out, x.data, weight: w.data, bias: bias ? b.data : nil, rows: n, inputs: c, outputs: oc)
                return out
            } }
            for bias in [true, false] {
                let one = run(1, bias: bias)
                XCTAssertFalse(one.contains { $0.isNaN })
                XCTAssertEqual(run(2, bias: bias), one, "\(n)×\(c)→\(oc) bias \(bias)")
            }
        }
    }
}
