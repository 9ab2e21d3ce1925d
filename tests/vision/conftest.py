"""Fixtures for the vision tests: DAVIS clips (skipped when the shared data is absent)."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.media.frames import FrameSequence
from vtrack.vision.embedded.davis import davis_available, davis_dir, load_davis


@pytest.fixture(scope="session")
def davis_clip():
    """Factory: (FrameSequence, gt masks) of the first `n` frames of a DAVIS sequence."""
    cache: dict[tuple[str, int], tuple[FrameSequence, np.ndarray]] = {}

    def load(seq: str, n: int = 30) -> tuple[FrameSequence, np.ndarray]:
        if not davis_available(seq):
            pytest.skip(
                f"DAVIS sequence {seq!r} not found under {davis_dir()} (set VTRACK_DAVIS_DIR)"
            )
        if (seq, n) not in cache:
            cache[(seq, n)] = load_davis(seq, max_frames=n)
        return cache[(seq, n)]

    return load
