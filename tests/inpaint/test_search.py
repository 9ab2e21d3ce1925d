"""The search and the votes: the nearest frame that saw a spot, no ghosts of passers-by."""

from __future__ import annotations

import numpy as np

from vtrack.inpaint.embedded import EmbeddedInpainter
from vtrack.inpaint.embedded.holes import Hole, sees_background
from vtrack.inpaint.embedded.search import NEAR, REACH, nearest_seen, schedule
from vtrack.inpaint.embedded.votes import _median
from vtrack.inpaint.metrics import psnr
from vtrack.media.frames import FrameSequence


def _translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], float)


class _Pan:
    """A camera panning `pan` px a frame: frame j's pixel x is frame i's x + pan * (i - j)."""

    def __init__(self, pan: float) -> None:
        self.pan = pan

    def between(self, src: int, dst: int) -> np.ndarray:
        return _translation(self.pan * (src - dst), 0.0)


def test_search_finds_the_nearest_frame_that_saw_each_pixel() -> None:
    # A square hole drifting right by 3 px a frame over a camera panning 1.37 px a frame: each
    # frame reveals a band, so answers come from many frames. Each pixel's answer must be the
    # nearest frame (that direction) that shows background there, sampled where the camera
    # motion puts it; a frame with no hole shows it everywhere it is in the frame.
    shape, n, pan = (120, 160), 60, 1.37
    rng = np.random.default_rng(2)
    frames = [rng.integers(0, 255, shape + (3,), dtype=np.uint8) for _ in range(n)]
    holes = []
    for t in range(n):
        mask = np.zeros(shape, bool)
        if t < n - 1:
            mask[40:80, 10 + 2 * t : 50 + 2 * t] = True
        holes.append(Hole.of(mask, 2, 1))
    motion = _Pan(pan)
    hole = holes[0]
    xs, ys = hole.pixels()
    colours, ages, _ = nearest_seen(
        0, xs, ys, 1, frames, holes.__getitem__, motion, lambda x, y: x.astype(int)
    )
    assert (ages > 0).mean() > 0.95
    for k in np.nonzero(ages > 0)[0][::97]:
        s = ages[k]
        x = xs[k] - pan * s
        assert 0 <= x <= shape[1] - 1
        nearer = [
            d
            for d in range(1, s)
            if sees_background(np.array([xs[k] - pan * d]), np.array([ys[k]]), shape, holes[d])[0]
        ]
        assert not nearer, (k, s, nearer)
        x0 = int(np.floor(x))
        f = x - x0
        row = frames[s][ys[k]].astype(float)
        expected = row[x0] * (1 - f) + row[min(x0 + 1, shape[1] - 1)] * f
        assert np.abs(colours[k] - expected).max() <= 1.5, (k, colours[k], expected)
    assert list(schedule(5, -1, 100)) == [4, 3, 2, 1, 0]
    far = list(schedule(0, 1, 1000))
    assert far[:NEAR] == list(range(1, NEAR + 1)) and far[-1] == REACH
    assert all(s % 8 == 0 for s in far[NEAR:]) and len(far) < NEAR + 16


def test_median_ignores_missing_votes() -> None:
    values = np.array([[[1.0]], [[5.0]], [[np.inf]], [[3.0]]])
    assert _median(values, np.array([3]))[0, 0] == 3.0
    values = np.array([[[1.0]], [[5.0]], [[2.0]], [[3.0]]])
    assert _median(values, np.array([4]))[0, 0] == 2.5
    assert _median(np.full((4, 1, 1), np.inf), np.array([0]))[0, 0] == 0.0


def test_eight_vote_median_matches_numpy() -> None:
    # The eight-vote sorting network must give numpy's median of the valid votes exactly.
    rng = np.random.default_rng(3)
    values = rng.normal(size=(8, 500, 3)).astype(np.float32)
    count = rng.integers(0, 9, 500)
    for k in range(8):
        values[k, count <= k] = np.inf  # the first `count` votes of each pixel are valid
    got = _median(values, count)
    for i in np.nonzero(count)[0]:
        assert np.allclose(got[i], np.median(values[: count[i], i], axis=0)), i
    assert (got[count == 0] == 0).all()


def test_a_passer_by_behind_the_object_leaves_no_ghost() -> None:
    # Static textured wall; the object stands still, then walks off to the right, and a dark
    # bar walks through the spot it leaves just when it leaves it. The search of later frames meets
    # the bar on the first frame that shows the spot; votes from frames further off see the
    # wall (the bar has moved on) and must win on the early frames.
    rng = np.random.default_rng(4)
    h, w, n = 96, 160, 48
    wall = np.clip(rng.normal(150, 30, (h, w, 3)), 0, 255).astype(np.uint8)
    frames, masks, truths = [], [], []
    for t in range(n):
        truth = wall.copy()
        bar_x = 40 + 6 * (t - 13)
        truth[:, max(0, bar_x) : max(0, bar_x + 10)] = 20
        mask = np.zeros((h, w), bool)
        x = 40 if t < 12 else min(w - 24, 40 + 8 * (t - 12))
        mask[30:70, x : x + 24] = True
        frame = truth.copy()
        frame[mask] = (200, 40, 40)
        frames.append(frame)
        masks.append(mask)
        truths.append(truth)
    video = FrameSequence.from_arrays(np.stack(frames))
    outs = list(EmbeddedInpainter(margin_px=2, feather_px=0).inpaint(video, masks))
    worst = min(psnr(outs[t], truths[t], masks[t]) for t in range(2, 9))
    assert worst > 30, worst


def test_never_seen_area_is_synthesised_once_and_stays_put() -> None:
    # An object that never moves on a still camera: no frame shows what is behind it. The
    # synthesised fill must be the same on every frame (carried, not re-invented: no flicker)
    # and must not keep the object's colour.
    rng = np.random.default_rng(5)
    h, w, n = 90, 120, 12
    yy, xx = np.mgrid[0:h, 0:w]
    wall = np.stack([100 + xx, 120 + 0 * xx, 90 + yy], axis=-1).astype(np.float64)
    frames, masks = [], []
    for _ in range(n):
        frame = np.clip(wall + rng.normal(0, 2, wall.shape), 0, 255).astype(np.uint8)
        mask = np.zeros((h, w), bool)
        mask[25:70, 35:85] = True  # 2250 px: large enough for the FSR path
        frame[mask] = (255, 0, 255)
        frames.append(frame)
        masks.append(mask)
    video = FrameSequence.from_arrays(np.stack(frames))
    outs = list(EmbeddedInpainter(margin_px=2, feather_px=0).inpaint(video, masks))
    inside = masks[0]
    first = outs[0][inside].astype(int)
    assert np.abs(first - (255, 0, 255)).sum(axis=1).min() > 100
    for out in outs[1:]:
        assert np.abs(out[inside].astype(int) - first).mean() < 1.0
    truth = np.clip(wall, 0, 255).astype(np.uint8)
    assert psnr(outs[0], truth, inside) > 25
