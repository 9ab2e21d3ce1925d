"""The nearest frame, in one direction in time, that saw the background at a hole's pixels.

The many-frame fill (manyframes.py) covers a hole from the frames t +- 1 .. 32 it chose; the few
pixels it leaves (none of those frames saw them: the object stood there longer, or they were
seen only by a frame it did not choose) are looked up here, only for those pixels and only when
a frame has any. Each pixel is moved into frame t + d (d = 1, 2, ... away, one direction) by
the camera homography between the two frames, which composes exactly, and takes the first
frame that shows the background there (in the frame, off that frame's own hole): what a chain
of frame-to-frame steps would find, without keeping a pass's answers for the whole clip
(memory flat in the video's length) and without work where the many-frame fill left nothing.
Within NEAR frames every frame is tried; further off, frames on a coarser grid (see FAR), up to
REACH: a spot hidden longer than that is synthesised and carried (spatial.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import cv2
import numpy as np

from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.holes import Hole, sees_background
from vtrack.inpaint.embedded.rows import put
from vtrack.inpaint.embedded.sampling import remap_points

# Every frame this near is tried. Holdout composites, true masks, on the four whose holes the
# many-frame fill leaves pixels in (4-19 % on three of them): every frame to 32, then the grid
# below, 15.34 dB mean; every frame to 96: 15.39 (stroller_on_car-turn 16.09 -> 16.14, flicker
# down on three).
NEAR = 96
# Further off, (distance up to, grid step): frames whose index is a multiple of the step, so
# consecutive frames ask the same far frames (their holes stay in the cache) and a pixel hidden
# for long costs a dozen lookups a direction, not hundreds. The nearest grid frame that saw a
# spot is at most a step further than the nearest frame that did.
FAR = ((192, 16), (384, 32))
REACH = FAR[-1][0]
# Many pixels left: a frame is first probed at every PROBE-th of them (row-major, so spread over
# the hole) and skipped when it sees none. Where no frame ever saw the spot (an object that
# never moves) the search then costs a sixteenth; a sliver a frame reveals is a few pixels wide
# and tens long, so some probe lands on it.
PROBE = 16

# colours (n, 3) uint8, ages (n,) (frames between t and the source; 0: none), source spots (n,)
Candidates = tuple[np.ndarray, np.ndarray, np.ndarray]
# spots(x, y): where full-frame points fall on the moving parts' small grid (moving.py).
Spots = Callable[[np.ndarray, np.ndarray], np.ndarray]


def schedule(t: int, direction: int, n: int) -> Iterator[int]:
    """The frames tried for frame t in `direction` (+1 later, -1 earlier), nearest first."""
    for d in range(1, NEAR + 1):
        s = t + direction * d
        if not 0 <= s < n:
            return
        yield s
    near = NEAR
    for reach, step in FAR:
        for d in range(near + 1, reach + 1):
            s = t + direction * d
            if not 0 <= s < n:
                return
            if s % step == 0:
                yield s
        near = reach


def nearest_seen(
    t: int,
    xs: np.ndarray,
    ys: np.ndarray,
    direction: int,
    frames: Sequence[np.ndarray],
    holes: Callable[[int], Hole | None],
    motion: CameraMotion,
    spots: Spots,
) -> Candidates:
    """For frame t's full-frame pixels (xs, ys): the colour each shows in the nearest frame in
    `direction` that saw the background there, that frame's distance (0: none within REACH)
    and the source spots on the moving parts' grid."""
    count = xs.size
    colours = np.zeros((count, 3), np.uint8)
    ages = np.zeros(count, np.int32)
    at_x, at_y = np.zeros(count, np.float32), np.zeros(count, np.float32)
    left = np.arange(count)
    pts = np.stack([xs, ys], axis=-1).astype(np.float64).reshape(-1, 1, 2)
    shape = frames[0].shape[:2]
    for s in schedule(t, direction, len(frames)):
        if left.size == 0:
            break
        to_s, hole_s = motion.between(t, s), holes(s)
        if left.size > 16 * PROBE and not _sees(pts[left[::PROBE]], to_s, shape, hole_s).any():
            continue  # a spot hidden all along (an object that stands still): no frame saw it
        qx, qy = _moved(pts[left], to_s)
        inside = (qx >= 0) & (qx <= shape[1] - 1) & (qy >= 0) & (qy <= shape[0] - 1)
        seen = inside & ~hole_s.covers(qx, qy) if hole_s is not None else inside
        if seen.any():
            found = left[seen]
            put(colours, found, remap_points(np.asarray(frames[s]), qx[seen], qy[seen]))
            ages[found] = abs(s - t)
            at_x[found], at_y[found] = qx[seen], qy[seen]
        # A pixel the camera moved out of the frame is not followed further (it has left the
        # scene that way; a frame much further off that shows it again shows it changed).
        left = left[inside & ~seen]
    return colours, ages, spots(at_x, at_y)


def _moved(pts: np.ndarray, to_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    q = cv2.perspectiveTransform(pts, to_s).reshape(-1, 2)
    return q[:, 0].astype(np.float32), q[:, 1].astype(np.float32)


def _sees(
    pts: np.ndarray, to_s: np.ndarray, shape: tuple[int, int], hole_s: Hole | None
) -> np.ndarray:
    return sees_background(*_moved(pts, to_s), shape, hole_s)
