"""Leak control by appearance (`clean_view.py`): a mask that grew into something unlike the object
is cut back to its last clean view; one that only moved or changed shape is left alone."""

from __future__ import annotations

import numpy as np

from vtrack.vision.embedded.appearance import ColourModel, colour_index
from vtrack.vision.embedded.clean_view import hold_to_clean_view


def _scene() -> tuple[np.ndarray, np.ndarray]:
    """A red-and-yellow object on grey water, a blue band (its reflection) below it."""
    rng = np.random.default_rng(3)
    image = np.full((120, 160, 3), 128, np.uint8)
    image += rng.integers(0, 12, image.shape, dtype=np.uint8)
    obj = np.zeros((120, 160), bool)
    obj[30:70, 40:120] = True
    image[30:70, 40:120] = (200, 30, 30)
    image[30:45, 60:100] = (230, 210, 40)
    image[70:95, 40:120] = (40, 60, 150)
    return image, obj


def test_a_mask_grown_into_its_reflection_is_cut_back_to_the_clean_view() -> None:
    image, obj = _scene()
    anchor = ColourModel(image, obj)
    leaked = obj.copy()
    leaked[70:95, 40:120] = True  # the whole reflection joined the mask
    held, clean = hold_to_clean_view(anchor, colour_index(image), leaked, obj, 60.0)
    assert not clean
    assert not held[75:95].any(), "the reflection was kept"
    assert np.count_nonzero(held & obj) == np.count_nonzero(obj), "the object lost pixels"


def test_a_mask_that_only_moved_or_changed_shape_is_kept_and_becomes_the_clean_view() -> None:
    image, obj = _scene()
    anchor = ColourModel(image, obj)
    moved = np.roll(obj, 3, axis=1)  # the clean view lags the object by 3 px
    held, clean = hold_to_clean_view(anchor, colour_index(image), obj, moved, 60.0)
    assert clean and np.array_equal(held, obj)
    part = obj.copy()
    part[30:70, 100:120] = False  # a part hidden: fewer pixels, the same colours
    held, clean = hold_to_clean_view(anchor, colour_index(image), part, obj, 60.0)
    assert np.array_equal(held, part)


def test_without_a_clean_view_the_mask_is_kept_and_becomes_one() -> None:
    image, obj = _scene()
    anchor = ColourModel(image, obj)
    held, clean = hold_to_clean_view(anchor, colour_index(image), obj, None, 60.0)
    assert clean and np.array_equal(held, obj)


def test_a_detached_part_unlike_the_object_is_dropped_one_like_it_stays() -> None:
    image, obj = _scene()
    anchor = ColourModel(image, obj)
    left_behind = obj.copy()
    left_behind[75:95, 125:150] = True  # a piece of the blue band, apart from the object
    image[75:95, 125:150] = (40, 60, 150)
    # no clean view to cut back to (right after a re-seat): the part goes on its colours alone
    held, _ = hold_to_clean_view(anchor, colour_index(image), left_behind, None, 60.0)
    assert np.array_equal(held, obj), "the blue piece left behind was kept"
    split = obj.copy()
    split[:, 95:100] = False  # a pole in front splits the object in two
    held, _ = hold_to_clean_view(anchor, colour_index(image), split, None, 60.0)
    assert np.array_equal(held, split), "a part of the object beyond the pole was dropped"
