"""Frames with several real people who touch, and each person's exact mask.

A person cut out of one DAVIS frame by its human annotation is pasted beside the person of
another frame, standing on the same ground line, overlapping them by a chosen share of the
narrower one's width (the pasted one is in front). Both are real people in real light; the
masks are exact (the one behind loses what the pasted one covers).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.boxes import mask_box


@dataclass
class Crowd:
    """An RGB frame (H, W, 3) and one bool mask per person, left to right."""

    image: np.ndarray
    masks: list[np.ndarray]


def touching_pair(
    back: tuple[np.ndarray, np.ndarray],
    front: tuple[np.ndarray, np.ndarray],
    overlap: float,
    scale: float = 0.5,
) -> Crowd:
    """`front`'s person pasted to the right of `back`'s, overlapping by `overlap` of the
    narrower width (0: just touching); the frame is shrunk by `scale` (the engine's size)."""
    image, back_mask = back
    src, src_mask = front
    bx0, _by0, bx1, by1 = mask_box(back_mask) or (0, 0, 1, 1)
    fx0, _fy0, fx1, fy1 = mask_box(src_mask) or (0, 0, 1, 1)
    width = min(bx1 - bx0, fx1 - fx0)
    dx = bx1 - fx0 - int(round(overlap * width))
    dy = by1 - fy1  # same ground line
    h, w = back_mask.shape
    shift = np.float32([[1, 0, dx], [0, 1, dy]])
    moved = cv2.warpAffine(src, shift, (w, h))
    moved_mask = cv2.warpAffine(src_mask.astype(np.uint8), shift, (w, h)) > 0
    out = image.copy()
    out[moved_mask] = moved[moved_mask]
    size = (int(w * scale), int(h * scale))
    small = cv2.resize(out, size, interpolation=cv2.INTER_AREA)

    def shrink(m: np.ndarray) -> np.ndarray:
        return cv2.resize(m.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0

    return Crowd(small, [shrink(back_mask & ~moved_mask), shrink(moved_mask)])
