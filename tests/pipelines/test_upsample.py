"""Masks scaled from the working to the output resolution along the frame's own edges."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vtrack.pipelines.upsample import MaskUpsampler, bilinear_upsample
from vtrack.testing.scenes import composite_scene
from vtrack.vision.metrics import jaccard


@pytest.fixture(scope="module")
def sharp_scene():
    """A real photo (the cat) with exact edges, at the output resolution."""
    return composite_scene(
        "up", sprite="chelsea", background="rocket", n_frames=6, size=(640, 480), seed=1
    )


def _as_tracked(mask: np.ndarray) -> np.ndarray:
    """What the tracker hands over: detail of a quarter-size mask, at half size."""
    quarter = cv2.resize(mask.astype(np.float32), (160, 120), interpolation=cv2.INTER_AREA)
    return cv2.resize(quarter, (320, 240), interpolation=cv2.INTER_LINEAR) > 0.5


def test_guided_upsampling_follows_real_edges_better_than_bilinear(sharp_scene) -> None:
    upsample = MaskUpsampler((320, 240), (640, 480))
    gains = []
    for frame, truth in zip(sharp_scene.frames, sharp_scene.masks, strict=True):
        work = _as_tracked(truth)
        guide = cv2.resize(frame, (320, 240), interpolation=cv2.INTER_AREA)
        guided = upsample(work, frame, guide)
        assert guided.shape == truth.shape and guided.dtype == bool
        gains.append(jaccard(guided, truth) - jaccard(bilinear_upsample(work, (640, 480)), truth))
    # Measured: +0.003 to +0.005 J on every frame (0.988 -> 0.992).
    assert min(gains) > 0
    assert float(np.mean(gains)) > 0.002


def test_only_the_edge_band_is_computed(sharp_scene) -> None:
    upsample = MaskUpsampler((320, 240), (640, 480))
    work = _as_tracked(sharp_scene.masks[0])
    out = upsample(work, sharp_scene.frames[0])
    # Deep inside and far outside the working mask, the result is the plain mask.
    kernel = np.ones((7, 7), np.uint8)
    inside = cv2.erode(work.astype(np.uint8), kernel) > 0
    outside = cv2.dilate(work.astype(np.uint8), kernel) == 0
    near = cv2.resize(work.astype(np.uint8), (640, 480), interpolation=cv2.INTER_NEAREST)
    big_inside = cv2.resize(inside.astype(np.uint8), (640, 480), interpolation=cv2.INTER_NEAREST)
    big_out = cv2.resize(outside.astype(np.uint8), (640, 480), interpolation=cv2.INTER_NEAREST)
    assert out[big_inside > 0].all() and near[big_inside > 0].all()
    assert not out[big_out > 0].any()


def test_same_size_and_empty_masks() -> None:
    frame = np.zeros((48, 64, 3), np.uint8)
    mask = np.zeros((48, 64), bool)
    mask[10:20, 10:30] = True
    assert MaskUpsampler((64, 48), (64, 48))(mask, frame) is mask
    empty = MaskUpsampler((32, 24), (64, 48))(np.zeros((24, 32), bool), frame)
    assert empty.shape == (48, 64) and not empty.any()
