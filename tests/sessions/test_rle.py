"""Masks travel as pycocotools' compressed RLE: exact round trips, any shape."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.sessions import rle


@pytest.mark.parametrize("shape", [(480, 854), (240, 320), (1, 7), (33, 1)])
def test_round_trip_is_exact(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    for density in (0.0, 0.01, 0.5, 1.0):
        mask = rng.random(shape) < density
        encoded = rle.encode(mask)
        assert encoded["size"] == list(shape)
        assert isinstance(encoded["counts"], str)
        back = rle.decode(encoded)
        assert back.dtype == bool and back.shape == shape
        assert np.array_equal(back, mask)
        assert rle.area(encoded) == int(mask.sum())


def test_a_blob_compresses_to_a_short_string() -> None:
    mask = np.zeros((480, 854), bool)
    mask[100:300, 200:500] = True
    encoded = rle.encode(mask)
    # a rectangle is two runs per column: a few bytes each, not 410 k pixels
    assert len(encoded["counts"]) < 2000
    assert rle.area(rle.empty(480, 854)) == 0
