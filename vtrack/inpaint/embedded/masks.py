"""Growing masks by a disk (an object's shadow and motion blur sit just outside its edge)."""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.boxes import mask_box


def _disk(radius: int) -> np.ndarray:
    size = 2 * radius + 1
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Bool mask grown by `radius` pixels (a disk, so corners do not turn square).

    Only the mask's box grown by the radius can change, so only that is dilated (an object is
    a few percent of a frame: the full-frame dilation was most of the cost)."""
    m = mask.view(np.uint8) if mask.dtype == bool else mask.astype(np.uint8)
    if radius <= 0:
        return m.astype(bool)
    grown = np.zeros(m.shape, bool)
    box = mask_box(m, pad=radius)
    if box is not None:
        x0, y0, x1, y1 = box
        grown[y0:y1, x0:x1] = cv2.dilate(m[y0:y1, x0:x1], _disk(radius)) > 0
    return grown
