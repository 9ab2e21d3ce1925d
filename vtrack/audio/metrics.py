"""Separation quality metrics in numpy: SDR (the MDX-challenge / BSS-eval v4 "new SDR") and SI-SDR.

SDR = 10 log10(|s|^2 / |s - s_hat|^2) over the whole signal, all channels together: no scale or
filter is forgiven, so it is the strictest of the common variants (museval's BSS-eval SDR forgives
a 512-tap distortion filter and usually reads higher). SI-SDR forgives only a global gain.
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-10


def sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-distortion ratio in dB of `estimate` against `reference` (same shape)."""
    ref = np.asarray(reference, np.float64).ravel()
    est = np.asarray(estimate, np.float64).ravel()
    if ref.shape != est.shape:
        raise ValueError(f"shape mismatch: {reference.shape} vs {estimate.shape}")
    num = np.sum(ref**2) + _EPS
    den = np.sum((ref - est) ** 2) + _EPS
    return float(10 * np.log10(num / den))


def si_sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Scale-invariant SDR in dB: the estimate's best-scaled projection onto the reference."""
    ref = np.asarray(reference, np.float64).ravel()
    est = np.asarray(estimate, np.float64).ravel()
    if ref.shape != est.shape:
        raise ValueError(f"shape mismatch: {reference.shape} vs {estimate.shape}")
    ref = ref - ref.mean()
    est = est - est.mean()
    alpha = np.dot(est, ref) / (np.dot(ref, ref) + _EPS)
    target = alpha * ref
    noise = est - target
    return float(10 * np.log10((np.sum(target**2) + _EPS) / (np.sum(noise**2) + _EPS)))
