"""Many-frame fill: every nearby frame's aligned candidate, weighted by how well that frame
matches this one around the hole.

The nearest frame that saw the background at a pixel (search.py) is the obvious source. That
frame is often the wrong one: a car drove through the spot then, the camera's homography is off
there (parallax, water), or the spot was just uncovered and still carries the object's blur.
Measured on the DAVIS composites (bench/eval_removal.py --analyse), a better frame exists for
most hole pixels, and the known pixels around the hole say which: a source frame that, aligned
by the camera homography, shows what this frame shows on the ring around the hole is likely
right inside it too. So for frames t +- OFFSETS, the aligned source's difference from frame t is
measured on the ring (both frames showing background there), completed into the hole by
push-pull (pushpull.py: smooth, so each hole pixel takes the match of the ring parts nearest to
it).
The KEEP sources that carry most of that weight over the hole are sampled at full resolution,
and each hole pixel gets the mean of their candidates weighted by exp(-(that match + a small
cost for distance in time) / TAU), made robust by one reweighting step that lowers candidates
far from the mean (a passer-by the ring did not see). A weighted mean rather than the best
single frame: when several frames match about as well, their mean is the safer guess and
flickers less; a frame that matches clearly worse gets almost no weight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.combine import DISAGREE
from vtrack.inpaint.embedded.holes import Hole, sees_background
from vtrack.inpaint.embedded.pushpull import push_pull
from vtrack.inpaint.embedded.sampling import remap_points

# Source frames, as offsets from the frame filled (both directions): dense near t, where the
# scene is most alike, sparser further out, where a spot hidden for long is finally seen; all
# within the frame cache's window (cache.FRAMES_KEPT). Measured (tune composites, true masks,
# all sampled): these 20 sources 24.51 dB; +-(1, 2, 4, 8, 16, 32) 0.35 dB less on the two
# composites tried, with more flicker.
OFFSETS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)
# Softness of the weights, in summed |RGB| difference on the ring (after the blur): two frames
# whose ring differs by TAU get weights e:1. Noise and sub-pixel misalignment leave a few
# levels a channel (~10 summed); a wrong frame (something moved through, parallax) tens.
# In the bench's prototype (five composites) 30 beat 10 and matched 90 (not tuned further).
TAU = 30.0
# Cost per doubling of the distance in time (same units): at equal match the nearer frame wins.
DISTANCE_COST = 0.5
# Candidates this far (summed |RGB|) from the weighted mean lose e:1 of their weight. Three
# times combine.py's DISAGREE: misalignment and parallax make honest candidates differ by tens;
# a passer-by differs by hundreds. DISAGREE itself with two steps lost 0.2-0.5 dB and flickered
# more on five of the six composites it was run on.
AGREE = 3.0 * DISAGREE
ROBUST_STEPS = 1
# The ring match is measured on a grid of every STEP-th pixel (smooth after the blur, and
# completed smoothly anyway); BLUR_SIGMA is at the grid's scale (2 px at full resolution).
STEP = 4
BLUR_SIGMA = 0.5
CONTEXT = 16  # pixels around the hole's box whose match counts (full resolution)
MIN_RING = 16  # grid points of ring needed to judge a source
# Sources sampled at full resolution (each costs a pass over the hole's pixels): the ones that
# carry most of the weight on the grid. Holdout, true masks: all 20 (grid step 2) 20.12 dB,
# these 10 20.00, 6 19.61 (and the flicker of the landed engine).
KEEP = 10
_CHANNEL_SUM = np.ones((1, 3), np.float32)  # cv2.transform: the three channels summed


def many_frame_fill(
    t: int,
    frames: Sequence[np.ndarray],
    holes: Callable[[int], Hole | None],
    motion: CameraMotion,
    hole: Hole,
) -> tuple[np.ndarray, np.ndarray]:
    """Colours (n, 3) float32 at the hole's region pixels (row-major) and where any source
    frame gave one (n,) bool."""
    n = len(frames)
    xs, ys = hole.pixels()
    grid = _Grid(np.asarray(frames[t]), hole)
    seen = []
    for d in OFFSETS:
        for s in (t - d, t + d):
            if 0 <= s < n:
                to_s = motion.between(t, s)
                got = _ring_difference(grid, np.asarray(frames[s]), holes(s), to_s)
                if got is not None:
                    seen.append((s, to_s, d, *got))
    if not seen:
        return np.zeros((xs.size, 3), np.float32), np.zeros(xs.size, bool)
    # Every source's ring difference completed over the grid in one go.
    completed = push_pull(
        np.dstack([diff for *_, diff, _, _ in seen]), np.dstack([ring for *_, ring, _ in seen])
    )
    judged = [
        (s, to_s, completed[..., k] + np.float32(DISTANCE_COST * np.log2(d)), valid)
        for k, (s, to_s, d, _, _, valid) in enumerate(seen)
    ]
    pts = np.stack([xs, ys], axis=-1).astype(np.float64).reshape(-1, 1, 2)
    chosen = _best(judged, grid)
    weights = np.zeros((len(chosen), xs.size), np.float32)
    colours = np.zeros((len(chosen), 3, xs.size), np.float32)
    k = 0
    for s, to_s, score, _ in chosen:
        source = np.asarray(frames[s])
        if _sample(grid, pts, source, holes(s), to_s, score, weights[k], colours[k]):
            k += 1
    if k == 0:
        return np.zeros((xs.size, 3), np.float32), np.zeros(xs.size, bool)
    return _robust_mean(weights[:k], colours[:k])


def _best(judged: list, grid: _Grid) -> list:
    """The KEEP sources that would carry most of the weight over the hole (on the grid)."""
    if len(judged) <= KEEP:
        return judged
    # Scores are bounded (summed |RGB| <= 765 plus the distance cost): no underflow without
    # subtracting the best first.
    w = np.stack(
        [np.exp(-score[grid.inside] / TAU) * valid[grid.inside] for *_, score, valid in judged]
    )
    share = w / np.maximum(w.sum(axis=0), 1e-30)
    order = np.argsort(-share.sum(axis=1), kind="stable")[:KEEP]
    return [judged[i] for i in sorted(order)]


def _robust_mean(weights: np.ndarray, colours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean (n, 3) of the candidates (k, 3, n) (planes, so every operation runs along
    the pixels) by their weights (k, n), with each candidate's weight then lowered by its
    distance from that mean, ROBUST_STEPS times: a candidate that disagrees with the
    well-matching majority (a passer-by the ring did not catch) loses its share instead of
    tinting the fill."""
    weights, colours = np.asarray(weights), np.asarray(colours)
    have = weights.sum(axis=0) > 0
    mean = _weighted(weights, colours)
    for _ in range(ROBUST_STEPS):
        far = np.abs(colours - mean)
        agreeing = weights * np.exp((far[:, 0] + far[:, 1] + far[:, 2]) / -AGREE)
        mean = _weighted(agreeing, colours)
    return cv2.transpose(mean), have


