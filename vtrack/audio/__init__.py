"""Audio stem separation engines behind one interface (Demucs, embedded)."""
