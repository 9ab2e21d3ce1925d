"""Long-range re-search: the object's pixels are found where they are, not where the flow says."""

from __future__ import annotations

import numpy as np

from vtrack.vision.embedded.appearance import ColourModel
from vtrack.vision.embedded.relocate import relocate, relocated


def _scene(shift: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A textured square on a smooth background, moved by `shift` between two frames."""
    rng = np.random.default_rng(3)
    h, w = 160, 240
    yy, xx = np.mgrid[0:h, 0:w]
    background = (80 + 40 * np.sin(xx / 23.0) + 30 * np.cos(yy / 17.0)).astype(np.float32)
    texture = rng.integers(0, 255, (30, 30)).astype(np.float32)
    prev, cur = background.copy(), background.copy()
    prev[60:90, 60:90] = texture
    cur[60 + shift[1] : 90 + shift[1], 60 + shift[0] : 90 + shift[0]] = texture
    mask = np.zeros((h, w), bool)
    mask[60:90, 60:90] = True
    return prev.astype(np.uint8), cur.astype(np.uint8), mask


def test_an_object_the_flow_left_behind_is_found_where_it_went() -> None:
    prev, cur, mask = _scene((14, 3))
    shift = relocate(prev, cur, mask, (0.0, 0.0), reach=8)
    assert shift is not None
    assert abs(shift[0] - 14) <= 1.5 and abs(shift[1] - 3) <= 1.5, shift


def test_nothing_changes_where_the_flow_is_right() -> None:
    prev, cur, mask = _scene((14, 3))
    assert relocate(prev, cur, mask, (14.0, 3.0), reach=8) is None


def test_an_empty_mask_is_not_placed() -> None:
    prev, cur, mask = _scene((0, 0))
    assert relocate(prev, cur, np.zeros_like(mask), (0.0, 0.0), reach=8) is None


def _coloured(mask: np.ndarray, at: tuple[int, int], colour: tuple[int, int, int]) -> np.ndarray:
    """A grey frame with `mask`'s square, moved by `at`, painted in `colour`."""
    image = np.full((*mask.shape, 3), 128, np.uint8)
    image[np.roll(mask, at[::-1], axis=(0, 1))] = colour
    return image


def test_a_placement_that_does_not_look_like_the_object_is_not_taken() -> None:
    # the grey template fits 14 px to the right, the flow says the object stayed; the prompt
    # frame's object is red
    prev, cur, mask = _scene((14, 3))
    anchor = ColourModel(_coloured(mask, (0, 0), (200, 30, 30)), mask)
    still = np.zeros((*mask.shape, 2), np.float32)
    moved = relocated(prev, cur, mask, None, still, 8)
    assert moved is not None and moved[0][70, 80] and not moved[0][70, 62]
    # where the template fits, the frame is red: the object went there
    red_there = _coloured(mask, (14, 3), (200, 30, 30))
    assert relocated(prev, cur, mask, None, still, 8, (anchor, red_there)) is not None
    # where it fits, the frame is blue and the red object is where the flow put it (it turned:
    # its grey pattern changed): the template fit a patch of background
    blue_there = _coloured(mask, (14, 3), (40, 60, 150))
    blue_there[mask & ~np.roll(mask, (3, 14), axis=(0, 1))] = (200, 30, 30)
    assert relocated(prev, cur, mask, None, still, 8, (anchor, blue_there)) is None
