// Adam (Kingma & Ba) and AdamW (Loshchilov & Hutter: weight decay decoupled from the gradient), as in
// PyTorch's torch.optim.Adam / AdamW with bias correction. Parameters without a grad this step are skipped.

/// Adam or AdamW over a fixed list of parameters.
public final class Adam {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float
    /// AdamW decay (decoupled); 0 gives plain Adam.
    public let weightDecay: Float
    /// Plain Adam adds `weightDecay · θ` to the gradient (L2); AdamW shrinks θ directly.
    public let decoupled: Bool
    /// Steps taken so far (for bias correction; saved with checkpoints to resume).
    public private(set) var step = 0
    var m: [[Float]], v: [[Float]]

    /// Adam: L2 weight decay folded into the gradient (PyTorch `Adam(weight_decay=)`), default none.
    public static func adam(_ parameters: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                            eps: Float = 1e-8, weightDecay: Float = 0) -> Adam {
        Adam(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: false)
    }

    /// AdamW: decoupled weight decay (PyTorch `AdamW`, default decay 0.01).
    public static func adamW(_ parameters: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                             eps: Float = 1e-8, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: true)
    }

    init(_ parameters: [Tensor], lr: Float, betas: (Float, Float), eps: Float, weightDecay: Float, decoupled: Bool) {
        self.parameters = parameters
        self.learningRate = lr
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        m = parameters.map { [Float](repeating: 0, count: $0.count) }
        v = m
        for p in parameters { p.requiresGrad = true }
    }

    /// One update from the parameters' current grads.
    public func update() {
        step += 1
        let bc1 = 1 - Float(Double(beta1).power(step)), bc2 = 1 - Float(Double(beta2).power(step))
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = eps, wd = weightDecay, decoupled = decoupled
        let parts = KernelThreads.parts
        for (k, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            let count = p.count   // read before p.data is borrowed mutably below
            m[k].wp { mp in v[k].wp { vp in p.data.wp { θ in g.rp { gp in
                // Elementwise, so large tensors split over the kernel threads without changing any value.
                parallelParts(count, parts: count >= 1 << 15 ? parts : 1) { _, r in
                    let o = r.lowerBound, n = r.count
                    // The decay mode is decided outside the loop so the loop body is branch-free and vectorises.
                    if decoupled {
                        for i in o..<(o + n) { θ[i] -= lr * wd * θ[i] }
                        adamStep(θ + o, mp + o, vp + o, gp + o, n: n, b1: b1, b2: b2, bc1: bc1, bc2: bc2, lr: lr, eps: eps, l2: 0)
                    } else {
                        adamStep(θ + o, mp + o, vp + o, gp + o, n: n, b1: b1, b2: b2, bc1: bc1, bc2: bc2, lr: lr, eps: eps, l2: wd)
                    }
                }
            } } } }
        }
    }

    /// Scales all grads down so their global L2 norm is at most `maxNorm` (as torch.nn.utils.clip_grad_norm_;
    /// ACT-style policies clip at 10). Returns the norm before clipping.
    @discardableResult
    public func clipGradNorm(_ maxNorm: Float) -> Float {
        var sq: Double = 0
        for p in parameters { if let g = p.grad { for v in g { sq += Double(v) * Double(v) } } }
        let norm = Float(sq.squareRoot())
        if norm > maxNorm && norm.isFinite {
            let k = maxNorm / (norm + 1e-6)
            for p in parameters where p.grad != nil { p.grad!.wp { g in for i in 0..<p.count { g[i] *= k } } }
        }
        return norm
    }

    /// Clears every parameter's grad (call before the next forward/backward).
    public func zeroGrad() { for p in parameters { p.grad = nil } }

    /// First and second moment estimates per parameter (same order as `parameters`), saved with checkpoints.
    public var moments: (m: [[Float]], v: [[Float]]) { (m, v) }

    /// Restores a checkpoint's step and moments so training resumes exactly where it stopped.
    /// Returns false (and changes nothing) when the counts or sizes do not match the parameters.
    @discardableResult
    public func restore(step: Int, m: [[Float]], v: [[Float]]) -> Bool {
        guard step >= 0, m.count == parameters.count, v.count == parameters.count,
              zip(parameters, zip(m, v)).allSatisfy({ $0.count == $1.0.count && $0.count == $1.1.count }) else { return false }
        self.step = step; self.m = m; self.v = v
        return true
    }
}

extension Double {
    fileprivate func power(_ n: Int) -> Double {
        var r = 1.0; for _ in 0..<n { r *= self }; return r
    }
}

/// One Adam step over n values (gradient + l2 · θ), the same arithmetic per element as PyTorch's reference
/// loop, eight lanes at a time.
private func adamStep(_ θ: UnsafeMutablePointer<Float>, _ mp: UnsafeMutablePointer<Float>, _ vp: UnsafeMutablePointer<Float>,
                      _ gp: UnsafePointer<Float>, n: Int, b1: Float, b2: Float, bc1: Float, bc2: Float, lr: Float, eps: Float, l2: Float) {
    typealias V = SIMD8<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>, _ i: Int) -> V { UnsafeRawPointer(p + i).loadUnaligned(as: V.self) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>, _ i: Int, _ x: V) { UnsafeMutableRawPointer(p + i).storeBytes(of: x, as: V.self) }
    var i = 0
    while i + 8 <= n {
        let t = load(θ, i), gi = l2 == 0 ? load(gp, i) : load(gp, i) + l2 * t
        let m = b1 * load(mp, i) + (1 - b1) * gi
        let v = b2 * load(vp, i) + (1 - b2) * gi * gi
        store(mp, i, m); store(vp, i, v)
        let mHat = m / bc1, vHat = v / bc2
        store(θ, i, t - lr * mHat / (vHat.squareRoot() + eps))
        i += 8
    }
    while i < n {
        var gi = gp[i]
        if l2 != 0 { gi += l2 * θ[i] }
        mp[i] = b1 * mp[i] + (1 - b1) * gi
        vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
        let mHat = mp[i] / bc1, vHat = vp[i] / bc2
        θ[i] -= lr * mHat / (vHat.squareRoot() + eps)
        i += 1
    }
}
