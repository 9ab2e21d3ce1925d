"""Blending: put the filled box back into the frame with a feathered alpha edge."""

from __future__ import annotations

import numpy as np


def composite(
    frame: np.ndarray, box: tuple[int, int, int, int], fill: np.ndarray, alpha: np.ndarray
) -> np.ndarray:
    """A copy of `frame` with `fill` blended in at `box` by `alpha` (0..1, shape of the box).

    Pixels where alpha is 0 keep their exact original values, so everything away from the hole
    is returned unchanged.
    """
    out = frame.copy()
    x0, y0, x1, y1 = box
    crop = out[y0:y1, x0:x1]
    # Inside the hole the fill is copied as is; only the thin ring needs arithmetic.
    np.copyto(crop, fill, where=(alpha >= 1.0)[..., None])
    ring = (alpha > 0) & (alpha < 1.0)
    a = alpha[ring][:, None]
    mixed = crop[ring].astype(np.float32) * (1.0 - a) + fill[ring].astype(np.float32) * a
    crop[ring] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    return out
