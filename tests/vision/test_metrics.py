"""J and F against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.vision.metrics import boundary_map, f_measure, jaccard, sequence_scores


def _square(h: int, w: int, y0: int, x0: int, size: int) -> np.ndarray:
    m = np.zeros((h, w), bool)
    m[y0 : y0 + size, x0 : x0 + size] = True
    return m


def test_jaccard_hand_computed() -> None:
    a = _square(10, 10, 0, 0, 4)  # 16 px
    b = _square(10, 10, 2, 2, 4)  # 16 px, overlap 2x2 = 4
    assert jaccard(a, b) == pytest.approx(4 / 28)
    assert jaccard(a, a) == 1.0
    assert jaccard(a, np.zeros_like(a)) == 0.0
    assert jaccard(np.zeros_like(a), np.zeros_like(a)) == 1.0


def test_boundary_map_is_the_one_pixel_outline() -> None:
    m = _square(8, 8, 2, 2, 4)
    b = boundary_map(m)
    assert b.sum() == 12  # 4x4 square: 16 pixels minus the 2x2 interior
    assert not b[3:5, 3:5].any()


def test_f_measure_cases() -> None:
    m = _square(100, 100, 20, 20, 40)
    assert f_measure(m, m) == 1.0
    assert f_measure(np.zeros_like(m), np.zeros_like(m)) == 1.0
    assert f_measure(m, np.zeros_like(m)) == 0.0
    # tolerance is ceil(0.008 * diag) = 2 px here: a 1 px shift is still perfect,
    assert f_measure(np.roll(m, 1, axis=1), m) == 1.0
    # a far-away square shares no boundary at all
    assert f_measure(_square(100, 100, 70, 70, 20), m) == 0.0


def test_f_measure_partial_hand_computed() -> None:
    # pred = gt (40x40 square, 156 boundary px) plus a far 10x10 square (36 boundary px) that
    # matches nothing: precision = 156 / 192, recall = 1.
    gt = _square(100, 100, 20, 20, 40)
    pred = gt | _square(100, 100, 80, 80, 10)
    precision = 156 / 192
    expected = 2 * precision / (precision + 1)
    assert f_measure(pred, gt) == pytest.approx(expected, abs=1e-9)
    # and symmetrically, missing that square costs recall by the same amount
    assert f_measure(gt, pred) == pytest.approx(expected, abs=1e-9)
    assert jaccard(pred, gt) == pytest.approx(1600 / 1700)


def test_sequence_scores_means() -> None:
    gt = [_square(10, 10, 0, 0, 4)] * 2
    pred = [gt[0], np.zeros((10, 10), bool)]
    s = sequence_scores(pred, gt)
    assert s["J"] == pytest.approx(0.5)
    assert s["F"] == pytest.approx(0.5)
    assert s["JF"] == pytest.approx(0.5)
    with pytest.raises(ValueError):
        sequence_scores(pred[:1], gt)
