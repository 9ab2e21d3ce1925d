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

from vtrack.boxes import mask_box
from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.masks import PreparedMask, dilate

# Summed absolute RGB difference above which two candidates are taken to show different things
# (sensor noise and sub-pixel misalignment stay well below it).
DISAGREE = 45
# The opposite-direction check looks at most this many frames beyond the first candidate's distance
# (6 gave 30.1 dB on the occluded pan scene, 20 gives 32.0 at about the same cost).
REACH = 20


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
            box = mask_box(mask, pad=self._margin + 1)
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
    """Fill `prepared.region` of frame i from the closest frames that saw the background there.

    A single source can be wrong where something else that does not follow the camera (a pole
    in front of the scene, another moving object) covered the spot in that frame. So each pixel
    also takes the nearest candidate from the opposite temporal direction (searched up to about
    REACH frames beyond the first one); where the two disagree, a third, further candidate decides.
    Agreeing pixels keep the closest-in-time candidate.
    """
    n = len(frames)
    height, width = frames[0].shape[:2]
    x0, y0, x1, y1 = prepared.box
    bw, bh = x1 - x0, y1 - y0
    # Bookkeeping on flat indices of the pixels still waiting for something: those lists shrink
    # fast, so the per-offset cost is the warp, not whole-box mask arithmetic.
    first = np.zeros((bh * bw, 3), np.uint8)
    second = np.zeros_like(first)
    third = np.zeros_like(first)
    src1 = np.zeros(bh * bw, np.int16)  # temporal offset of the first candidate; 0 = none
    wait1 = np.flatnonzero(prepared.region)  # no candidate yet
    wait2 = np.zeros(0, np.intp)  # have one, want the opposite direction's
    reach2 = np.zeros(0, np.int32)  # ... up to this |offset|
    forward2 = np.zeros(0, bool)  # ... which is forward (offset > 0)
    wait3 = np.zeros(0, np.intp)  # the two disagree: want a tie-breaker
    voted = np.zeros(0, np.intp)
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float32).reshape(-1, 1, 2)
    for d in offsets:
        if wait2.size:
            alive = reach2 >= abs(d)
            wait2, reach2, forward2 = wait2[alive], reach2[alive], forward2[alive]
        if not (wait1.size or wait2.size or wait3.size):
            break
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
        valid = cv2.warpPerspective(
            objects.valid(j, sx0, sy0, sx1, sy1),
            crop_map,
            (bw, bh),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        ).ravel()
        # 255 only where every bilinear neighbour is valid: no object colour bleeds in.
        ok1 = valid[wait1] == 255
        ok2 = (valid[wait2] == 255) & (forward2 == (d > 0))
        ok3 = valid[wait3] == 255
        if not (ok1.any() or ok2.any() or ok3.any()):
            continue
        warped = cv2.warpPerspective(
            np.ascontiguousarray(frames[j][sy0:sy1, sx0:sx1]),
            crop_map,
            (bw, bh),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        ).reshape(-1, 3)
        if ok3.any():
            take = wait3[ok3]
            third[take] = warped[take]
            voted = np.concatenate([voted, take])
            wait3 = wait3[~ok3]
        if ok2.any():
            take = wait2[ok2]
            second[take] = warped[take]
            diff = np.abs(first[take].astype(np.int16) - warped[take]).sum(axis=1)
            wait3 = np.concatenate([wait3, take[diff > DISAGREE]])
            keep = ~ok2
            wait2, reach2, forward2 = wait2[keep], reach2[keep], forward2[keep]
        if ok1.any():
            take = wait1[ok1]
            first[take] = warped[take]
            src1[take] = d
            wait1 = wait1[~ok1]
            wait2 = np.concatenate([wait2, take])
            reach2 = np.concatenate([reach2, np.full(take.size, abs(d) + REACH, np.int32)])
            forward2 = np.concatenate([forward2, np.full(take.size, d < 0)])
    if voted.size:
        d1 = np.abs(first[voted].astype(np.int16) - third[voted]).sum(axis=1)
        d2 = np.abs(second[voted].astype(np.int16) - third[voted]).sum(axis=1)
        swap = voted[d2 < d1]
        first[swap] = second[swap]
    fill = first.reshape(bh, bw, 3)
    source = src1.reshape(bh, bw)
    filled = source != 0
    return Propagated(index=i, mask=prepared, fill=fill, filled=filled, source=source)
