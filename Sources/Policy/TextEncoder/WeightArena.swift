// One block of memory for a model's weight matrices, asked for on 2 MB pages. A MiniLM embedding streams its
// 42 MB of layer weights through the cache once per sentence; on 4 KB pages that is ~10 000 pages per call, more
// than the TLB holds. Transparent huge pages are "madvise" mode on Debian, so the block says so explicitly; where
// the kernel refuses, it is ordinary memory and everything still works.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Tensor

/// Append-only while the model loads, then read-only (which is why sharing it across threads is safe).
final class WeightArena: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Float>
    private let capacity: Int
    private var used = 0

    init(floats: Int) {
        let page = 2 << 20
        let bytes = max(floats * MemoryLayout<Float>.stride, 1)
        let rounded = (bytes + page - 1) / page * page
        var raw: UnsafeMutableRawPointer?
        if posix_memalign(&raw, page, rounded) != 0 || raw == nil {
            raw = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: 64)  // unreachable in practice
            aligned = false
        } else {
            aligned = true
        }
        #if os(Linux)
        _ = madvise(raw!, rounded, MADV_HUGEPAGE)  // advice only: failure leaves 4 KB pages
        #endif
        base = raw!.bindMemory(to: Float.self, capacity: rounded / MemoryLayout<Float>.stride)
        capacity = floats
    }
    private let aligned: Bool

    /// Copies `t`'s values in and returns where they now live (valid as long as the arena).
    func copy(_ t: Tensor) -> UnsafePointer<Float> {
        precondition(used + t.count <= capacity, "WeightArena sized too small")
        let p = base + used
        t.data.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: t.count) }
        used += t.count
        return UnsafePointer(p)
    }

    deinit {
        if aligned { free(base) } else { base.deallocate() }
    }
}
