// Pointer plumbing between `[Float]` storage and the pointer kernels. Empty arrays have no base address,
// so they get a harmless stand-in (kernels never dereference it when a count is 0).

nonisolated(unsafe) private let emptyStandIn = UnsafeMutablePointer<Float>.allocate(capacity: 1)

extension Array where Element == Float {
    /// Read-only pointer to the elements for the duration of `body`.
    @inline(__always)
    func rp<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { try body($0.baseAddress ?? UnsafePointer(emptyStandIn)) }
    }
    /// Mutable pointer to the elements for the duration of `body`.
    @inline(__always)
    mutating func wp<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { try body($0.baseAddress ?? emptyStandIn) }
    }
}

extension Optional where Wrapped == [Float] {
    /// Optional read-only pointer (nil when the array is nil).
    @inline(__always)
    func rp<R>(_ body: (UnsafePointer<Float>?) throws -> R) rethrows -> R {
        guard let self else { return try body(nil) }
        return try self.rp { try body($0) }
    }
}

extension Tensor {
    /// Allocates a result buffer of `count` zeros, fills it through `body`, and returns it.
    @inline(__always)
    static func filled(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        out.wp(body)
        return out
    }

    /// Like `filled`, for kernels that write every element: skips zeroing the buffer first (on a training
    /// step's multi-megabyte activations the memset was ~10% of the time).
    @inline(__always)
    static func overwritten(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buf, initialized in
            body(buf.baseAddress ?? emptyStandIn)
            initialized = count
        }
    }

    /// Runs `body` on this tensor's gradient buffer (allocated as zeros) when it requires grad; else nothing.
    @inline(__always)
    func gradPointer(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        accumulateGrad { buf in body(buf.baseAddress ?? emptyStandIn) }
    }

    /// Gives a kernel the gradient buffers of `tensors` (nil for tensors that want none) to accumulate into.
    /// When one tensor is several inputs of the op (x * x, attention(q: x, k: x, v: x)) each input gets its
    /// own zeroed scratch buffer instead, added into `grad` afterwards, so the kernel never writes one buffer
    /// through two pointers (and Swift's exclusivity rules hold).
    static func withGrads(_ tensors: [Tensor?], _ body: ([UnsafeMutablePointer<Float>?]) -> Void) {
        let wanting = tensors.compactMap { $0 }.filter(\.requiresGrad)
        if Set(wanting.map(ObjectIdentifier.init)).count == wanting.count {
            for t in wanting where t.grad == nil { t.grad = [Float](repeating: 0, count: t.count) }
            func nest(_ i: Int, _ acc: [UnsafeMutablePointer<Float>?]) {
                if i == tensors.count { body(acc); return }
                guard let t = tensors[i], t.requiresGrad else { nest(i + 1, acc + [nil]); return }
                t.grad!.wp { p in nest(i + 1, acc + [p]) }
            }
            nest(0, [])
            return
        }
        let scratch: [UnsafeMutablePointer<Float>?] = tensors.map { t in
            guard let t, t.requiresGrad else { return nil }
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, t.count))
            p.initialize(repeating: 0, count: max(1, t.count))
            return p
        }
        defer { for p in scratch { p?.deallocate() } }
        body(scratch)
        for (t, s) in zip(tensors, scratch) {
            guard let t, let s else { continue }
            t.accumulateGrad { dst in for i in 0..<dst.count { dst[i] += s[i] } }
        }
    }
}

/// Scratch whose every element the kernel writes before reading (column matrices, sgemm outputs with beta 0).
@inline(__always)
func scratchFloats(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
