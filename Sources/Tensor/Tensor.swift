// Module Tensor: float32 tensors on OpenBLAS, reverse-mode autodiff, optimizers, safetensors I/O (issue #6).
//
// Layout: every tensor is a row-major, contiguous `[Float]` with a shape; there are no strides or views, so
// every op reads and writes plain buffers (llm.c style) and the kernels in Kernels/ are small `_forward` /
// `_backward` functions over pointers. Ops in Ops/ wrap the kernels and, when gradients are wanted, record a
// backward closure on the result (see Autograd.swift).
//
// Contract errors (shape mismatches between tensors the caller built) are programmer errors and trap with
// a message like Swift's own array bounds checks; untrusted data (weight files, token ids from files) is
// validated before it reaches an op — see Safetensors/ and Parameters.swift, which throw.

import Foundation

/// A float32 tensor: shape + contiguous row-major storage, optionally with a gradient and a backward node.
///
/// Not `Sendable`: a tensor is mutable (its data and grad change during training). Share weights across
/// threads by copying `data` or by wrapping an immutable owner (see `TextEncoder`).
public final class Tensor {
    /// Dimensions, outermost first. A scalar has shape `[]` and one element.
    public let shape: [Int]
    /// Row-major values; `data.count == shape.product`.
    public var data: [Float]
    /// The gradient of the last `backward()` (same count as `data`), or nil when none has flowed here.
    public var grad: [Float]?
    /// True for parameters and for results of ops on them (while grad mode is on).
    public var requiresGrad: Bool
    /// How this tensor was made, for backward; nil for leaves and in no-grad mode.
    var node: Node?

    /// A tensor over existing values. `data.count` must equal the product of `shape`.
    public init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(data.count == shape.elementCount, "Tensor: \(data.count) values for shape \(shape)")
        self.shape = shape
        self.data = data
        self.grad = nil
        self.requiresGrad = requiresGrad
    }

    /// A tensor filled with `value`.
    public convenience init(shape: [Int], repeating value: Float = 0, requiresGrad: Bool = false) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.elementCount), requiresGrad: requiresGrad)
    }

    /// A scalar tensor.
    public convenience init(scalar: Float, requiresGrad: Bool = false) {
        self.init(shape: [], data: [scalar], requiresGrad: requiresGrad)
    }

    /// Number of elements.
    public var count: Int { data.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// The single value of a one-element tensor (e.g. a loss).
    public var item: Float {
        precondition(data.count == 1, "Tensor.item: tensor of shape \(shape) has \(data.count) values")
        return data[0]
    }

    /// Same values, new shape (element count must match). Gradients flow through.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let infer = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != infer }.map(\.element).elementCount
            precondition(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(newShape) from \(shape)")
            resolved[infer] = count / known
        }
        precondition(resolved.elementCount == count, "reshape: \(shape) -> \(newShape) changes the element count")
        return Tensor.result(shape: resolved, data: data, parents: [self]) { out in
            guard let g = out.grad, self.requiresGrad else { return }
            // First gradient to arrive: take over the result's buffer (same values, same order) instead of
            // adding it into zeros — backward drops the result's gradient right after this call anyway.
            guard self.grad != nil else { self.grad = g; return }
            self.accumulateGrad { dst in
                g.withUnsafeBufferPointer { src in for i in 0..<src.count { dst[i] += src[i] } }
            }
        }
    }

    /// A copy without history (a new leaf), e.g. to feed a model's output back as an input.
    public func detached() -> Tensor { Tensor(shape: shape, data: data) }
}

extension Array where Element == Int {
    /// Product of the dimensions (1 for a scalar shape).
    public var elementCount: Int { reduce(1, *) }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = data.prefix(6).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor(\(shape), [\(head)\(count > 6 ? ", …" : "")]\(requiresGrad ? ", grad" : ""))"
    }
}