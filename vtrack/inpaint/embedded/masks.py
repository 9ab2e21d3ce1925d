"""Growing masks by a disk (an object's shadow and motion blur sit just outside its edge)."""

from __future__ import annotations

import cv2
import numpy as np


def _disk(radius: int) -> np.ndarray:
    size = 2 * radius + 1
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Bool mask grown by `radius` pixels (a disk, so corners do not turn square)."""
    m = mask.astype(np.uint8)
    if radius <= 0:
        return m.astype(bool)
    return cv2.dilate(m, _disk(radius)).astype(bool)
