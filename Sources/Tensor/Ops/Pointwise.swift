// Elementwise ops: broadcasting add / sub / mul, scalar scale and shift, GELU, ReLU.

public enum BinaryOp: Sendable { case add, sub, mul }

extension Tensor {
    /// Broadcasting binary op (NumPy rules). Gradients are summed over broadcast dimensions.
    public func binary(_ op: BinaryOp, _ other: Tensor) -> Tensor {
        guard let outShape = broadcastShape(shape, other.shape) else {
            preconditionFailure("\(op): shapes \(shape) and \(other.shape) do not broadcast")
        }
        let a = self, b = other
        let sa = broadcastStrides(a.shape, to: outShape), sb = broadcastStrides(b.shape, to: outShape)
        let same = a.shape == b.shape
        let out = Tensor.overwritten(outShape.elementCount) { o in a.data.rp { ap in b.data.rp { bp in
            switch op {
            case .add: if same { for i in 0..<a.count { o[i] = ap[i] + bp[i] } } else { forEachBroadcast(outShape, sa, sb) { o[$0] = ap[$1] + bp[$2] } }
            case .sub: if same { for i in 0..<a.count { o[i] = ap[i] - bp[i] } } else { forEachBroadcast(outShape, sa, sb) { o[$0] = ap[$1] - bp[$2] } }
            case .mul: if same { for i in 0..<a.count { o[i] = ap[i] * bp[i] } } else { forEachBroadcast(outShape, sa, sb) { o[$0] = ap[$1] * bp[$2] } }
            }
        } } }
        return Tensor.result(shape: outShape, data: out, parents: [a, b]) { out in
            guard let g = out.grad else { return }
            Tensor.withGrads([a, b]) { d in g.rp { gp in a.data.rp { ap in b.data.rp { bp in
                let da = d[0], db = d[1]
                switch op {
                case .add: forEachBroadcast(outShape, sa, sb) { da?[$1] += gp[$0]; db?[$2] += gp[$0] }
                case .sub: forEachBroadcast(outShape, sa, sb) { da?[$1] += gp[$0]; db?[$2] -= gp[$0] }
                case .mul: forEachBroadcast(outShape, sa, sb) { da?[$1] += gp[$0] * bp[$2]; db?[$2] += gp[$0] * ap[$1] }
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
