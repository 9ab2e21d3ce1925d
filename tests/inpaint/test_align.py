"""Camera alignment recovers the composited scene's known pan to a fraction of a pixel."""

from __future__ import annotations

import numpy as np

from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.testing.scenes import composite_scene


def test_recovers_known_pan_without_drift() -> None:
    n, pan, size = 60, 80.0, (320, 240)
    scene = composite_scene("pan", pan_px=pan, n_frames=n, size=size, seed=3)
    motion = CameraMotion.estimate(scene.frames, scene.masks, margin=6, workers=2)

    def truth(src: int, dst: int) -> np.ndarray:
        # composite_scene's camera: x shifts by -pan*t, y by -3 sin(2 pi t).
        ts, td = src / (n - 1), dst / (n - 1)
        return np.array([pan * (ts - td), 3 * (np.sin(2 * np.pi * ts) - np.sin(2 * np.pi * td))])

    centre = np.array([size[0] / 2, size[1] / 2, 1.0])
    errors = []
    for dst in range(0, n, 5):
        for src in (0, n // 3, n - 1, min(n - 1, dst + 1)):
            q = motion.between(src, dst) @ centre
            errors.append(np.linalg.norm(q[:2] / q[2] - centre[:2] - truth(src, dst)))
    # Whole-clip spans (frame 0 -> 59) included: keyframe links keep drift far below a pixel.
    assert max(errors) < 0.3, max(errors)
