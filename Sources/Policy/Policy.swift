// Module Policy: see ../shared/DESIGN.md for what it owns: the Policy protocol and runner, the MiniLM text
// encoder (TextEncoder/), the embedded VLA (VLA/: network, model files, chunk execution) and its training
// (Training/: in-memory demonstrations, the Adam/L1 loop with checkpoints).
