"""What moves on its own: pixels of a frame that the camera motion does not explain.

A pixel whose colour differs from what the same scene point shows a few frames before AND a few
frames after (aligned by the camera homography) belongs to something moving through the scene
(a person walking, a car driving), not to the background; copying it into a hole at another time
makes a ghost. The test is camera-compensated three-frame differencing on small blurred frames;
a side where the scene point is hidden by the removed object (or outside the frame) does not
vote, and one disagreeing side is enough when the other cannot see (right where the object has
just uncovered the background, the first place the search looks). Two gaps, short and long, catch
fast things and the insides of slow ones (a slow walker overlaps itself after a few frames).
The fill uses it to drop, of two disagreeing candidates, the one showing something that moves
(combine.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import cv2
import numpy as np

from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.cache import Lru
from vtrack.inpaint.embedded.masks import dilate

# Long side of the frames the test runs on: moving things worth a ghost are tens of pixels at
# 480p, and at this size one frame's test costs about a millisecond.
LONG_SIDE = 240
# Frames between the compared ones (at 24-30 fps): 4 (a sixth of a second) sees a walker's limbs
# and a car's outline move; 12 (half a second) clears the inside of a slow walker.
GAPS = (4, 12)
# Mean |RGB| difference (per channel, after the blur) above which the scene point changed:
# sensor noise and compression stay under a few levels there; homography misalignment at sharp
# edges is thin and removed by the opening below.
CHANGED = 18
BLUR = 5  # Gaussian kernel (pixels at LONG_SIDE): noise and sub-pixel misalignment averaged out
OPEN = 3  # opening kernel: drops one- or two-pixel-wide edge responses of misalignment
GROW = 2  # dilation (pixels at LONG_SIDE, ~7 px at 854): a moving thing's blurred outline


class MovingParts:
    """Per frame, a small bool mask of what moves on its own (made on demand, once per frame).

    `masks[i]` is frame i's object mask (bool), grown by `margin` pixels: those pixels are not
    background in frame i and never vote.
    """

    def __init__(
        self,
        frames: Sequence[np.ndarray],
        masks: Sequence[np.ndarray],
        margin: int,
        motion: CameraMotion,
        size: int = 96,
    ) -> None:
        self.frames, self.masks, self.motion = frames, masks, motion
        self.margin = margin
        h, w = frames[0].shape[:2]
        self.scale = min(1.0, LONG_SIDE / max(h, w))
        self.small_shape = (max(1, round(h * self.scale)), max(1, round(w * self.scale)))
        self._S = np.diag([self.scale, self.scale, 1.0])
        self._S_inv = np.diag([1 / self.scale, 1 / self.scale, 1.0])
        # Small frames for the window one frame's test reads (i - 12 .. i + 12), asked for in
        # the fill's order: 0.4 MB each.
        self._small: Lru[tuple[np.ndarray, np.ndarray]] = Lru(self._make_small, 2 * GAPS[-1] + 8)
        # Every frame's answer is kept, packed to bits (4 KB a frame at LONG_SIDE: 7 MB for a
        # minute at 30 fps): the searches either way ask for the same frames, far apart in time.
        self._found: dict[int, np.ndarray] = {}
        self._unpacked: Lru[np.ndarray] = Lru(self._unpack, size)
        self._making: dict[int, threading.Event] = {}
        self._lock = threading.Lock()

    def _make_small(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Frame i small and blurred (float32) and where it is background (bool)."""
        sh, sw = self.small_shape
        image = cv2.resize(np.asarray(self.frames[i]), (sw, sh), interpolation=cv2.INTER_AREA)
        image = cv2.GaussianBlur(image.astype(np.float32), (BLUR, BLUR), 0)
        hole = dilate(np.asarray(self.masks[i]), self.margin).astype(np.uint8)
        free = cv2.resize(hole, (sw, sh), interpolation=cv2.INTER_AREA) == 0
        return image, free

    def mask(self, i: int) -> np.ndarray:
        """Frame i's moving parts at the small size (bool)."""
        return self._unpacked.get(i)

    def _unpack(self, i: int) -> np.ndarray:
        sh, sw = self.small_shape
        return np.unpackbits(self._packed(i), count=sh * sw).reshape(sh, sw).astype(bool)

    def _packed(self, i: int) -> np.ndarray:
        """Frame i's answer, packed: made here, or waited for while another thread makes it."""
        while True:
            with self._lock:
                if i in self._found:
                    return self._found[i]
                making = self._making.get(i)
                if making is None:
                    self._making[i] = threading.Event()
            if making is None:
                break
            making.wait()  # then found, or failed there: made here on the next turn
        try:
            packed = np.packbits(self._detect(i), axis=None)
            with self._lock:
                self._found[i] = packed
        finally:
            with self._lock:
                self._making.pop(i).set()
        return packed

    def _detect(self, i: int) -> np.ndarray:
        n = len(self.frames)
        sh, sw = self.small_shape
        image, _ = self._small.get(i)
        found = np.zeros((sh, sw), bool)
        for gap in GAPS:
            votes = np.zeros((sh, sw), np.int8)  # +1 per side that saw a change
            sides = np.zeros((sh, sw), np.int8)  # sides that could see the point
            for j in (i - gap, i + gap):
                if j < 0 or j >= n:
                    continue
                other, free = self._small.get(j)
                to_j = self._S @ self.motion.between(i, j) @ self._S_inv
                flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
                moved = cv2.warpPerspective(other, to_j, (sw, sh), flags=flags)
                seen = cv2.warpPerspective(
                    free.astype(np.uint8),
                    to_j,
                    (sw, sh),
                    flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
                ).astype(bool)
                diff = _channel_mean(cv2.absdiff(image, moved)) > CHANGED
                sides += seen
                votes += seen & diff
            found |= (sides > 0) & (votes == sides)
        kernel = np.ones((OPEN, OPEN), np.uint8)
        found = cv2.morphologyEx(found.astype(np.uint8), cv2.MORPH_OPEN, kernel)
        if GROW > 0:
            found = cv2.dilate(
                found, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * GROW + 1,) * 2)
            )
        return found.astype(bool)

    def spots(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Where full-frame points (x, y) fall on the small grid: flat indices, -1 outside."""
        sx = np.round(x * self.scale).astype(np.int64)
        sy = np.round(y * self.scale).astype(np.int64)
        sh, sw = self.small_shape
        ok = (sx >= 0) & (sx < sw) & (sy >= 0) & (sy < sh)
        return np.where(ok, sy * sw + sx, -1).astype(np.int32)

    def on(self, i: np.ndarray, spots: np.ndarray) -> np.ndarray:
        """Whether the spots (from `spots`) of frames `i` (per point) lie on moving parts."""
        out = np.zeros(spots.shape, bool)
        order = np.argsort(i, kind="stable")
        keys, starts = np.unique(i[order], return_index=True)
        ends = np.append(starts[1:], i.size)
        for k, a, b in zip(keys, starts, ends, strict=True):
            pick = order[a:b]
            spot = spots[pick]
            inside = spot >= 0
            out[pick[inside]] = self.mask(int(k)).ravel()[spot[inside]]
        return out

    def at(self, i: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Whether full-frame points (x, y) of frame i lie on its moving parts (outside: False)."""
        spots = self.spots(x.ravel(), y.ravel())
        return self.on(np.full(spots.shape, i), spots).reshape(x.shape)


def _channel_mean(image: np.ndarray) -> np.ndarray:
    """Mean over the 3 channels of a float32 image, summed in numpy's order (as .mean(axis=2),
    without its strided reduction: a third of the test's cost)."""
    r, g, b = cv2.split(image)
    return cv2.add(cv2.add(r, g), b) / np.float32(3)
