"""SDR and SI-SDR against hand-computable cases."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.audio.metrics import sdr, si_sdr


def test_sdr_known_values() -> None:
    rng = np.random.default_rng(0)
    ref = rng.standard_normal((2, 10000))
    assert sdr(ref, ref) > 90
    # Error at one tenth of the amplitude -> 20 dB.
    noise = rng.standard_normal((2, 10000))
    noise *= 0.1 * np.linalg.norm(ref) / np.linalg.norm(noise)
    assert sdr(ref, ref + noise) == pytest.approx(20.0, abs=1e-6)
    assert sdr(ref, np.zeros_like(ref)) == pytest.approx(0.0, abs=1e-6)


def test_si_sdr_ignores_gain_but_sdr_does_not() -> None:
    rng = np.random.default_rng(1)
    ref = rng.standard_normal(8000)
    assert si_sdr(ref, 0.5 * ref) > 90
    assert sdr(ref, 0.5 * ref) == pytest.approx(20 * np.log10(2), abs=1e-6)
    with pytest.raises(ValueError):
        sdr(ref, ref[:-1])
