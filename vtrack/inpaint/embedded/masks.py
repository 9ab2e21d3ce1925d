"""Mask preparation: dilate the object mask into the hole, feather its edge, find its box."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.boxes import mask_box


def _disk(radius: int) -> np.ndarray:
    size = 2 * radius + 1
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Bool mask grown by `radius` pixels (a disk, so corners do not turn square)."""
    m = mask.astype(np.uint8)
    if radius <= 0:
        return m.astype(bool)
    return cv2.dilate(m, _disk(radius)).astype(bool)


@dataclass
class PreparedMask:
    """One frame's hole, cropped to the box the engine works in.

    `hole` must be replaced (object + margin); `region` is hole + feather ring (what we fill);
    `alpha` is 1 inside the hole and ramps to 0 across the ring, so the fill fades into the frame.
    All three are crops at `box` (x0, y0, x1, y1) of the full frame.
    """

    box: tuple[int, int, int, int]
    hole: np.ndarray
    region: np.ndarray
    alpha: np.ndarray


def prepare(mask: np.ndarray, margin: int, feather: int) -> PreparedMask | None:
    """Dilate `mask` by `margin` (shadows, motion blur), add a `feather`-wide blending ring."""
    box = mask_box(mask, pad=margin + feather + 2)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    crop = mask[y0:y1, x0:x1]
    hole = dilate(crop, margin)
    if feather > 0:
        # Distance from the hole, in pixels: 0 inside, growing outward; the ring is 0 < d <= feather.
        dist = cv2.distanceTransform((~hole).astype(np.uint8), cv2.DIST_L2, 3)
        alpha = np.clip(1.0 - dist / (feather + 1), 0.0, 1.0).astype(np.float32)
        region = alpha > 0
    else:
        alpha = hole.astype(np.float32)
        region = hole
    return PreparedMask(box=box, hole=hole, region=region, alpha=alpha)
