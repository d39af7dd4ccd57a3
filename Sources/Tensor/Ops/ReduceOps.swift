// Reductions and losses.
import Foundation

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

/// Weighted softmax cross-entropy over the last dimension (as CLIPort's pick/place heatmaps): logits (N, C), one
/// class index per row and a weight per row (0 = ignore the row) → Σ wᵢ·(−log softmax(logitsᵢ)[targetᵢ]) / N.
public func crossEntropyLoss(_ logits: Tensor, targets: [Int], weights: [Float]) -> Tensor {
    let c = logits.shape.last ?? 1, n = logits.count / max(c, 1)
    precondition(targets.count == n && weights.count == n, "crossEntropyLoss: \(n) rows but \(targets.count) targets, \(weights.count) weights")
    precondition(targets.allSatisfy { (0..<c).contains($0) }, "crossEntropyLoss: a target is outside 0..<\(c)")
    var prob = [Float](repeating: 0, count: logits.count)
    var total: Double = 0
    prob.wp { pp in logits.data.rp { xp in
        softmax_forward(out: pp, x: xp, n: n, c: c)
        for i in 0..<n where weights[i] != 0 { total -= Double(weights[i]) * log(Double(max(pp[i * c + targets[i]], 1e-30))) }
    } }
    return Tensor.result(shape: [], data: [Float(total / Double(max(n, 1)))], parents: [logits]) { out in
        guard let g = out.grad?.first else { return }
        let k = g / Float(max(n, 1))
        logits.gradPointer { dx in prob.rp { pp in
            for i in 0..<n where weights[i] != 0 {
                let w = k * weights[i]
                for j in 0..<c { dx[i * c + j] += w * (pp[i * c + j] - (j == targets[i] ? 1 : 0)) }
            }
        } }
    }
}
