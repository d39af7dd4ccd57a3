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
                    let g = gp + o
                    if let da = d[0].map({ $0 + oa }) {
                        switch (op, ia) {
                        case (.mul, 0): da[0] += ib == 1 ? vdot(g, bp + ob, n) : (0..<n).reduce(0) { $0 + g[$1] * bp[ob + $1 * ib] }
                        case (.mul, 1) where ib == 1: let bq = bp + ob; for j in 0..<n { da[j] += g[j] * bq[j] }
                        case (.mul, 1) where ib == 0: let v = bp[ob]; for j in 0..<n { da[j] += g[j] * v }
                        case (.mul, _): for j in 0..<n { da[j * ia] += g[j] * bp[ob + j * ib] }
                        case (_, 0): da[0] += vsum(g, n)
                        case (_, 1): for j in 0..<n { da[j] += g[j] }
                        default: for j in 0..<n { da[j * ia] += g[j] }
                        }
                    }
                    if let db = d[1].map({ $0 + ob }) {
                        switch (op, ib) {
                        case (.mul, 0): db[0] += ia == 1 ? vdot(g, ap + oa, n) : (0..<n).reduce(0) { $0 + g[$1] * ap[oa + $1 * ia] }
                        case (.mul, 1) where ia == 1: let aq = ap + oa; for j in 0..<n { db[j] += g[j] * aq[j] }
                        case (.mul, 1) where ia == 0: let v = ap[oa]; for j in 0..<n { db[j] += g[j] * v }
                        case (.mul, _): for j in 0..<n { db[j * ib] += g[j] * ap[oa + j * ia] }
                        case (_, 0): db[0] += sign * vsum(g, n)
                        case (_, 1): for j in 0..<n { db[j] += sign * g[j] }
                        default: for j in 0..<n { db[j * ib] += sign * g[j] }
                        }
                    }
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
