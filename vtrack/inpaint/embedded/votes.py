"""Temporal votes: what a hole pixel's background looks like in frames further away in time.

Frames a few to a few dozen frames off in both directions, aligned by the camera homography,
rarely all show the same moving thing at the same spot, so the per-channel median of what they
show there says what stays there. They arbitrate between the search's two candidates (combine.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.holes import Hole, sees_background
from vtrack.inpaint.embedded.rows import channel_sum, pick, put
from vtrack.inpaint.embedded.sampling import remap_points

# Frames a vote is taken from, relative to the frame being filled: beyond the few frames a
# moving thing takes to cross a spot, within the second or two over which a scene stays put.
# Measured on the tune composites: 4 votes (+-8, +-24) 22.65 dB, 6 (+-8, +-16, +-32) 23.08,
# these 8: 23.25, 10 reaching +-48 or +-64: 23.20 / 23.28 (no better, and dearer).
OFFSETS = (-32, -16, -8, -4, 4, 8, 16, 32)
# Fewer votes than this do not make a majority: the nearer candidate stands (near the
# ends of a clip or of a long occlusion only a couple of voting frames see the spot at all).
QUORUM = 2


def votes(
    t: int,
    xs: np.ndarray,
    ys: np.ndarray,
    frames: Sequence[np.ndarray],
    holes: Callable[[int], Hole | None],
    motion: CameraMotion,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-channel median (n, 3) float32 of the votes at full-frame pixels (xs, ys) of frame t,
    how many votes each pixel got (n,), and their spread (n,): the median summed |RGB| distance
    of the votes from their median (small when the votes agree)."""
    n = len(frames)
    frame_shape = frames[0].shape[:2]
    # +inf where a frame gives no vote: sorts last, and is +inf in the distances too.
    got = np.full((len(OFFSETS), xs.size, 3), np.inf, np.float32)
    ok = np.zeros((len(OFFSETS), xs.size), bool)
    pts = np.stack([xs, ys], axis=-1).astype(np.float64).reshape(-1, 1, 2)
    for k, d in enumerate(OFFSETS):
        v = t + d
        if v < 0 or v >= n:
            continue
        q = cv2.perspectiveTransform(pts, motion.between(t, v)).reshape(-1, 2)
        qx, qy = q[:, 0].astype(np.float32), q[:, 1].astype(np.float32)
        valid = sees_background(qx, qy, frame_shape, holes(v))
        if valid.any():
            seen = remap_points(np.asarray(frames[v]), qx[valid], qy[valid]).astype(np.float32)
            put(got[k], valid, seen)
            ok[k] = valid
    count = ok.sum(axis=0)
    median = _median(got, count)
    dist = channel_sum(np.abs(got - median[None]))
    spread = _median(dist[..., None], count)[:, 0]
    return median, count, np.where(count > 0, spread, np.inf)


# Batcher's odd-even merge sorting network for 8 values (19 compare-exchanges): over many
# pixels, elementwise min/max is ~3x faster than numpy's sort along an axis of length 8.
_NETWORK_8 = (
    (0, 1), (2, 3), (4, 5), (6, 7), (0, 2), (1, 3), (4, 6), (5, 7), (1, 2), (5, 6),
    (0, 4), (3, 7), (1, 5), (2, 6), (1, 4), (3, 6), (2, 4), (3, 5), (3, 4),
)  # fmt: skip


def _sorted(values: np.ndarray) -> np.ndarray:
    """`values` (k, n, c) sorted along axis 0."""
    if values.shape[0] != 8:
        return np.sort(values, axis=0)
    v = [values[i] for i in range(8)]
    for a, b in _NETWORK_8:
        v[a], v[b] = np.minimum(v[a], v[b]), np.maximum(v[a], v[b])
    return np.stack(v)


def _median(values: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median over axis 0 of (k, n, c) values whose invalid entries are +inf (count valid each)."""
    ordered = _sorted(values)  # (k, n, c)
    lo = np.clip((count - 1) // 2, 0, None)
    hi = np.minimum(np.clip(count // 2, 0, values.shape[0] - 1), np.maximum(count - 1, 0))
    n = values.shape[1]
    rows = np.arange(n)
    flat = ordered.reshape(-1, values.shape[2])  # (k * n, c): (i, row) is at i * n + row
    mid = (pick(flat, lo * n + rows) + pick(flat, hi * n + rows)) / 2
    return np.where(count[:, None] > 0, mid, 0.0).astype(np.float32)
