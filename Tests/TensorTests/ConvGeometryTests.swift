// im2col edge cases: strides and paddings where windows hang over the border, against a direct convolution,
// and backward with rebuilt columns equal to backward with the forward's kept columns.
import XCTest
@testable import Tensor

final class ConvGeometryTests: XCTestCase {
    func directConv(_ x: Tensor, _ w: Tensor, stride s: Int, pad p: Int) -> [Double] {
        let (b, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oc, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1
        var out: [Double] = []
        for n in 0..<b { for o in 0..<oc { for i in 0..<oh { for j in 0..<ow {
            var acc = 0.0
            for ch in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
                let iy = i * s - p + ki, ix = j * s - p + kj
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                acc += Double(x.data[((n * c + ch) * h + iy) * wd + ix]) * Double(w.data[((o * c + ch) * kh + ki) * kw + kj])
            } } }
            out.append(acc)
        } } } }
        return out
    }

    func testManyGeometriesMatchDirectConvolution() {
        var rng = TestRNG(seed: 5)
        for (h, w, k, s, p) in [(5, 5, 3, 1, 1), (7, 4, 3, 3, 2), (6, 6, 5, 2, 2), (4, 9, 1, 2, 0), (3, 3, 3, 1, 2), (8, 5, 4, 3, 1),
                                     (5, 23, 3, 2, 1), (4, 21, 5, 2, 2), (3, 19, 3, 1, 1), (5, 7, 1, 1, 0)] {
            let x = randomTensor([2, 2, h, w], &rng), wt = randomTensor([3, 2, k, k], &rng)
            let y = withNoGrad { x.conv2d(weight: wt, stride: s, padding: p) }
            let ref = directConv(x, wt, stride: s, pad: p)
            XCTAssertEqual(y.count, ref.count, "\(h)x\(w) k\(k) s\(s) p\(p)")
            for (a, r) in zip(y.data, ref) { XCTAssertEqual(Double(a), r, accuracy: 1e-4, "\(h)x\(w) k\(k) s\(s) p\(p)") }
        }
    }

    func testLayerSizedConvWithSplitProductsMatchesDirectSums() {
        // 16→32 channels, k3 s2 on 36×48 (the policy's second layer): big enough that forward, dW and dX run as
        // several small-kernel sgemm blocks. Checked against plain sums in Double.
        var rng = TestRNG(seed: 8)
        let (c, h, w, oc, k, s, p) = (16, 36, 48, 32, 3, 2, 1)
        let x = randomTensor([1, c, h, w], &rng), wt = randomTensor([oc, c, k, k], &rng)
        let g = ConvGeometry(c: c, h: h, w: w, kh: k, kw: k, stride: s, padding: p)
        XCTAssertGreaterThan(smallKernelBlocks(length: g.l, other: oc * g.ckk), 1, "the test must exercise split products")
        let y = x.conv2d(weight: wt, stride: s, padding: p)
        for (a, r) in zip(y.data, directConv(x, wt, stride: s, pad: p)) { XCTAssertEqual(Double(a), r, accuracy: 1e-4) }
        let dout = randomTensor(y.shape, &rng)
        (y * dout).sum().backward()
        var dw = [Double](repeating: 0, count: wt.count), dx = [Double](repeating: 0, count: x.count)
        for o in 0..<oc { for oy in 0..<g.oh { for ox in 0..<g.ow {
            let d = Double(dout.data[(o * g.oh + oy) * g.ow + ox])
            for ch in 0..<c { for ki in 0..<k { for kj in 0..<k {
                let iy = oy * s - p + ki, ix = ox * s - p + kj
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                let xi = (ch * h + iy) * w + ix, wi = ((o * c + ch) * k + ki) * k + kj
                dw[wi] += d * Double(x.data[xi]); dx[xi] += d * Double(wt.data[wi])
            } } }
        } } }
        for (a, r) in zip(wt.grad!, dw) { XCTAssertEqual(Double(a), r, accuracy: 1e-3) }
        for (a, r) in zip(x.grad!, dx) { XCTAssertEqual(Double(a), r, accuracy: 1e-4) }
    }

    func testTrainingStepsAreDeterministicWithTwoKernelThreads() {
        // conv → FiLM+ReLU → spatial softmax → linear, a few Adam steps; twice with the batch split over 2 threads
        // (bit-identical), and within rounding of the 1-thread run.
        func train(threads: Int) -> [Float] { withKernelThreads(threads) {
            var rng = TestRNG(seed: 9)
            let img = randomTensor([6, 3, 9, 11], &rng), w = randomTensor([4, 3, 3, 3], &rng), bias = randomTensor([4], &rng)
            let text = randomTensor([6, 5], &rng), film = randomTensor([8, 5], &rng), head = randomTensor([3, 8], &rng)
            let target = randomTensor([6, 3], &rng)
            img.requiresGrad = false; text.requiresGrad = false; target.requiresGrad = false
            let opt = Adam.adamW([w, bias, film, head], lr: 1e-2)
            for _ in 0..<4 {
                opt.zeroGrad()
                let f = img.conv2d(weight: w, bias: bias, stride: 2, padding: 1).filmReLU(text.linear(weight: film))
                l1Loss(f.spatialSoftmax().reshaped([6, 8]).linear(weight: head), target).backward()
                opt.update()
            }
            return w.data + bias.data + film.data + head.data
        } }
        let two = train(threads: 2)
        XCTAssertEqual(two, train(threads: 2))
        for (a, e) in zip(two, train(threads: 1)) { XCTAssertEqual(a, e, accuracy: 1e-4) }
    }

    func testSameResultsForKeptOrRebuiltColumnsAnyChunkingAndThreadSplit() {
        var rng = TestRNG(seed: 6)
        let g = ConvGeometry(c: 2, h: 7, w: 6, kh: 3, kw: 3, stride: 2, padding: 1)
        let (b, oc) = (5, 4)
        let x = randomTensor([b, 2, 7, 6], &rng), w = randomTensor([oc, 2, 3, 3], &rng), bias = randomTensor([oc], &rng)
        let dout = randomTensor([b, oc, g.oh, g.ow], &rng)
        func forward(_ plan: ConvPlan, keep: Bool) -> (out: [Float], kept: [Float]) {
            var kept = [Float](repeating: 0, count: keep ? b * g.ckk * g.l : 0), out = [Float](repeating: 0, count: b * oc * g.l)
            out.wp { o in kept.wp { c in x.data.rp { xp in w.data.rp { wp in bias.data.rp { bp in
                conv2d_forward(o, xp, wp, bp, b: b, oc: oc, g, plan: plan, kept: keep ? c : nil)
            } } } } }
            return (out, kept)
        }
        func backward(_ plan: ConvPlan, saved: [Float]?) -> (dw: [Float], db: [Float], dx: [Float]) {
            var dw = [Float](repeating: 0, count: w.count), db = [Float](repeating: 0, count: oc), dx = [Float](repeating: 0, count: x.count)
            x.data.rp { xp in w.data.rp { wp in dout.data.rp { dp in (saved ?? []).rp { sp in
                dw.wp { dwp in db.wp { dbp in dx.wp { dxp in
                    conv2d_backward(dx: dxp, dweight: dwp, dbias: dbp, dout: dp, x: xp, weight: wp, b: b, oc: oc, g, plan: plan,
                                    saved: saved == nil ? nil : sp)
                } } }
            } } } }
            return (dw, db, dx)
        }
        // Reference: one part, two images per sgemm (so the last chunk is partial), columns kept.
        let refPlan = ConvPlan(parts: 1, nb: 2)
        let (refOut, kept) = forward(refPlan, keep: true)
        let reference = backward(refPlan, saved: kept)
        XCTAssertTrue(reference.dw.contains { $0 != 0 } && reference.dx.contains { $0 != 0 } && reference.db.contains { $0 != 0 })
        for parts in [1, 2, 3] {
            for nb in [1, 2, 3] {
                let plan = ConvPlan(parts: parts, nb: nb), label = "parts \(parts), nb \(nb)"
                let (out, keptHere) = forward(plan, keep: true)
                for (a, e) in zip(out, refOut) { XCTAssertEqual(a, e, accuracy: 1e-5, "out, \(label)") }
                for r in [backward(plan, saved: nil), backward(plan, saved: keptHere)] {
                    for (a, e) in zip(r.dw, reference.dw) { XCTAssertEqual(a, e, accuracy: 1e-5, "dw, \(label)") }
                    for (a, e) in zip(r.db, reference.db) { XCTAssertEqual(a, e, accuracy: 1e-5, "db, \(label)") }
                    for (a, e) in zip(r.dx, reference.dx) { XCTAssertEqual(a, e, accuracy: 1e-5, "dx, \(label)") }
                }
            }
        }
    }
}
