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
        for (h, w, k, s, p) in [(5, 5, 3, 1, 1), (7, 4, 3, 3, 2), (6, 6, 5, 2, 2), (4, 9, 1, 2, 0), (3, 3, 3, 1, 2), (8, 5, 4, 3, 1)] {
            let x = randomTensor([2, 2, h, w], &rng), wt = randomTensor([3, 2, k, k], &rng)
            let y = withNoGrad { x.conv2d(weight: wt, stride: s, padding: p) }
            let ref = directConv(x, wt, stride: s, pad: p)
            XCTAssertEqual(y.count, ref.count, "\(h)x\(w) k\(k) s\(s) p\(p)")
            for (a, r) in zip(y.data, ref) { XCTAssertEqual(Double(a), r, accuracy: 1e-4, "\(h)x\(w) k\(k) s\(s) p\(p)") }
        }
    }

    func testBackwardSameForKeptOrRebuiltColumnsAndAnyChunking() {
        var rng = TestRNG(seed: 6)
        let g = ConvGeometry(c: 2, h: 7, w: 6, kh: 3, kw: 3, stride: 2, padding: 1)
        let (b, oc) = (3, 4)
        let x = randomTensor([b, 2, 7, 6], &rng), w = randomTensor([oc, 2, 3, 3], &rng), dout = randomTensor([b, oc, g.oh, g.ow], &rng)
        // Forward keeping columns, two images per sgemm (so the last chunk is partial).
        var kept = [Float](repeating: 0, count: b * g.ckk * g.l), out = [Float](repeating: 0, count: b * oc * g.l)
        var tmp = [Float](repeating: 0, count: oc * g.l * 2)
        out.wp { o in kept.wp { c in tmp.wp { t in x.data.rp { xp in w.data.rp { wp in
            conv2d_forward(o, xp, wp, nil, b: b, oc: oc, g, nb: 2, cols: c, tmp: t, keepColumns: true)
        } } } } }
        func backward(nb: Int, useSaved: Bool) -> (dw: [Float], dx: [Float]) {
            var dw = [Float](repeating: 0, count: w.count), dx = [Float](repeating: 0, count: x.count)
            var cols = [Float](repeating: 0, count: g.ckk * g.l * nb), dcols = cols, dO = [Float](repeating: 0, count: oc * g.l * nb)
            x.data.rp { xp in w.data.rp { wp in dout.data.rp { dp in kept.rp { kp in
                cols.wp { cp in dcols.wp { dcp in dO.wp { dop in dw.wp { dwp in dx.wp { dxp in
                    conv2d_backward(dx: dxp, dweight: dwp, dbias: nil, dout: dp, x: xp, weight: wp, b: b, oc: oc, g, nb: nb,
                                    cols: cp, dcols: dcp, dO: dop, saved: useSaved ? kp : nil)
                } } } } }
            } } } }
            return (dw, dx)
        }
        let reference = backward(nb: 2, useSaved: true)
        XCTAssertTrue(reference.dw.contains { $0 != 0 } && reference.dx.contains { $0 != 0 })
        for nb in [1, 2, 3] {
            let r = backward(nb: nb, useSaved: false)
            for (a, e) in zip(r.dw, reference.dw) { XCTAssertEqual(a, e, accuracy: 1e-5, "dw, nb \(nb)") }
            for (a, e) in zip(r.dx, reference.dx) { XCTAssertEqual(a, e, accuracy: 1e-5, "dx, nb \(nb)") }
        }
    }
}
