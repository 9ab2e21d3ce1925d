"""Region metrics: PSNR, SSIM and flicker measured only where asked."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.inpaint.metrics import RemovalScores, psnr, ssim


def _image(seed: int = 0) -> np.ndarray:
    import skimage.data

    return np.ascontiguousarray(skimage.data.astronaut()[::4, ::4])


def test_psnr_known_value_and_region_only() -> None:
    a = _image()
    region = np.zeros(a.shape[:2], bool)
    region[20:40, 30:60] = True
    b = a.astype(int)
    b[region] += 10  # MSE 100 inside: PSNR = 10 log10(255^2 / 100)
    b[~region] = 0  # garbage outside must not count
    b = np.clip(b, 0, 255).astype(np.uint8)
    expected = 10 * np.log10(255**2 / 100)
    assert psnr(b, a, region) == pytest.approx(expected, abs=0.3)
    assert psnr(a, a, region) == float("inf")


def test_ssim_identical_is_one_and_noise_lowers_it() -> None:
    a = _image()
    region = np.zeros(a.shape[:2], bool)
    region[30:70, 30:70] = True
    assert ssim(a, a, region) == pytest.approx(1.0, abs=1e-6)
    noisy = np.clip(a + np.random.default_rng(0).normal(0, 25, a.shape), 0, 255).astype(np.uint8)
    assert ssim(noisy, a, region) < 0.8


def test_flicker_zero_for_perfect_output_and_positive_for_jitter() -> None:
    a = _image()
    frames = [np.roll(a, k, axis=1) for k in range(5)]  # a pan
    region = np.zeros(a.shape[:2], bool)
    region[30:70, 30:70] = True
    perfect, jitter = RemovalScores(), RemovalScores()
    rng = np.random.default_rng(1)
    for f in frames:
        perfect.add(f, f, region)
        j = f.copy()
        j[region] = np.clip(j[region] + rng.normal(0, 20, j[region].shape), 0, 255)
        jitter.add(j, f, region)
    assert perfect.flicker_excess == 0
    assert perfect.flicker == pytest.approx(perfect.flicker_truth)
    assert jitter.flicker_excess > 10
    assert jitter.flicker > jitter.flicker_truth
