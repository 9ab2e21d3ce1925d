"""The fill's caches and its box-restricted dilation change nothing but the time they take."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vtrack.inpaint.embedded.cache import CachedFrames, Lru
from vtrack.inpaint.embedded.masks import dilate
from vtrack.inpaint.embedded.rows import pick, put


def test_dilating_only_the_box_equals_dilating_the_frame() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        h, w = (int(v) for v in rng.integers(1, 50, 2))
        mask = rng.random((h, w)) < rng.random() * 0.05
        radius = int(rng.integers(0, 8))
        disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2)
        full = cv2.dilate(mask.astype(np.uint8), disk).astype(bool) if radius else mask
        assert np.array_equal(dilate(mask, radius), full)
        assert np.array_equal(dilate(mask.astype(np.uint8) * 255, radius), full)


def test_lru_makes_each_index_once_while_it_is_kept() -> None:
    made: list[int] = []
    lru = Lru(lambda i: made.append(i) or i * 10, size=2)
    assert [lru.get(i) for i in (1, 2, 1, 3, 1, 2)] == [10, 20, 10, 30, 10, 20]
    assert made == [1, 2, 3, 2]  # 2 was the least recently used when 3 came


def test_cached_frames_are_the_frames_and_read_only() -> None:
    frames = [np.full((4, 5, 3), i, np.uint8) for i in range(6)]
    cached = CachedFrames(frames, size=3)
    assert len(cached) == 6
    for i in (0, 5, 2, 0):
        assert np.array_equal(cached[i], frames[i])
    with pytest.raises(ValueError):
        cached[2][0, 0, 0] = 1
    frames[2][0, 0, 0] = 1  # the source's own arrays stay writable


def test_picking_and_putting_pixels_as_items_is_numpys_indexing() -> None:
    rng = np.random.default_rng(1)
    for dtype in (np.uint8, np.float32, np.float64):
        for shape in ((50, 3), (7, 9, 3), (20,), (0, 3)):
            values = (rng.random(shape) * 200).astype(dtype)
            mask = rng.random(shape[: 2 if len(shape) == 3 else 1]) < 0.4
            index = np.unique(rng.integers(0, max(1, shape[0]), 10)) if shape[0] else mask[:0]
            for which in (mask, index.astype(np.int64)):
                assert np.array_equal(pick(values, which), values[which])
                new = (rng.random(values[which].shape) * 100).astype(dtype)
                mine, numpys = values.copy(), values.copy()
                put(mine, which, new)
                numpys[which] = new
                assert np.array_equal(mine, numpys)
