"""Keypoint re-acquisition: a known object is found again after a move and a scale change, and
nothing is "found" in a frame that does not show it."""

from __future__ import annotations

import cv2
import numpy as np
import skimage.data

from vtrack.vision.embedded.reacquire import Reacquirer
from vtrack.vision.metrics import jaccard

W, H = 427, 240


def _background() -> np.ndarray:
    return cv2.cvtColor(cv2.resize(skimage.data.coffee(), (W, H)), cv2.COLOR_RGB2GRAY)


def _place(
    frame: np.ndarray, patch: np.ndarray, x: int, y: int, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """`patch` pasted with its top-left corner at (x, y); returns (frame, object mask)."""
    p = cv2.resize(patch, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    out = frame.copy()
    out[y : y + p.shape[0], x : x + p.shape[1]] = p
    mask = np.zeros(frame.shape, bool)
    mask[y : y + p.shape[0], x : x + p.shape[1]] = True
    return out, mask


def test_finds_the_object_after_a_move_and_a_scale_change() -> None:
    face = cv2.cvtColor(skimage.data.astronaut()[30:200, 160:300], cv2.COLOR_RGB2GRAY)
    face = cv2.resize(face, (70, 85))
    before, mask_before = _place(_background(), face, 40, 60)
    after, mask_after = _place(_background(), face, 250, 90, scale=1.25)
    finder = Reacquirer()
    key = finder.keyframe(before, mask_before)
    assert key is not None and len(key.points) >= 20
    found = finder.find([key], after)
    assert found is not None
    assert jaccard(found, mask_after) >= 0.85, jaccard(found, mask_after)


def test_nothing_is_found_where_the_object_is_not() -> None:
    face = cv2.cvtColor(skimage.data.astronaut()[30:200, 160:300], cv2.COLOR_RGB2GRAY)
    face = cv2.resize(face, (70, 85))
    before, mask_before = _place(_background(), face, 40, 60)
    finder = Reacquirer()
    key = finder.keyframe(before, mask_before)
    assert key is not None
    other = cv2.cvtColor(cv2.resize(skimage.data.rocket(), (W, H)), cv2.COLOR_RGB2GRAY)
    assert finder.find([key], other) is None
    assert finder.find([key], _background()) is None  # the background it was on, without it


def test_a_textureless_object_gives_no_keyframe() -> None:
    flat = np.full((H, W), 90, np.uint8)
    mask = np.zeros((H, W), bool)
    mask[60:140, 100:200] = True
    flat[mask] = 200
    assert Reacquirer().keyframe(flat, mask) is None


def test_a_mask_that_drifted_off_the_object_is_caught() -> None:
    face = cv2.cvtColor(skimage.data.astronaut()[30:200, 160:300], cv2.COLOR_RGB2GRAY)
    face = cv2.resize(face, (70, 85))
    before, mask_before = _place(_background(), face, 40, 60)
    after, mask_after = _place(_background(), face, 250, 90)
    finder = Reacquirer()
    key = finder.keyframe(before, mask_before)
    assert key is not None
    area = float(mask_before.sum())
    # the tracker's mask stayed behind on the background: the keypoints say where it went
    found = finder.elsewhere([key], after, mask_before, area)
    assert found is not None and jaccard(found, mask_after) >= 0.85
    # the tracker's mask is on the object: nothing to correct
    assert finder.elsewhere([key], after, mask_after, area) is None
