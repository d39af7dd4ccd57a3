// Reductions and losses.

extension Tensor {
    /// Sum of all elements → scalar.
    public func sum() -> Tensor {
        let x = self
        var s: Double = 0
        x.data.rp { xp in for i in 0..<x.count { s += Double(xp[i]) } }
        return Tensor.result(shape: [], data: [Float(s)], parents: [x]) { out in
            guard let g = out.grad?.first else { return }
            x.gradPointer { dx in for i in 0..<x.count { dx[i] += g } }
        }
    }

    /// Mean of all elements → scalar.
    public func mean() -> Tensor { sum() * (1 / Float(max(count, 1))) }

    /// Sum over one axis, which is removed. (…, A, …) → (…, …).
    public func sum(axis: Int) -> Tensor {
        precondition(axis >= 0 && axis < rank, "sum: axis \(axis) out of range for \(shape)")
        let outer = shape[..<axis].reduce(1, *), a = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape; outShape.remove(at: axis)
        let x = self
        let out = Tensor.filled(outer * inner) { o in x.data.rp { xp in
            for i in 0..<outer { for k in 0..<a { let row = xp + (i * a + k) * inner; for j in 0..<inner { o[i * inner + j] += row[j] } } }
        } }
        return Tensor.result(shape: outShape, data: out, parents: [x]) { out in
            guard let g = out.grad else { return }
            x.gradPointer { dx in g.rp { gp in
                for i in 0..<outer { for k in 0..<a { let row = dx + (i * a + k) * inner; for j in 0..<inner { row[j] += gp[i * inner + j] } } }
            } }
        }
    }

    /// Mean over one axis, which is removed (e.g. global average pooling: (B, C, H·W) mean axis 2 → (B, C)).
    public func mean(axis: Int) -> Tensor { sum(axis: axis) * (1 / Float(max(shape[axis], 1))) }

    /// Global average pooling. (B, C, H, W) → (B, C).
    public func globalAvgPool2d() -> Tensor {
        precondition(rank == 4, "globalAvgPool2d: expected (B, C, H, W), got \(shape)")
        return reshaped([shape[0], shape[1], shape[2] * shape[3]]).mean(axis: 2)
    }
}

/// Mean absolute error (as ACT's action-chunk loss): mean |pred − target| → scalar.
public func l1Loss(_ pred: Tensor, _ target: Tensor) -> Tensor {
    precondition(pred.shape == target.shape, "l1Loss: pred \(pred.shape) vs target \(target.shape)")
    let n = pred.count
    var s: Double = 0
    pred.data.rp { p in target.data.rp { t in for i in 0..<n { s += Double(abs(p[i] - t[i])) } } }
    return Tensor.result(shape: [], data: [Float(s / Double(max(n, 1)))], parents: [pred, target]) { out in
        guard let g = out.grad?.first else { return }
        let k = g / Float(max(n, 1))
        Tensor.withGrads([pred, target]) { d in pred.data.rp { p in target.data.rp { t in
            for i in 0..<n {
                let diff = p[i] - t[i]
                let sgn: Float = diff > 0 ? 1 : (diff < 0 ? -1 : 0)
                d[0]?[i] += k * sgn; d[1]?[i] -= k * sgn
            }
        } } }
    }
}

/// Mean squared error: mean (pred − target)² → scalar.
public func mseLoss(_ pred: Tensor, _ target: Tensor) -> Tensor {
    precondition(pred.shape == target.shape, "mseLoss: pred \(pred.shape) vs target \(target.shape)")
    let diff = pred - target
    return (diff * diff).mean()
}
