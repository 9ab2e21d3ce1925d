"""Moving parts: what moves on its own is found, and a candidate showing it loses to a clear one."""

from __future__ import annotations

import numpy as np
import skimage.data

from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.combine import DISAGREE, combine
from vtrack.inpaint.embedded.holes import Hole
from vtrack.inpaint.embedded.moving import MovingParts

H, W, N = 96, 160, 40


def _walker_scene() -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """A still camera on a real photo; the object stands at the left for the clip, and a
    walker in a striped coat (edges, no corners: the camera alignment keeps following the
    photo) crosses the frame at 1.5 px a frame. Returns frames, object masks, walker masks."""
    wall = np.ascontiguousarray(
        skimage.data.astronaut()[100 : 100 + 2 * H : 2, 150 : 150 + 2 * W : 2]
    )
    stripes = np.where((np.arange(30) // 6) % 2 == 0, 30, 100).astype(np.uint8)
    coat = np.broadcast_to(stripes[None, :, None], (H, 30, 3))
    frames, masks = [], []
    walker = np.zeros((N, H, W), bool)
    for t in range(N):
        frame = wall.copy()
        left = round(40 + 1.5 * t)
        frame[:, left : left + 30] = coat[:, : max(0, min(30, W - left))]
        walker[t, :, left : left + 30] = True
        mask = np.zeros((H, W), bool)
        mask[30:70, 4:28] = True
        frame[mask] = (200, 40, 40)
        frames.append(frame)
        masks.append(mask)
    return frames, masks, walker


def test_the_walker_is_found_moving_and_the_still_scene_is_not() -> None:
    frames, masks, walker = _walker_scene()
    parts = MovingParts(frames, masks, 2, CameraMotion.estimate(frames, masks, 2, 1))
    t = 20
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    found = parts.at(t, xs, ys)
    left = round(40 + 1.5 * t)
    away = ~walker[t] & ~masks[t]
    away[:, left - 8 : left + 38] = False  # the walker's blurred edge
    assert found[walker[t]].mean() > 0.8
    assert found[away].mean() < 0.05


def test_of_two_disagreeing_candidates_the_one_showing_a_mover_is_dropped() -> None:
    # Four hole pixels with candidates from both directions that disagree. Where only one
    # source spot was clear, it must win even though it is older and the votes' median sides
    # with the other (votes that disagree among themselves: they overrule no lone candidate);
    # where both (or neither) were clear, the votes decide between the two as before.
    mask = np.zeros((12, 12), bool)
    mask[5:7, 5:7] = True
    hole = Hole.of(mask, 0, 0)
    assert hole is not None and int(hole.region.sum()) == 4
    wall, mover = np.array([150, 150, 150]), np.array([30, 30, 30])
    assert np.abs(wall - mover).sum() > DISAGREE
    spots = np.arange(4, dtype=np.int32)
    earlier = (np.tile(wall, (4, 1)).astype(np.uint8), np.full(4, 9, np.int32), spots)
    later = (np.tile(mover, (4, 1)).astype(np.uint8), np.full(4, 1, np.int32), spots)
    earlier_clear = np.array([True, True, True, False])  # pixel 3: neither source spot clear
    later_clear = np.array([False, False, True, True])
    asked: list[int] = []

    def clear(side: int, which: np.ndarray) -> np.ndarray:
        asked.append(int(which.sum()))
        return (earlier_clear, later_clear)[side][which]

    def vote(which: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k = int(which.sum())  # median near the mover, a quorum, but a wide spread
        return np.tile(mover, (k, 1)).astype(np.float32), np.full(k, 4), np.full(k, DISAGREE)

    fill, have = combine(earlier, later, hole, vote, clear)
    assert asked == [4, 4]  # asked once per side, for the disagreeing pixels only
    got = fill[hole.region]
    assert have[hole.region].all()
    assert (got[:2] == wall).all()  # the later candidate showed a mover: dropped
    assert (got[2:] == mover).all()  # both clear, or neither: the votes decide
