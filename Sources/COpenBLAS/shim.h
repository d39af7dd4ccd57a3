// OpenBLAS: CBLAS plus the thread-control entry points (see Tensor/Threads.swift for how they are set).
#ifndef VLATERM_COPENBLAS_SHIM_H
#define VLATERM_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
