// Concatenation, slicing and axis permutation (copies: tensors are always contiguous).

extension Tensor {
    /// Joins tensors along `axis`; all other dimensions must match. [(…, Aᵢ, …)] → (…, ΣAᵢ, …).
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat: no tensors")
        let r = parts[0].rank
        precondition(axis >= 0 && axis < r, "concat: axis \(axis) out of range for rank \(r)")
        for p in parts {
            precondition(p.rank == r && (0..<r).allSatisfy { $0 == axis || p.shape[$0] == parts[0].shape[$0] },
                         "concat: shape \(p.shape) does not match \(parts[0].shape) outside axis \(axis)")
        }
        let outer = parts[0].shape[..<axis].reduce(1, *)
        let inner = parts[0].shape[(axis + 1)...].reduce(1, *)
        let widths = parts.map { $0.shape[axis] * inner }
        let total = widths.reduce(0, +)
        var outShape = parts[0].shape; outShape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        var out = [Float](repeating: 0, count: outer * total)
        out.wp { o in
            var col = 0
            for (p, w) in zip(parts, widths) {
                p.data.rp { pp in for i in 0..<outer { (o + i * total + col).update(from: pp + i * w, count: w) } }
                col += w
            }
        }
        return Tensor.result(shape: outShape, data: out, parents: parts) { out in
            guard let g = out.grad else { return }
            g.rp { gp in
                var col = 0
                for (p, w) in zip(parts, widths) {
                    p.gradPointer { dp in for i in 0..<outer { for j in 0..<w { dp[i * w + j] += gp[i * total + col + j] } } }
                    col += w
                }
            }
        }
    }

    /// The sub-range `range` of `axis`. (…, A, …) → (…, range.count, …).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        precondition(axis >= 0 && axis < rank && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice: \(range) out of bounds for axis \(axis) of \(shape)")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let full = shape[axis] * inner, w = range.count * inner, start = range.lowerBound * inner
        var outShape = shape; outShape[axis] = range.count
        let x = self
        let out = Tensor.filled(outer * w) { o in x.data.rp { xp in
            for i in 0..<outer { (o + i * w).update(from: xp + i * full + start, count: w) }
        } }
        return Tensor.result(shape: outShape, data: out, parents: [x]) { out in
            guard let g = out.grad else { return }
            x.gradPointer { dx in g.rp { gp in for i in 0..<outer { for j in 0..<w { dx[i * full + start + j] += gp[i * w + j] } } } }
        }
    }

    /// Reorders axes: result dimension i is input dimension `order[i]` (e.g. NCHW → NHWC is [0, 2, 3, 1]).
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permuted: \(order) is not a permutation of 0..<\(rank)")
        let outShape = order.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        // Strides of the input, listed in output-axis order: walking the output row-major reads these.
        let src = order.map { inStrides[$0] }
        let zero = [Int](repeating: 0, count: rank)
        let x = self
        let out = Tensor.filled(count) { o in x.data.rp { xp in
            forEachBroadcast(outShape, src, zero) { oi, xi, _ in o[oi] = xp[xi] }
        } }
        return Tensor.result(shape: outShape, data: out, parents: [x]) { out in
            guard let g = out.grad else { return }
            x.gradPointer { dx in g.rp { gp in forEachBroadcast(outShape, src, zero) { oi, xi, _ in dx[xi] += gp[oi] } } }
        }
    }
}
