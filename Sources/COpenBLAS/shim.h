// OpenBLAS: CBLAS plus the thread-control entry points (see Tensor/Threads.swift for how they are set).
// Also the one glibc malloc knob the Tensor module turns for training (malloc.h is not in Swift's Glibc module).
#ifndef VLATERM_COPENBLAS_SHIM_H
#define VLATERM_COPENBLAS_SHIM_H
#include <cblas.h>
#include <malloc.h>

/// Keep freed blocks up to `mmap_threshold` bytes in the heap (no fresh page faults per training step) and
/// only trim the heap back to the kernel above `trim_threshold` bytes free.
static inline void vt_keep_freed_memory(int mmap_threshold, int trim_threshold) {
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}
#endif
