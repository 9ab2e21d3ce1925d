"""Chains and votes: exact sources along the camera, no drift, no ghosts of passers-by."""

from __future__ import annotations

import numpy as np

from vtrack.inpaint.embedded import EmbeddedInpainter
from vtrack.inpaint.embedded.chain import NONE, ChainState, chain_step
from vtrack.inpaint.embedded.holes import Hole
from vtrack.inpaint.embedded.votes import _median
from vtrack.inpaint.metrics import psnr
from vtrack.media.frames import FrameSequence


def _translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], float)


def test_chained_answers_match_the_direct_camera_mapping() -> None:
    # A square hole drifting right by 3 px a frame over a camera panning 1.37 px a frame: each
    # frame reveals a band, so answers come from many frames and many seams; after 12 steps
    # every answer must still be where the composed camera motion puts it (snapping to the
    # nearest neighbour at seams drifted 0.1-0.4 px a step).
    shape, n, pan = (120, 160), 13, 1.37
    holes = []
    for t in range(n):
        mask = np.zeros(shape, bool)
        mask[40:80, 30 + 3 * t : 70 + 3 * t] = True
        holes.append(Hole.of(mask, 2, 1))
    state = ChainState.empty(holes[-1].shape)
    for t in range(n - 2, -1, -1):  # backward pass: frame t looks at t + 1
        state = chain_step(holes[t], _translation(-pan, 0.0), t + 1, holes[t + 1], state, shape)
    hole = holes[0]
    ys, xs = np.nonzero(hole.region)
    src = state.src[ys, xs]
    assert (src != NONE).mean() > 0.9
    ok = src != NONE
    expected_x = xs[ok] + hole.box[0] - pan * (src[ok] - 0)
    assert np.abs(state.x[ys[ok], xs[ok]] - expected_x).max() < 0.05
    assert np.abs(state.y[ys[ok], xs[ok]] - (ys[ok] + hole.box[1])).max() < 0.05
    assert len(np.unique(src[ok])) >= 5


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
    # bar walks through the spot it leaves just when it leaves it. The later frames' chain meets
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
