"""Camera motion: homographies between any two frames, from tracked corners on small gray frames.

Corners of a keyframe are tracked into each following frame with pyramidal Lucas-Kanade on a
downscaled grayscale copy (sub-pixel, cheaper than descriptor matching) and fitted with a RANSAC
homography; the object's dilated mask is excluded so its own motion does not pull the estimate.
Linking frames to keyframes rather than to their predecessor keeps LK's small per-step bias from
adding up (chained pairs drifted 5 px over 240 frames). Chaining keyframes gives each frame's
transform into frame 0's coordinates, so any pair (j -> i) is one matrix product.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from vtrack.inpaint.embedded.masks import dilate

# Long side of the frames used for alignment: features there are plenty for a homography and the
# cost stays ~2 ms per frame pair at 480p input.
ALIGN_LONG_SIDE = 480
MIN_POINTS = 12
# Frames between keyframes: each frame is registered directly to its keyframe.
KEYFRAME_GAP = 16


def _small_gray(frame: np.ndarray, scale: float) -> np.ndarray:
    gray = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
    if scale == 1.0:
        return gray
    h, w = gray.shape
    return cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


def _small_mask(mask: np.ndarray, scale: float, margin: int) -> np.ndarray:
    """uint8 255 where features may be taken (away from the object)."""
    m = dilate(mask, margin)
    if scale != 1.0:
        h, w = m.shape
        m = cv2.resize(
            m.astype(np.uint8),
            (round(w * scale), round(h * scale)),
            interpolation=cv2.INTER_NEAREST,
        ).astype(bool)
    return np.where(m, 0, 255).astype(np.uint8)


_LK = {
    "winSize": (15, 15),
    "criteria": (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 10, 0.03),
}


def corners(gray: np.ndarray, free: np.ndarray) -> np.ndarray | None:
    """Trackable corners of a (small, gray) keyframe, away from the object."""
    pts = cv2.goodFeaturesToTrack(
        gray, maxCorners=200, qualityLevel=0.005, minDistance=6, mask=free, blockSize=5
    )
    return None if pts is None or len(pts) < MIN_POINTS else pts.astype(np.float32)


def track_homography(
    pts: np.ndarray,
    gray_a: np.ndarray,
    gray_b: np.ndarray,
    free_b: np.ndarray,
    guess: np.ndarray,
) -> tuple[np.ndarray | None, int]:
    """Homography a -> b from corners `pts` of a tracked into b, starting from `guess`.

    Returns (H or None, inlier count). The guess (constant-velocity prediction) lets LK work
    across a keyframe gap of many frames without losing fast pans.
    """
    init = cv2.perspectiveTransform(pts, guess).astype(np.float32)
    flags = cv2.OPTFLOW_USE_INITIAL_FLOW
    # Two pyramid levels absorb a few pixels of guess error; the backward pass starts next to its
    # answer, so one level is enough there (pyramid building dominates LK's cost at this size).
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(
        gray_a, gray_b, pts, init.copy(), flags=flags, maxLevel=2, **_LK
    )
    back, st2, _ = cv2.calcOpticalFlowPyrLK(
        gray_b, gray_a, nxt, pts.copy(), flags=flags, maxLevel=0, **_LK
    )
    # Forward-backward check drops points that slid along edges or were covered by the object.
    fb = np.linalg.norm((back - pts).reshape(-1, 2), axis=1)
    ok = (st.ravel() == 1) & (st2.ravel() == 1) & (fb < 0.5)
    p, q = pts.reshape(-1, 2)[ok], nxt.reshape(-1, 2)[ok]
    h, w = gray_b.shape
    qi = np.round(q).astype(int)
    inb = (qi[:, 0] >= 0) & (qi[:, 0] < w) & (qi[:, 1] >= 0) & (qi[:, 1] < h)
    p, q, qi = p[inb], q[inb], qi[inb]
    keep = free_b[qi[:, 1], qi[:, 0]] > 0
    p, q = p[keep], q[keep]
    if len(p) < MIN_POINTS:
        return None, 0
    H, inl = cv2.findHomography(p, q, cv2.RANSAC, 1.0, maxIters=500, confidence=0.995)
    if H is None or inl is None or int(inl.sum()) < MIN_POINTS:
        return None, 0
    return H, int(inl.sum())


def fallback_homography(gray_a: np.ndarray, gray_b: np.ndarray) -> np.ndarray:
    """Too little texture for corners (night sky, flat wall): a global translation, or none."""
    (dx, dy), response = cv2.phaseCorrelate(gray_a.astype(np.float32), gray_b.astype(np.float32))
    if response < 0.05:
        return np.eye(3)
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], float)


class CameraMotion:
    """Homographies between frames; `between(j, i)` maps frame j's pixels onto frame i's."""

    def __init__(self, to_first: np.ndarray) -> None:
        # to_first[k] maps frame k's pixel coordinates to frame 0's.
        self._to_first = to_first
        self._from_first = np.linalg.inv(to_first)

    def __len__(self) -> int:
        return len(self._to_first)

    def between(self, src: int, dst: int) -> np.ndarray:
        return self._from_first[dst] @ self._to_first[src]

    @classmethod
    def estimate(
        cls,
        frames: Sequence[np.ndarray],
        masks: Sequence[np.ndarray],
        margin: int = 6,
        workers: int = 2,
        progress: Callable[[int], None] | None = None,
    ) -> CameraMotion:
        """Chain consecutive-pair homographies; chunks run on `workers` threads (cv2 drops the GIL)."""
        n = len(frames)
        if n == 0:
            return cls(np.zeros((0, 3, 3)))
        h, w = frames[0].shape[:2]
        scale = min(1.0, ALIGN_LONG_SIDE / max(h, w))
        S = np.diag([scale, scale, 1.0])
        S_inv = np.diag([1 / scale, 1 / scale, 1.0])
        # links[k] = (keyframe index, homography keyframe -> k at full resolution).
        links: list[tuple[int, np.ndarray]] = [(0, np.eye(3))] * n

        def run(lo: int, hi: int) -> None:
            key = lo
            key_gray, key_free = (
                _small_gray(frames[lo], scale),
                _small_mask(masks[lo], scale, margin),
            )
            key_pts = corners(key_gray, key_free)
            prev_gray = key_gray
            to_prev = np.eye(3)  # keyframe -> previous frame (small pixels)
            step = np.eye(3)  # previous frame's motion, the constant-velocity guess
            for k in range(lo + 1, hi):
                gray, free = _small_gray(frames[k], scale), _small_mask(masks[k], scale, margin)
                Hs, inliers = (None, 0)
                if key_pts is not None:
                    Hs, inliers = track_homography(key_pts, key_gray, gray, free, step @ to_prev)
                if Hs is None:
                    Hs = fallback_homography(prev_gray, gray) @ to_prev
                links[k] = (key, S_inv @ Hs @ S)
                step = Hs @ np.linalg.inv(to_prev)
                to_prev = Hs
                prev_gray = gray
                # Direct links to a keyframe keep drift from adding up frame after frame; a new
                # keyframe once the old one is far or its corners are mostly gone.
                if k - key >= KEYFRAME_GAP or key_pts is None or inliers < 0.5 * len(key_pts):
                    key, key_gray, key_pts = k, gray, corners(gray, free)
                    to_prev = np.eye(3)
                if progress is not None:
                    progress(1)

        _in_chunks(run, n, workers)
        return cls(_chained_to_first(links))


def _in_chunks(run: Callable[[int, int], None], n: int, workers: int) -> None:
    """`run(lo, hi)` over consecutive chunks of 0..n sharing their end frames, one per worker."""
    bounds = np.linspace(0, n - 1, max(1, min(workers, n - 1)) + 1).astype(int)
    chunks = [(int(a), int(b) + 1) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    if len(chunks) > 1:
        with ThreadPoolExecutor(len(chunks)) as pool:
            list(pool.map(lambda c: run(*c), chunks))
    else:
        run(0, n)


def _chained_to_first(links: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """Each frame's homography to frame 0, from its link to an earlier keyframe."""
    n = len(links)
    to_first = np.empty((n, 3, 3))
    to_first[0] = np.eye(3)
    for k in range(1, n):
        key, H = links[k]  # keys always precede k, so to_first[key] is ready
        to_first[k] = to_first[key] @ np.linalg.inv(H)
        to_first[k] /= to_first[k][2, 2]
    return to_first
