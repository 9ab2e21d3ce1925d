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
from vtrack.inpaint.embedded.masks import PreparedMask, dilate


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
    masks: Sequence[np.ndarray],
    motion: CameraMotion,
    margin: int,
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
        pad = margin + 2
        sx0 = max(0, int(np.floor(mapped[:, 0].min())) - 2)
        sy0 = max(0, int(np.floor(mapped[:, 1].min())) - 2)
        sx1 = min(width, int(np.ceil(mapped[:, 0].max())) + 3)
        sy1 = min(height, int(np.ceil(mapped[:, 1].max())) + 3)
        if sx1 - sx0 < 2 or sy1 - sy0 < 2:
            continue  # this part of the scene is outside frame j
        crop_map = _translate(-sx0, -sy0) @ M @ _translate(x0, y0)
        # Validity: inside frame j and outside j's own dilated mask (read with context `pad` so
        # the dilation near the crop's edge sees the object just beyond it).
        px0, py0 = max(0, sx0 - pad), max(0, sy0 - pad)
        px1, py1 = min(width, sx1 + pad), min(height, sy1 + pad)
        obj = dilate(np.asarray(masks[j][py0:py1, px0:px1]), margin)
        valid_src = np.where(obj[sy0 - py0 : sy1 - py0, sx0 - px0 : sx1 - px0], 0, 255)
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
        fill[take] = warped[take]
        filled |= take
        source[take] = d
        need &= ~take
        if not need.any():
            break
    return Propagated(index=i, mask=prepared, fill=fill, filled=filled, source=source)
