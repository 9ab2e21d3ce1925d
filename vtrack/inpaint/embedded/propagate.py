"""Background propagation: fill a hole with real pixels that neighbouring frames saw there.

For frame i, frames at growing temporal offsets (1, -1, 2, -2, ... then sparser) are warped onto
frame i's hole box with the camera homography. A pixel is taken from the first (closest-in-time)
frame where that spot was inside the picture and outside that frame's own dilated object mask.
Only the hole's box is warped, and only from the matching crop of the source, so the cost follows
the hole's size, not the frame's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.masks import PreparedMask, bbox, dilate


def offset_schedule(window: int, dense: int = 6, growth: float = 1.25) -> list[int]:
    """Temporal offsets to try, nearest first, both directions: every frame up to `dense`, then a
    stride that grows geometrically, so a ±`window` search costs O(log window) warps."""
    steps: list[int] = list(range(1, min(dense, window) + 1))
    d = float(dense)
    while True:
        d = max(d + 1, d * growth)
        if round(d) > window:
            break
        steps.append(round(d))
    out: list[int] = []
    for s in steps:
        out += [s, -s]
    return out


class ObjectMasks:
    """Each frame's dilated object mask, cropped to its box and cached (a frame is a source for
    dozens of others; the crops are small, so caching the whole clip costs a few MB)."""

    def __init__(self, masks: Sequence[np.ndarray], margin: int) -> None:
        self._masks = masks
        self._margin = margin
        self._cache: dict[int, tuple[tuple[int, int, int, int], np.ndarray] | None] = {}

    def get(self, j: int) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
        """(box, dilated crop) of frame j's object, or None when frame j has none."""
        if j not in self._cache:
            # Computing twice from two threads is harmless (same result), so no lock.
            mask = np.asarray(self._masks[j])
            box = bbox(mask, pad=self._margin + 1)
            if box is None:
                self._cache[j] = None
            else:
                x0, y0, x1, y1 = box
                self._cache[j] = (box, dilate(mask[y0:y1, x0:x1], self._margin))
        return self._cache[j]

    def valid(self, j: int, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """uint8 crop [y0:y1, x0:x1] of frame j: 255 where the background shows, 0 on the object."""
        out = np.full((y1 - y0, x1 - x0), 255, np.uint8)
        entry = self.get(j)
        if entry is None:
            return out
        (bx0, by0, bx1, by1), crop = entry
        ix0, iy0, ix1, iy1 = max(x0, bx0), max(y0, by0), min(x1, bx1), min(y1, by1)
        if ix0 < ix1 and iy0 < iy1:
            sub = crop[iy0 - by0 : iy1 - by0, ix0 - bx0 : ix1 - bx0]
            out[iy0 - y0 : iy1 - y0, ix0 - x0 : ix1 - x0][sub] = 0
        return out


@dataclass
class Propagated:
    """The hole box of one frame after propagation (crops at `mask.box`)."""

    index: int
    mask: PreparedMask
    fill: np.ndarray  # uint8 (h, w, 3): propagated background where `filled`
    filled: np.ndarray  # bool (h, w)
    source: np.ndarray  # int16 (h, w): temporal offset each pixel came from (0 = none)


def _translate(x: float, y: float) -> np.ndarray:
    return np.array([[1, 0, x], [0, 1, y], [0, 0, 1]], float)


def propagate(
    i: int,
    prepared: PreparedMask,
    frames: Sequence[np.ndarray],
    objects: ObjectMasks,
    motion: CameraMotion,
    offsets: Sequence[int],
) -> Propagated:
    """Fill `prepared.region` of frame i from the closest frames that saw the background there."""
    n = len(frames)
    height, width = frames[0].shape[:2]
    x0, y0, x1, y1 = prepared.box
    bw, bh = x1 - x0, y1 - y0
    fill = np.zeros((bh, bw, 3), np.uint8)
    filled = np.zeros((bh, bw), bool)
    source = np.zeros((bh, bw), np.int16)
    need = prepared.region.copy()
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float32).reshape(-1, 1, 2)
    for d in offsets:
        j = i + d
        if j < 0 or j >= n:
            continue
        # M maps frame i's pixels onto frame j's: the inverse map warpPerspective samples with.
        M = motion.between(i, j)
        mapped = cv2.perspectiveTransform(corners, M).reshape(-1, 2)
        sx0 = max(0, int(np.floor(mapped[:, 0].min())) - 2)
        sy0 = max(0, int(np.floor(mapped[:, 1].min())) - 2)
        sx1 = min(width, int(np.ceil(mapped[:, 0].max())) + 3)
        sy1 = min(height, int(np.ceil(mapped[:, 1].max())) + 3)
        if sx1 - sx0 < 2 or sy1 - sy0 < 2:
            continue  # this part of the scene is outside frame j
        crop_map = _translate(-sx0, -sy0) @ M @ _translate(x0, y0)
        # Validity: inside frame j (border 0) and outside j's own dilated object mask.
        valid_src = objects.valid(j, sx0, sy0, sx1, sy1)
        valid = cv2.warpPerspective(
            valid_src.astype(np.uint8),
            crop_map,
            (bw, bh),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )
        # 255 only where every bilinear neighbour is valid: no object colour bleeds in.
        take = need & (valid == 255)
        if not take.any():
            continue
        src = np.ascontiguousarray(frames[j][sy0:sy1, sx0:sx1])
        warped = cv2.warpPerspective(
            src,
            crop_map,
            (bw, bh),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        )
        np.copyto(fill, warped, where=take[..., None])
        np.copyto(source, np.int16(d), where=take)
        filled |= take
        need ^= take
        if not need.any():
            break
    return Propagated(index=i, mask=prepared, fill=fill, filled=filled, source=source)
