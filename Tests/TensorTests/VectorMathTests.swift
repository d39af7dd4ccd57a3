// The eight-lane exp and erf against the C library, over the ranges the softmaxes and GELU see.
import Foundation
import XCTest
@testable import Tensor

final class VectorMathTests: XCTestCase {
    func testExpWithinTwoUlpsOfLibm() {
        var worst: Float = 0
        for i in 0..<20_000 {
            let x = -87 + Float(i) * (175.0 / 20_000)
            let got = vexp(Float8(repeating: x))[3], want = expf(x)
            worst = max(worst, abs(got - want) / want.ulp)
        }
        XCTAssertLessThanOrEqual(worst, 2, "worst exp error in ulps")
        XCTAssertEqual(vexp(Float8(repeating: 0))[0], 1)
        XCTAssertTrue(vexp(Float8(repeating: -200))[0] >= 0 && vexp(Float8(repeating: 200))[0].isFinite)
    }

    func testErfWithinFiveTenMillionthsOfLibm() {
        var worst: Float = 0
        for i in 0..<20_000 {
            let x = -6 + Float(i) * (12.0 / 20_000)
            worst = max(worst, abs(verf(Float8(repeating: x))[5] - erff(x)))
        }
        XCTAssertLessThanOrEqual(worst, 5e-7)   // the rational form's 6.5e-8 plus float rounding in evaluating it
        XCTAssertEqual(verf(Float8(repeating: 0))[0], 0, accuracy: 1e-7)
    }

    func testGELUAndSoftmaxVectorAndScalarTailsAgree() {
        // 19 values: two 8-lane blocks and a 3-value scalar tail, which must follow the same curve.
        let xs = (0..<19).map { Float($0) * 0.4 - 3.7 }
        let y = Tensor(shape: [19], data: xs).gelu().data
        for (x, v) in zip(xs, y) { XCTAssertEqual(v, 0.5 * x * (1 + erff(x / Float(2).squareRoot())), accuracy: 2e-6) }
        let p = Tensor(shape: [1, 19], data: xs).softmax().data
        let z = xs.map { expf($0 - xs.max()!) }.reduce(0, +)
        for (x, v) in zip(xs, p) { XCTAssertEqual(v, expf(x - xs.max()!) / z, accuracy: 1e-7) }
    }
}
