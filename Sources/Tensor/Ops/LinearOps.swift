// Matmul, linear and conv2d as differentiable ops.

extension Tensor {
    /// Matrix product. self: (M, K), other: (K, N) → (M, N).
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[0],
                     "matmul: \(shape) · \(other.shape) do not chain")
        let m = shape[0], k = shape[1], n = other.shape[1]
        let a = self, b = other
        let out = Tensor.overwritten(m * n) { o in a.data.rp { ap in b.data.rp { bp in matmul_forward(o, ap, bp, m: m, k: k, n: n) } } }
        return Tensor.result(shape: [m, n], data: out, parents: [a, b]) { out in
            guard let g = out.grad else { return }
            Tensor.withGrads([a, b]) { d in
                g.rp { gp in a.data.rp { ap in b.data.rp { bp in
                    matmul_backward(da: d[0], db: d[1], dout: gp, a: ap, b: bp, m: m, k: k, n: n)
                } } }
            }
        }
    }

    /// Fully connected layer, PyTorch layout. self: (…, C), weight: (OC, C), bias: (OC) → (…, OC).
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(rank >= 1 && weight.rank == 2 && weight.shape[1] == shape[rank - 1],
                     "linear: input \(shape) does not match weight \(weight.shape) (OC, C)")
        let c = shape[rank - 1], oc = weight.shape[0], n = count / max(c, 1)
        if let bias { precondition(bias.shape == [oc], "linear: bias \(bias.shape) should be [\(oc)]") }
        let x = self
        let out = Tensor.overwritten(n * oc) { o in x.data.rp { xp in weight.data.rp { wp in bias?.data.rp { bp in
            linear_forward(o, xp, wp, bp, n: n, c: c, oc: oc)
        } ?? linear_forward(o, xp, wp, nil, n: n, c: c, oc: oc) } } }
        var outShape = shape; outShape[rank - 1] = oc
        return Tensor.result(shape: outShape, data: out, parents: [x, weight] + (bias.map { [$0] } ?? [])) { out in
            guard let g = out.grad else { return }
            Tensor.withGrads([x, weight, bias]) { d in
                g.rp { gp in x.data.rp { xp in weight.data.rp { wp in
                    linear_backward(dinp: d[0], dweight: d[1], dbias: d[2], dout: gp, inp: xp, weight: wp, n: n, c: c, oc: oc)
                } } }
            }
        }
    }

    /// 2-D convolution, NCHW. self: (B, C, H, W), weight: (OC, C, KH, KW), bias: (OC) → (B, OC, OH, OW)
    /// with OH = (H + 2·padding − KH) / stride + 1.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) (B, C, H, W) does not match weight \(weight.shape) (OC, C, KH, KW)")
        precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride) must be ≥ 1, padding \(padding) ≥ 0")
        let b = shape[0], oc = weight.shape[0]
        let g = ConvGeometry(c: shape[1], h: shape[2], w: shape[3], kh: weight.shape[2], kw: weight.shape[3],
                             stride: stride, padding: padding)
        precondition(g.oh >= 1 && g.ow >= 1, "conv2d: kernel \(weight.shape) larger than padded input \(shape)")
        if let bias { precondition(bias.shape == [oc], "conv2d: bias \(bias.shape) should be [\(oc)]") }
        let x = self
        let wantsGrad = GradMode.isEnabled && (x.requiresGrad || weight.requiresGrad || bias?.requiresGrad == true)
        // Chunks of ≤ 128 K floats (512 KB) of columns: im2col's output is still in cache when the sgemm packs
        // it. Measured on the policy's step (1 thread): 4 M floats per chunk 92 ms, 1 M 89 ms, 256 K 85 ms, 64 K 84 ms.
        // A 1×1 conv runs one image per sgemm straight on the input (no column matrix, nothing to keep).
        let plan = g.isPointwise ? ConvPlan(parts: min(KernelThreads.parts, b), nb: 1)
                                 : ConvPlan(batch: b, g, parts: KernelThreads.parts, budget: 128 << 10)
        // Keep every image's column matrix for backward when training and it is not too big (≤ 64 MB);
        // otherwise backward rebuilds them per chunk.
        var kept = wantsGrad && !g.isPointwise && b * g.ckk * g.l <= 16 << 20 ? scratchFloats(b * g.ckk * g.l) : []
        let out = Tensor.overwritten(b * oc * g.l) { o in x.data.rp { xp in weight.data.rp { wp in (bias?.data).rp { bp in
            if kept.isEmpty {
                conv2d_forward(o, xp, wp, bp, b: b, oc: oc, g, plan: plan, kept: nil)
            } else {
                kept.wp { kp in conv2d_forward(o, xp, wp, bp, b: b, oc: oc, g, plan: plan, kept: kp) }
            }
        } } } }
        let saved = kept
        return Tensor.result(shape: [b, oc, g.oh, g.ow], data: out, parents: [x, weight] + (bias.map { [$0] } ?? [])) { out in
            guard let grad = out.grad else { return }
            Tensor.withGrads([x, weight, bias]) { d in
                grad.rp { gp in x.data.rp { xp in weight.data.rp { wp in saved.rp { sp in
                    conv2d_backward(dx: d[0], dweight: d[1], dbias: d[2], dout: gp, x: xp, weight: wp, b: b, oc: oc, g,
                                    plan: plan, saved: g.isPointwise ? xp : saved.isEmpty ? nil : sp)
                } } } }
            }
        }
    }
}

extension Tensor {
    /// Batched matrix product. self: (B, M, K), other: (B, K, N) → (B, M, N) (torch.bmm).
    public func batchedMatmul(_ other: Tensor) -> Tensor {
        precondition(rank == 3 && other.rank == 3 && shape[0] == other.shape[0] && shape[2] == other.shape[1],
                     "batchedMatmul: \(shape) · \(other.shape) do not chain as (B, M, K) · (B, K, N)")
        let nb = shape[0], m = shape[1], k = shape[2], n = other.shape[2]
        let a = self, b = other
        let parts = KernelThreads.parts   // samples split over the kernel threads; each writes only its own
        let out = Tensor.overwritten(nb * m * n) { o in a.data.rp { ap in b.data.rp { bp in parallelParts(nb, parts: parts) { _, samples in
            for i in samples { matmul_forward(o + i * m * n, ap + i * m * k, bp + i * k * n, m: m, k: k, n: n) }
        } } } }
        return Tensor.result(shape: [nb, m, n], data: out, parents: [a, b]) { out in
            guard let g = out.grad else { return }
            Tensor.withGrads([a, b]) { d in g.rp { gp in a.data.rp { ap in b.data.rp { bp in parallelParts(nb, parts: parts) { _, samples in
                for i in samples {
                    matmul_backward(da: d[0].map { $0 + i * m * k }, db: d[1].map { $0 + i * k * n }, dout: gp + i * m * n,
                                    a: ap + i * m * k, b: bp + i * k * n, m: m, k: k, n: n)
                }
            } } } } }
        }
    }
}
