"""Clicks correcting a shown mask are taken in order: each changes only the error it is on."""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.vision.embedded.correction import Corrections, correct_in_order


def _scene() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A red disk on green grass-like noise; the shown mask has a background lobe on its right."""
    rng = np.random.default_rng(0)
    image = np.zeros((240, 320, 3), np.uint8)
    image[..., 1] = rng.integers(90, 160, (240, 320))
    disk = np.zeros((240, 320), np.uint8)
    cv2.circle(disk, (140, 120), 40, 1, -1)
    image[disk > 0] = (200, 40, 40)
    shown = disk.copy()
    cv2.circle(shown, (190, 120), 22, 1, -1)  # the track took some grass beside the ball
    return image, disk > 0, shown > 0


def test_a_negative_click_changes_the_mask_only_near_it_and_keeps_the_object() -> None:
    image, disk, shown = _scene()
    x, y = 200, 120  # in the grass lobe, 12 px from the mask's edge
    fixed = correct_in_order(image, shown, [(x, y, False)])
    assert not fixed[y, x]
    assert np.count_nonzero(fixed & disk) >= 0.95 * np.count_nonzero(disk)  # the ball stays
    ys, xs = np.nonzero(fixed != shown)
    assert len(xs) and np.hypot(xs - x, ys - y).max() <= 2 * 12 + 1  # within the click's reach
    assert not (fixed & ~shown).any()  # a negative click never adds


def test_prefixes_are_cut_once_and_give_the_same_masks() -> None:
    image, _, shown = _scene()
    clicks = [(200, 120, False), (140, 120, True)]
    cache = Corrections(kept=2)
    first = cache.correct(image, 3, shown, clicks[:1])
    both = cache.correct(image, 3, shown, clicks)
    assert np.array_equal(first, correct_in_order(image, shown, clicks[:1]))
    assert np.array_equal(both, correct_in_order(image, shown, clicks))
    assert not np.shares_memory(both, cache.correct(image, 3, shown, clicks))  # copies out
