"""Ground-truth media generators shared by tests and benchmarks (real photographs, exact masks)."""
