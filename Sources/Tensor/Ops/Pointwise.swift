// Elementwise ops: broadcasting add / sub / mul, scalar scale and shift, GELU, ReLU.

public enum BinaryOp: Sendable { case add, sub, mul }

extension Tensor {
    /// Broadcasting binary op (NumPy rules). Gradients are summed over broadcast dimensions.
    public func binary(_ op: BinaryOp, _ other: Tensor) -> Tensor {
        guard let outShape = broadcastShape(shape, other.shape) else {
            preconditionFailure("\(op): shapes \(shape) and \(other.shape) do not broadcast")
        }
        let a = self, b = other
        let rows = BroadcastRows(outShape, broadcastStrides(a.shape, to: outShape), broadcastStrides(b.shape, to: outShape))
        let n = rows.inner, ia = rows.ia, ib = rows.ib
        let out = Tensor.overwritten(outShape.elementCount) { o in a.data.rp { ap in b.data.rp { bp in
            switch op {
            case .add: rows.forEachRow { broadcastRow(o + $0, ap + $1, ia, bp + $2, ib, n, +) }
            case .sub: rows.forEachRow { broadcastRow(o + $0, ap + $1, ia, bp + $2, ib, n, -) }
            case .mul: rows.forEachRow { broadcastRow(o + $0, ap + $1, ia, bp + $2, ib, n, *) }
            }
        } } }
        return Tensor.result(shape: outShape, data: out, parents: [a, b]) { out in
            guard let g = out.grad else { return }
            Tensor.withGrads([a, b]) { d in g.rp { gp in a.data.rp { ap in b.data.rp { bp in
                // d(a ∘ b)/da and /db per row; an operand broadcast along the row (stride 0) gets the row's sum.
                let sign: Float = op == .sub ? -1 : 1
                rows.forEachRow { o, oa, ob in
                    let g = gp + o, mul = op == .mul
                    if let da = d[0] { accumulateRowGrad(da + oa, ia, g, n, times: mul ? bp + ob : nil, ib, sign: 1) }
                    if let db = d[1] { accumulateRowGrad(db + ob, ib, g, n, times: mul ? ap + oa : nil, ia, sign: sign) }
                }
            } } } }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.binary(.add, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.binary(.sub, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.binary(.mul, b) }

    /// y = x · s + t, elementwise with scalars.
    public func affine(scale s: Float, shift t: Float = 0) -> Tensor {
        let x = self
        let out = Tensor.overwritten(count) { o in x.data.rp { xp in for i in 0..<x.count { o[i] = xp[i] * s + t } } }
        return Tensor.result(shape: shape, data: out, parents: [x]) { out in
            guard let g = out.grad else { return }
            x.gradPointer { dx in g.rp { gp in for i in 0..<x.count { dx[i] += gp[i] * s } } }
        }
    }
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s) }
    public static func + (a: Tensor, t: Float) -> Tensor { a.affine(scale: 1, shift: t) }

    /// GELU, exact erf form (as BERT): x · Φ(x).
    public func gelu() -> Tensor {
        let x = self
        let out = Tensor.overwritten(count) { o in x.data.rp { xp in gelu_forward(out: o, x: xp, n: x.count) } }
        return Tensor.result(shape: shape, data: out, parents: [x]) { out in
            guard let g = out.grad else { return }
            x.gradPointer { dx in g.rp { gp in x.data.rp { xp in gelu_backward(dx: dx, dout: gp, x: xp, n: x.count) } } }
        }
    }

    /// ReLU: max(x, 0).
    public func relu() -> Tensor {
        let x = self
        let out = Tensor.overwritten(count) { o in x.data.rp { xp in relu_forward(out: o, x: xp, n: x.count) } }
        return Tensor.result(shape: shape, data: out, parents: [x]) { out in
            guard let g = out.grad else { return }
            x.gradPointer { dx in g.rp { gp in x.data.rp { xp in relu_backward(dx: dx, dout: gp, x: xp, n: x.count) } } }
        }
    }
}

/// One row of a broadcast op's backward for one operand: d[j·id] += sign · g[j] · (other[j·io] or 1), j < n.
/// An operand broadcast along the row (id = 0) gets the row's sum; the contiguous cases are plain loops.
@inline(__always)
private func accumulateRowGrad(_ d: UnsafeMutablePointer<Float>, _ id: Int, _ g: UnsafePointer<Float>, _ n: Int,
                               times other: UnsafePointer<Float>?, _ io: Int, sign: Float) {
    if let other {
        switch (id, io) {
        case (0, 1): d[0] += vdot(g, other, n)
        case (0, _): d[0] += (0..<n).reduce(0) { $0 + g[$1] * other[$1 * io] }
        case (1, 1): for j in 0..<n { d[j] += g[j] * other[j] }
        case (1, 0): let v = other[0]; for j in 0..<n { d[j] += g[j] * v }
        default: for j in 0..<n { d[j * id] += g[j] * other[j * io] }
        }
    } else {
        switch id {
        case 0: d[0] += sign * vsum(g, n)
        case 1: for j in 0..<n { d[j] += sign * g[j] }
        default: for j in 0..<n { d[j * id] += sign * g[j] }
        }
    }
}
