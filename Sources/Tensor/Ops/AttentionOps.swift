// Multi-head attention as one differentiable op (the softmax probabilities are kept for backward).

extension Tensor {
    /// Scaled dot-product attention with `heads` heads.
    /// q, k, v: (B, T, C) with C divisible by heads → (B, T, C).
    /// keyMask: (B, T), 1 = real token, 0 = padding (keys with 0 get no attention); not differentiated.
    /// causal: position i attends only to j ≤ i.
    public static func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int,
                                 keyMask: Tensor? = nil, causal: Bool = false) -> Tensor {
        precondition(q.rank == 3 && q.shape == k.shape && q.shape == v.shape,
                     "attention: q \(q.shape), k \(k.shape), v \(v.shape) must all be (B, T, C)")
        precondition(heads >= 1 && q.shape[2] % heads == 0, "attention: C = \(q.shape[2]) not divisible by \(heads) heads")
        let g = AttentionGeometry(b: q.shape[0], t: q.shape[1], c: q.shape[2], nh: heads)
        if let keyMask { precondition(keyMask.shape == [g.b, g.t], "attention: keyMask \(keyMask.shape) should be [\(g.b), \(g.t)]") }
        var att = [Float](repeating: 0, count: g.b * g.nh * g.t * g.t)
        let out = Tensor.filled(g.b * g.t * g.c) { o in att.wp { ap in q.data.rp { qp in k.data.rp { kp in v.data.rp { vp in
            keyMask?.data.rp { mp in
                attention_forward(out: o, att: ap, q: qp, k: kp, v: vp, keyMask: mp, causal: causal, g)
            } ?? attention_forward(out: o, att: ap, q: qp, k: kp, v: vp, keyMask: nil, causal: causal, g)
        } } } } }
        let recordAtt = GradMode.isEnabled ? att : []
        return Tensor.result(shape: q.shape, data: out, parents: [q, k, v]) { out in
            guard let grad = out.grad else { return }
            Tensor.withGrads([q, k, v]) { d in
                grad.rp { gp in recordAtt.rp { ap in q.data.rp { qp in k.data.rp { kp in v.data.rp { vp in
                    attention_backward(dq: d[0], dk: d[1], dv: d[2], dout: gp, att: ap, q: qp, k: kp, v: vp, g)
                } } } } }
            }
        }
    }
}
