// LayerNorm and softmax over the last dimension.

extension Tensor {
    /// LayerNorm over the last dimension. self: (…, C), weight/bias: (C) → (…, C).
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
        let c = shape.last ?? 1, n = count / max(c, 1)
        if let weight { precondition(weight.shape == [c], "layerNorm: weight \(weight.shape) should be [\(c)]") }
        if let bias { precondition(bias.shape == [c], "layerNorm: bias \(bias.shape) should be [\(c)]") }
        let x = self
        var mean = [Float](repeating: 0, count: n), rstd = [Float](repeating: 0, count: n)
        let out = Tensor.overwritten(count) { o in mean.wp { mp in rstd.wp { rp in x.data.rp { xp in
            weight?.data.rp { wp in bias?.data.rp { bp in
                layernorm_forward(out: o, mean: mp, rstd: rp, x: xp, weight: wp, bias: bp, n: n, c: c, eps: eps)
            } ?? layernorm_forward(out: o, mean: mp, rstd: rp, x: xp, weight: wp, bias: nil, n: n, c: c, eps: eps) }
            ?? layernorm_forward(out: o, mean: mp, rstd: rp, x: xp, weight: nil, bias: nil, n: n, c: c, eps: eps)
        } } } }
        let parents = [x] + [weight, bias].compactMap { $0 }
        return Tensor.result(shape: shape, data: out, parents: parents) { out in
            guard let g = out.grad else { return }
            Tensor.withGrads([x, weight, bias]) { d in
                g.rp { gp in x.data.rp { xp in mean.rp { mp in rstd.rp { rp in (weight?.data).rp { wp in
                    layernorm_backward(dx: d[0], dweight: d[1], dbias: d[2], dout: gp, x: xp, weight: wp, mean: mp, rstd: rp, n: n, c: c)
                } } } } }
            }
        }
    }

    /// Softmax over the last dimension. self: (…, C) → (…, C).
    public func softmax() -> Tensor {
        let c = shape.last ?? 1, n = count / max(c, 1)
        let x = self
        let y = Tensor.overwritten(count) { o in x.data.rp { xp in softmax_forward(out: o, x: xp, n: n, c: c) } }
        return Tensor.result(shape: shape, data: y, parents: [x]) { out in
            guard let g = out.grad else { return }
            x.gradPointer { dx in g.rp { gp in out.data.rp { yp in softmax_backward(dx: dx, dout: gp, y: yp, n: n, c: c) } } }
        }
    }
}
