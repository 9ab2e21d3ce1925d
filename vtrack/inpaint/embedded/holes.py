"""One frame's hole: the object's mask grown into what must be replaced, cropped to its box."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.boxes import Box, mask_box
from vtrack.inpaint.embedded.masks import dilate
from vtrack.inpaint.embedded.sampling import remap_points


@dataclass
class Hole:
    """Crops at `box` (x0, y0, x1, y1) of the full frame.

    `hole`: what must be replaced (object + margin: shadows, motion blur); nothing in it is
    background. `region`: hole + feather ring (what is filled); `alpha`: 1 in the hole, ramping
    to 0 across the ring, so the fill fades into the frame. Region and alpha are made when
    first asked for: a frame that is only looked into (is this spot background there?) needs
    the hole alone.
    """

    box: Box
    hole: np.ndarray
    feather: int

    @classmethod
    def of(cls, mask: np.ndarray, margin: int, feather: int) -> Hole | None:
        """The hole of an object mask (None when the mask is empty)."""
        box = mask_box(mask, pad=margin + feather + 2)
        if box is None:
            return None
        x0, y0, x1, y1 = box
        return cls(box=box, hole=dilate(mask[y0:y1, x0:x1], margin), feather=feather)

    @functools.cached_property
    def alpha(self) -> np.ndarray:
        if self.feather <= 0:
            return self.hole.astype(np.float32)
        # Distance from the hole: 0 inside, growing outward; the ring is 0 < d <= feather.
        dist = cv2.distanceTransform((~self.hole).astype(np.uint8), cv2.DIST_L2, 3)
        return np.clip(1.0 - dist / (self.feather + 1), 0.0, 1.0).astype(np.float32)

    @functools.cached_property
    def region(self) -> np.ndarray:
        return self.alpha > 0

    def shed(self) -> None:
        """Forget the region, alpha and pixel lists (made again if asked for): once its own
        frame is filled, other frames only look into a hole, and holes are kept for many."""
        for name in ("alpha", "region", "_pixels"):
            self.__dict__.pop(name, None)

    @property
    def shape(self) -> tuple[int, int]:
        return self.hole.shape

    def pixels(self) -> tuple[np.ndarray, np.ndarray]:
        """Full-frame (x, y) of the region's pixels, row-major (the order every per-pixel array
        of this hole uses); made once, shared: callers must not change them."""
        return self._pixels

    @functools.cached_property
    def _pixels(self) -> tuple[np.ndarray, np.ndarray]:
        ys, xs = np.nonzero(self.region)
        return xs + self.box[0], ys + self.box[1]

    def covers(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """For full-frame coordinates (float arrays of any shape): True where bilinear sampling
        at (x, y) would read a hole pixel (the object's colour would bleed in)."""
        v = remap_points(
            self._padded, x - self.box[0] + 1, y - self.box[1] + 1, border=cv2.BORDER_CONSTANT
        )
        return v > 0

    @functools.cached_property
    def _padded(self) -> np.ndarray:
        """The hole as uint8 255 with a one-pixel border of 0 (what `covers` samples)."""
        return np.pad(self.hole, 1).astype(np.uint8) * 255


def sees_background(
    x: np.ndarray, y: np.ndarray, frame_shape: tuple[int, int], hole: Hole | None
) -> np.ndarray:
    """For full-frame coordinates in a frame of `frame_shape` (h, w) whose hole is `hole` (None:
    it has none): True where the point lies in the frame and bilinear sampling there reads no
    hole pixel, i.e. where that frame shows the background."""
    height, width = frame_shape
    seen = (x >= 0) & (x <= width - 1) & (y >= 0) & (y <= height - 1)
    if hole is not None:
        seen &= ~hole.covers(x, y)
    return seen
