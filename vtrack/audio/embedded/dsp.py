"""Classical separation cues on magnitude spectrograms: HPSS, low-band transients, stereo centredness, REPET.

Each function returns soft masks in [0, 1]; the separator applies them to complex STFTs.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter

_EPS = 1e-9


def percussive_mask(
    mag: np.ndarray,
    freqs: np.ndarray,
    harm_frames: int = 25,
    perc_bins: int = 17,
    low_hz: float = 150.0,
    power: float = 2.0,
) -> np.ndarray:
    """Soft percussive mask for a mono magnitude spectrogram (bins, frames).

    Median-filtering HPSS (Fitzgerald 2010): a time median estimates sustained (harmonic) energy,
    a frequency median estimates broadband (percussive) energy. Below ~150 Hz a kick drum spans
    only a few bins, so the frequency median misses it; there the percussive estimate is instead
    the energy in excess of the sustained level (a transient sitting on top of the bass).
    """
    harm = median_filter(mag, size=(1, harm_frames), mode="nearest")
    perc = median_filter(mag, size=(perc_bins, 1), mode="nearest")
    low = (1.0 / (1.0 + (freqs / low_hz) ** 4))[:, None]
    perc = low * np.maximum(mag - harm, 0.0) + (1.0 - low) * perc
    hp, pp = harm**power, perc**power
    return (pp / (hp + pp + _EPS)).astype(np.float32)


def centre_weight(mag_lr: np.ndarray, width: float = 0.2) -> np.ndarray:
    """Soft weight per bin that is 1 for centre-panned energy and falls off for panned energy.

    Bass (and lead vocals) are mixed to the centre in almost all music, guitars and keys often
    are not: the left/right level difference is a cheap, robust cue. Mono input gives all ones.
    """
    left, right = mag_lr[0], mag_lr[-1]
    pan = (left - right) / (left + right + _EPS)
    return np.exp(-((pan / width) ** 2)).astype(np.float32)


def lowpass_weight(freqs: np.ndarray, cutoff_hz: float, order: int = 8) -> np.ndarray:
    """Butterworth-shaped magnitude weight (bins, 1): the bass register, smoothly."""
    return (1.0 / (1.0 + (freqs / cutoff_hz) ** order)).astype(np.float32)[:, None]


def repet_background(mag: np.ndarray, hop_s: float, min_period_s: float = 1.0) -> np.ndarray:
    """REPET (Rafii & Pardo 2013): the repeating background of a mono magnitude spectrogram.

    The beat spectrum (autocorrelation of the spectrogram over time) gives the repetition period;
    the median of the frames one period apart models the background; the part that does not
    repeat (typically the lead voice) is what exceeds it.
    """
    n_frames = mag.shape[1]
    power = mag**2
    # Autocorrelation of each bin over time via FFT, averaged over bins.
    spec = np.fft.rfft(power, n=2 * n_frames, axis=1)
    acf = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :n_frames].mean(axis=0)
    acf /= np.arange(n_frames, 0, -1)  # unbiased
    lo = max(1, int(min_period_s / hop_s))
    hi = n_frames // 3
    if hi <= lo:
        return np.minimum(mag, np.median(mag, axis=1, keepdims=True))
    period = lo + int(np.argmax(acf[lo:hi]))
    n_rep = -(-n_frames // period)
    padded = np.full((mag.shape[0], n_rep * period), np.nan, np.float32)
    padded[:, :n_frames] = mag
    model = np.nanmedian(padded.reshape(mag.shape[0], n_rep, period), axis=1)
    model = np.tile(model, (1, n_rep))[:, :n_frames]
    return np.minimum(model, mag)
