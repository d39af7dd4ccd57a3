// Module Tensor: float32 tensors on OpenBLAS, autodiff, optimizers, safetensors (issue #6).
import COpenBLAS

/// OpenBLAS's configured thread count (see issue #6 for how vlaterm sets it).
public var blasThreadCount: Int { Int(openblas_get_num_threads()) }
