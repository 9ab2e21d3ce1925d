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


def push_pull(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """`values` (h, w, c) float32 completed where `weight` (h, w) float32 in 0..1 is low, from
    the weighted values around, coarse to fine (a cheap smooth interpolant)."""
    levels = [(values * weight[..., None], weight)]
    while min(levels[-1][1].shape) > 2:
        num, wt = levels[-1]
        size = ((wt.shape[1] + 1) // 2, (wt.shape[0] + 1) // 2)
        levels.append(
            (
                cv2.resize(num, size, interpolation=cv2.INTER_AREA).reshape(size[::-1] + (-1,)),
                cv2.resize(wt, size, interpolation=cv2.INTER_AREA),
            )
        )
    num, wt = levels[-1]
    est = num / np.maximum(wt, 1e-6)[..., None]
    for num, wt in reversed(levels[:-1]):
        up = cv2.resize(est, (wt.shape[1], wt.shape[0]), interpolation=cv2.INTER_LINEAR)
        up = up.reshape(wt.shape + (-1,))
        a = np.clip(wt * 2.0, 0.0, 1.0)[..., None]
        est = np.where(a > 0, num / np.maximum(wt, 1e-6)[..., None], 0.0) * a + up * (1 - a)
    return est.astype(np.float32)
