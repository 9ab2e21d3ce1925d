"""Bounding boxes of masks: one helper for the engines and the pipelines."""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (end-exclusive), pixels


def mask_box(mask: np.ndarray, pad: int = 0) -> Box | None:
    """Box of the mask's nonzero pixels grown by `pad` and clipped to the image; None if empty."""
    if mask.dtype == np.uint8:
        m = mask
    elif mask.dtype == bool:
        m = mask.view(np.uint8)  # same bytes: no copy of a 1080p mask
    else:
        m = (mask != 0).astype(np.uint8)
    x, y, w, h = cv2.boundingRect(m)
    if w == 0 or h == 0:
        return None
    hh, ww = m.shape
    return max(0, x - pad), max(0, y - pad), min(ww, x + w + pad), min(hh, y + h + pad)