def _weighted(weights: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """Sum of weight * colour (3, n) over the candidates over the sum of weights (0 where
    none): summed in order, candidate after candidate."""
    total = weights.sum(axis=0)
    mixed = np.einsum("ki,kci->ci", weights, colours)
    mixed /= np.where(total > 0, total, 1.0)
    return mixed


class _Grid:
    """Frame t around the hole on the coarse grid: where it is known, and what it shows."""

    def __init__(self, frame: np.ndarray, hole: Hole) -> None:
        height, width = frame.shape[:2]
        self.size = (height, width)
        x0, y0, x1, y1 = hole.box
        a0, b0 = max(0, x0 - CONTEXT), max(0, y0 - CONTEXT)
        a1, b1 = min(width, x1 + CONTEXT), min(height, y1 + CONTEXT)
        gx, gy = np.meshgrid(
            np.arange(a0, a1, STEP, dtype=np.float32), np.arange(b0, b1, STEP, dtype=np.float32)
        )
        self.points = np.stack([gx, gy], axis=-1).reshape(-1, 1, 2).astype(np.float64)
        self.shape = gx.shape
        self.image = _blurred(frame[b0:b1:STEP, a0:a1:STEP])
        hx = (gx - x0).astype(int).clip(0, hole.shape[1] - 1)
        hy = (gy - y0).astype(int).clip(0, hole.shape[0] - 1)
        in_box = (gx >= x0) & (gx < x1) & (gy >= y0) & (gy < y1)
        self.inside = in_box & hole.hole[hy, hx]
        self.known = ~self.inside
        # Where each hole-region pixel falls on the grid (bilinear read of the completed match).
        hxs, hys = hole.pixels()
        self.read_x = ((hxs - a0) / STEP).astype(np.float32)
        self.read_y = ((hys - b0) / STEP).astype(np.float32)


def _blurred(image: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(np.ascontiguousarray(image).astype(np.float32), (0, 0), BLUR_SIGMA)


def _ring_difference(
    grid: _Grid, source: np.ndarray, hole_s: Hole | None, to_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One source's difference from frame t on the grid (float32, summed |RGB| after the blur),
    where it counts (the ring both frames show: float32 0 / 1) and where on the grid the source
    sees background (bool); None when too little of the ring is seen to judge it."""
    q = cv2.perspectiveTransform(grid.points, to_s).reshape(grid.shape + (2,)).astype(np.float32)
    qx, qy = q[..., 0], q[..., 1]
    valid = sees_background(qx, qy, grid.size, hole_s)
    ring = valid & grid.known
    if int(ring.sum()) < MIN_RING:
        return None
    warped = _blurred(cv2.remap(source, qx, qy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    diff = cv2.transform(cv2.absdiff(warped, grid.image), _CHANNEL_SUM)
    return diff, ring.astype(np.float32), valid


def _sample(
    grid: _Grid,
    pts: np.ndarray,
    source: np.ndarray,
    hole_s: Hole | None,
    to_s: np.ndarray,
    score: np.ndarray,
    weight: np.ndarray,
    colours: np.ndarray,
) -> bool:
    """One chosen source's weights (n,) (0 where it does not see the background) and colours
    (3, n) float32 at the hole's region pixels (as planes), written into `weight` and
    `colours`; False when it sees none of them."""
    p = cv2.perspectiveTransform(pts, to_s).reshape(-1, 2)
    px, py = p[:, 0].astype(np.float32), p[:, 1].astype(np.float32)
    sees = sees_background(px, py, grid.size, hole_s)
    if not sees.any():
        return False
    np.exp(-remap_points(score, grid.read_x, grid.read_y) / TAU, out=weight)
    weight[~sees] = 0.0
    colours[...] = cv2.transpose(remap_points(source, px, py))
    return True
