// Reverse-mode autodiff: each op result made while gradients are wanted keeps a `Node` naming its inputs and
// a closure that pushes `out.grad` into their grads. `backward()` walks the graph from a scalar loss in reverse
// topological order. The graph lives as long as the loss tensor: drop the loss and it is freed.
//
// No-grad mode (`withNoGrad`) records nothing, so inference (the text encoder, policy rollout) allocates no
// tape and keeps no activations alive.

/// A recorded op: its inputs and how to push the result's gradient into them.
final class Node {
    let parents: [Tensor]
    /// Called with the op's result once `result.grad` is final. Captures inputs (never the result: no cycles).
    let backward: (Tensor) -> Void
    init(parents: [Tensor], backward: @escaping (Tensor) -> Void) {
        self.parents = parents
        self.backward = backward
    }
}

/// Whether ops record backward nodes; task-local so concurrent inference and training do not interfere.
public enum GradMode {
    @TaskLocal public static var isEnabled: Bool = true
}

/// Runs `body` without recording any autodiff graph (inference).
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

extension Tensor {
    /// Builds an op's result and, if any input wants gradients (and grad mode is on), records `backward`.
    static func result(shape: [Int], data: [Float], parents: [Tensor], backward: @escaping (Tensor) -> Void) -> Tensor {
        let out = Tensor(shape: shape, data: data)
        if GradMode.isEnabled && parents.contains(where: { $0.requiresGrad }) {
            out.requiresGrad = true
            out.node = Node(parents: parents, backward: backward)
        }
        return out
    }

    /// Adds into this tensor's gradient (allocating zeros first) when it wants one.
    func accumulateGrad(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        guard requiresGrad else { return }
        if grad == nil { grad = [Float](repeating: 0, count: count) }
        grad!.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Back-propagates from this scalar: fills `grad` on every tensor in its graph that requires grad.
    /// Parameter grads accumulate across calls until `zeroGrad` (as in PyTorch).
    public func backward() {
        precondition(count == 1, "backward: loss must be a scalar, got shape \(shape)")
        guard requiresGrad else { return }
        // Iterative DFS post-order: deep graphs (many layers × many ops) must not overflow the stack.
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            guard visited.insert(ObjectIdentifier(t)).inserted else { continue }
            stack.append((t, true))
            for p in t.node?.parents ?? [] where p.requiresGrad && !visited.contains(ObjectIdentifier(p)) {
                stack.append((p, false))
            }
        }
        accumulateGrad { $0[0] += 1 }
        for t in order.reversed() {
            guard let node = t.node, t.grad != nil else { continue }
            node.backward(t)
            // Intermediate grads are no longer needed once pushed to the inputs.
            t.grad = nil
        }
    }

    /// Clears the gradient.
    public func zeroGrad() { grad = nil }
}
