// Max pooling, spatial softmax (keypoints), and embedding lookup.
import Foundation

extension Tensor {
    /// Max pooling over windows. (B, C, H, W) → (B, C, OH, OW), OH = (H − kernel) / stride + 1.
    public func maxPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
        let s = stride ?? kernel
        precondition(rank == 4 && kernel >= 1 && s >= 1 && shape[2] >= kernel && shape[3] >= kernel,
                     "maxPool2d: input \(shape) vs kernel \(kernel), stride \(s)")
        let bc = shape[0] * shape[1], h = shape[2], w = shape[3]
        let oh = (h - kernel) / s + 1, ow = (w - kernel) / s + 1
        var argmax = [Int](repeating: 0, count: bc * oh * ow)
        let x = self
        let out = Tensor.filled(bc * oh * ow) { o in x.data.rp { xp in
            for p in 0..<bc { for oy in 0..<oh { for ox in 0..<ow {
                var best = -Float.infinity, at = p * h * w + oy * s * w + ox * s
                for ky in 0..<kernel { for kx in 0..<kernel {
                    let i = p * h * w + (oy * s + ky) * w + ox * s + kx
                    if xp[i] > best { best = xp[i]; at = i }
                } }
                let oi = (p * oh + oy) * ow + ox
                o[oi] = best; argmax[oi] = at
            } } }
        } }
        return Tensor.result(shape: [shape[0], shape[1], oh, ow], data: out, parents: [x]) { out in
            guard let g = out.grad else { return }
            x.gradPointer { dx in g.rp { gp in for i in 0..<argmax.count { dx[argmax[i]] += gp[i] } } }
        }
    }

    /// Spatial softmax (Levine et al.): a softmax over each channel's H·W positions, then the expected
    /// image coordinates in [−1, 1]. (B, C, H, W) → (B, C, 2) as (x, y) per channel.
    public func spatialSoftmax() -> Tensor {
        precondition(rank == 4, "spatialSoftmax: expected (B, C, H, W), got \(shape)")
        let bc = shape[0] * shape[1], h = shape[2], w = shape[3], hw = h * w
        let xs = (0..<w).map { w > 1 ? -1 + 2 * Float($0) / Float(w - 1) : 0 }
        let ys = (0..<h).map { h > 1 ? -1 + 2 * Float($0) / Float(h - 1) : 0 }
        var prob = [Float](repeating: 0, count: count)
        let x = self
        // Maps are independent: split over the kernel threads (each writes its own rows of prob and out).
        let parts = KernelThreads.parts
        let out = Tensor.filled(bc * 2) { o in prob.wp { pp in x.data.rp { xp in xs.rp { xsp in
            parallelParts(bc, parts: parts) { _, maps in
                softmax_forward(out: pp + maps.lowerBound * hw, x: xp + maps.lowerBound * hw, n: maps.count, c: hw)
                for p in maps {
                    var ex: Float = 0, ey: Float = 0
                    for i in 0..<h { for j in 0..<w { let v = pp[p * hw + i * w + j]; ex += v * xsp[j]; ey += v * ys[i] } }
                    o[2 * p] = ex; o[2 * p + 1] = ey
                }
            }
        } } } }
        return Tensor.result(shape: [shape[0], shape[1], 2], data: out, parents: [x]) { out in
            guard let g = out.grad else { return }
            // d logit_ij = p_ij · (gx · (x_j − E[x]) + gy · (y_i − E[y]))
            x.gradPointer { dx in g.rp { gp in prob.rp { pp in out.data.rp { op in xs.rp { xsp in parallelParts(bc, parts: parts) { _, maps in
                for p in maps {
                    let gx = gp[2 * p], gy = gp[2 * p + 1], ex = op[2 * p], ey = op[2 * p + 1]
                    for i in 0..<h { for j in 0..<w {
                        let k = p * hw + i * w + j
                        dx[k] += pp[k] * (gx * (xsp[j] - ex) + gy * (ys[i] - ey))
                    } }
                }
            } } } } } }
        }
    }

    /// Rows of `table` (V, C) picked by `ids` (any shape, values in 0..<V) → (ids.shape…, C).
    /// Ids out of range are a caller bug (tokenizers and datasets validate theirs first).
    public static func embedding(ids: [Int], shape idShape: [Int], table: Tensor) -> Tensor {
        precondition(table.rank == 2 && idShape.elementCount == ids.count, "embedding: ids \(idShape) / table \(table.shape)")
        let v = table.shape[0], c = table.shape[1]
        precondition(ids.allSatisfy { $0 >= 0 && $0 < v }, "embedding: id out of range 0..<\(v)")
        let out = Tensor.filled(ids.count * c) { o in table.data.rp { tp in
            for (i, id) in ids.enumerated() { (o + i * c).update(from: tp + id * c, count: c) }
        } }
        return Tensor.result(shape: idShape + [c], data: out, parents: [table]) { out in
            guard let g = out.grad else { return }
            table.gradPointer { dt in g.rp { gp in
                for (i, id) in ids.enumerated() { for j in 0..<c { dt[id * c + j] += gp[i * c + j] } }
            } }
        }
    }
}
