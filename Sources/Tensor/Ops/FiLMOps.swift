// FiLM conditioning fused with its ReLU (Perez et al.; RT-1's image tokenizer): y = max(0, x · (1 + γ) + β)
// with γ, β per (batch, channel). As separate ops this was a multiply, an add and a ReLU over every conv
// activation, each with its own output and gradient buffer; fused it reads x once forward and once backward.

extension Tensor {
    /// y = relu(x · (1 + γ) + β). self: (B, C, …); film: (B, 2C) holding γ (first C) then β (last C) →
    /// (B, C, …). Same values as `(x * (γ + 1) + β).relu()` with γ, β reshaped to (B, C, 1, …).
    public func filmReLU(_ film: Tensor) -> Tensor {
        precondition(rank >= 2 && film.shape == [shape[0], 2 * shape[1]],
                     "filmReLU: film \(film.shape) should be [\(shape[0]), \(rank >= 2 ? 2 * shape[1] : 0)] for features \(shape)")
        let b = shape[0], c = shape[1], hw = count / max(b * c, 1)
        let x = self
        let parts = KernelThreads.parts
        let out = Tensor.overwritten(count) { o in x.data.rp { xp in film.data.rp { fp in
            parallelParts(b, parts: parts) { _, samples in for i in samples { for k in 0..<c {
                let scale = fp[i * 2 * c + k] + 1, shift = fp[i * 2 * c + c + k]
                let row = (i * c + k) * hw, xr = xp + row, orow = o + row
                for j in 0..<hw { let v = xr[j] * scale + shift; orow[j] = v > 0 ? v : 0 }
            } } }
        } } }
        return Tensor.result(shape: shape, data: out, parents: [x, film]) { out in
            guard let g = out.grad else { return }
            // The features' gradient usually arrives here first (this op is their only reader): then it is
            // written rather than added, into a buffer that is never zero-filled.
            let freshX = x.requiresGrad && x.grad == nil && x !== film
            if freshX { x.grad = scratchFloats(x.count) }
            Tensor.withGrads([x, film]) { d in g.rp { gp in x.data.rp { xp in film.data.rp { fp in out.data.rp { yp in
                // Samples split over the kernel threads: each writes only its own rows of dx and dfilm.
                parallelParts(b, parts: parts) { _, samples in
                    let mg = UnsafeMutablePointer<Float>.allocate(capacity: max(hw, 1))
                    defer { mg.deallocate() }
                    for i in samples { for k in 0..<c {
                        let row = (i * c + k) * hw, gr = gp + row, yr = yp + row
                        // The gradient through the ReLU: zero where the output was clipped (y = 0 ⇔ pre-activation ≤ 0).
                        for j in 0..<hw { let gv = gr[j]; mg[j] = yr[j] > 0 ? gv : 0 }  // unconditional load: vectorises
                        if let dx = d[0] {
                            let scale = fp[i * 2 * c + k] + 1, dr = dx + row
                            if freshX { for j in 0..<hw { dr[j] = mg[j] * scale } } else { for j in 0..<hw { dr[j] += mg[j] * scale } }
                        }
                        if let df = d[1] {
                            df[i * 2 * c + k] += vdot(mg, xp + row, hw)
                            df[i * 2 * c + c + k] += vsum(mg, hw)
                        }
                    } }
                }
            } } } } }
        }
    }
}
