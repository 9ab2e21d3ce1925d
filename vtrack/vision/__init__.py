"""Video segmentation and tracking engines behind one session interface (SAM 3, SAM 2, embedded)."""
