"""Push-pull: a field known at some pixels completed smoothly everywhere else, coarse to fine.

The known values are averaged down a pyramid (weighted by how much of each coarse cell is
known) until every cell has some; going back up, each level keeps its own average where it
knows enough and takes the coarser estimate where it does not. The result is a cheap smooth
interpolant (close to a membrane), used to carry a quantity measured on the ring around a
hole into the hole (manyframes.py).
"""

from __future__ import annotations

import cv2
import numpy as np

# cv2.resize's INTER_AREA takes at most this many channels: more are completed in groups.
_GROUP = 4


def push_pull(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """`values` (h, w, c) float32 completed where `weight` in 0..1 is low, from the weighted
    values around, coarse to fine (a cheap smooth interpolant). `weight` is (h, w), shared by
    the channels, or (h, w, c), one per channel: many fields completed in one go cost little
    more than one."""
    if weight.ndim == 2:
        weight = np.repeat(weight[..., None], values.shape[2], axis=2)
    parts = [
        _push_pull(values[..., k : k + _GROUP], weight[..., k : k + _GROUP])
        for k in range(0, values.shape[2], _GROUP)
    ]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=2)


def _resized(image: np.ndarray, size: tuple[int, int], interpolation: int) -> np.ndarray:
    """cv2.resize to `size` (w, h), channels kept as the last axis even when there is one."""
    out = cv2.resize(image, size, interpolation=interpolation)
    return out.reshape(size[::-1] + (image.shape[2],))


def _push_pull(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """push_pull for at most _GROUP channels, each with its own weight (h, w, c)."""
    levels = [(values * weight, np.ascontiguousarray(weight))]
    while min(levels[-1][1].shape[:2]) > 2:
        num, wt = levels[-1]
        size = ((wt.shape[1] + 1) // 2, (wt.shape[0] + 1) // 2)
        levels.append((_resized(num, size, cv2.INTER_AREA), _resized(wt, size, cv2.INTER_AREA)))
    num, wt = levels[-1]
    est = num / np.maximum(wt, 1e-6)
    for num, wt in reversed(levels[:-1]):
        up = _resized(est, (wt.shape[1], wt.shape[0]), cv2.INTER_LINEAR)
        a = np.clip(wt * 2.0, 0.0, 1.0)
        est = np.where(a > 0, num / np.maximum(wt, 1e-6), 0.0) * a + up * (1 - a)
    return est.astype(np.float32)
