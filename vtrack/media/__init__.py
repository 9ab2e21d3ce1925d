"""Media I/O: probe, validate, decode frames, encode H.264, extract and mux audio."""
