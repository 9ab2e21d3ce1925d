"""Classical separation cues on spectrograms: HPSS, stereo centredness, REPET, bass f0 and comb.

The mask functions return soft masks in [0, 1]; the separator applies them to complex STFTs.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.ndimage import maximum_filter1d, median_filter

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
    harm = _running_median(mag, harm_frames, axis=1)
    perc = _running_median(mag, perc_bins, axis=0)
    low = (1.0 / (1.0 + (freqs / low_hz) ** 4))[:, None]
    perc = low * np.maximum(mag - harm, 0.0) + (1.0 - low) * perc
    hp, pp = harm**power, perc**power
    return (pp / (hp + pp + _EPS)).astype(np.float32)


def _running_median(x: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Median over `size` (odd) neighbours along one axis of a 2-D array, edges repeated.

    Equal to scipy.ndimage.median_filter(mode="nearest") with a 1-D window, but a vectorised
    partial sort of a strided window view is ~4x faster than ndimage's generic rank filter,
    and the HPSS medians were half of the separator's CPU time.
    """
    half = size // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (half, half)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, pad, mode="edge"), size, axis)
    out = np.empty(x.shape, x.dtype)
    # np.partition copies its input: go 128 rows at a time so a 30 s chunk needs ~30 MB, not
    # `size` times the spectrogram.
    for r in range(0, x.shape[0], 128):
        out[r : r + 128] = np.partition(windows[r : r + 128], half, axis=-1)[..., half]
    return out


def centre_weight(mag_lr: np.ndarray, width: float = 0.2) -> np.ndarray:
    """Soft weight per bin that is 1 for centre-panned energy and falls off for panned energy.

    Bass (and lead vocals) are mixed to the centre in almost all music, guitars and keys often
    are not: the left/right level difference is a cheap, robust cue. Mono input gives all ones.
    """
    left, right = mag_lr[0], mag_lr[-1]
    pan = (left - right) / (left + right + _EPS)
    return np.exp(-((pan / width) ** 2)).astype(np.float32)


def stereo_spread(mag_lr: np.ndarray, weight: np.ndarray) -> float:
    """RMS left/right pan of the bins selected by `weight` (bins, frames): how wide a source is.

    A centre weight tuned for a mono bass would throw away half of a stereo-sampled or
    chorused one; measuring the bass's own width on its lowest harmonics (where it dominates the
    mix) lets the pan cue reject panned guitars without rejecting a wide bass.
    """
    left, right = mag_lr[0], mag_lr[-1]
    pan = (left - right) / (left + right + _EPS)
    w = weight * (left + right)
    return float(np.sqrt(np.sum(w * pan**2) / (np.sum(w) + _EPS)))


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


@lru_cache(maxsize=8)
def _salience_weights(
    n_bins: int, bin_hz: float, fmin: float, fmax: float, per_octave: int, n_harmonics: int
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate f0s (log-spaced) and the (candidates, bins) harmonic-sum weights, built once."""
    n_cand = int(np.log2(fmax / fmin) * per_octave) + 1
    f0s = fmin * 2.0 ** (np.arange(n_cand) / per_octave)
    weights = np.zeros((n_cand, n_bins), np.float32)
    rows = np.arange(n_cand)
    for k in range(1, n_harmonics + 1):
        pos = k * f0s / bin_hz
        lo = np.floor(pos).astype(int)
        frac = pos - lo
        ok = lo + 1 < n_bins
        # 1/k weights: a subharmonic f0/2 collects only the even harmonics at half weight, so
        # the true f0 out-scores it (the classic octave-down error of plain harmonic sums).
        np.add.at(weights, (rows[ok], lo[ok]), (1.0 - frac[ok]) / k)
        np.add.at(weights, (rows[ok], lo[ok] + 1), frac[ok] / k)
    weights.setflags(write=False)
    return f0s, weights


def bass_f0(
    mag: np.ndarray,
    bin_hz: float,
    fmin: float = 30.0,
    fmax: float = 300.0,
    n_harmonics: int = 8,
    smooth_frames: int = 9,
) -> np.ndarray:
    """Per-frame f0 (Hz) of the dominant low pitched source in a mono magnitude spectrogram.

    Harmonic summation on compressed magnitudes over log-spaced candidates (48 per octave): the
    bass is the strongest harmonic series rooted in 30-300 Hz in almost all music. A median over
    ~0.2 s of log-f0 removes single-frame jumps (drum hits, note onsets) without smearing notes.
    """
    f0s, weights = _salience_weights(mag.shape[0], float(bin_hz), fmin, fmax, 48, n_harmonics)
    compressed = np.sqrt(mag)
    f0 = f0s[np.argmax(weights @ compressed, axis=0)]
    # Octave check: a bass with weak odd harmonics (strong 2nd, 4th...) wins the sum an octave
    # up, which would drop its fundamental and odd partials from the comb. When the spectrum has
    # a real peak at f0 / 2 (at least half as strong, compressed), the note is an octave lower.
    peaks = maximum_filter1d(compressed, 3, axis=0)
    frames = np.arange(mag.shape[1])
    at_f0 = peaks[np.minimum(np.round(f0 / bin_hz).astype(int), mag.shape[0] - 1), frames]
    at_half = peaks[np.round(f0 / 2 / bin_hz).astype(int), frames]
    f0 = np.where((at_half >= 0.5 * at_f0) & (f0 / 2 >= fmin), f0 / 2, f0)
    log_f0 = np.log(f0)
    if smooth_frames > 1:
        log_f0 = median_filter(log_f0, size=smooth_frames, mode="nearest")
    return np.exp(log_f0)


def harmonic_comb(
    f0: np.ndarray,
    freqs: np.ndarray,
    max_hz: float = 2000.0,
    rel_width: float = 0.03,
    min_width_hz: float = 6.0,
) -> np.ndarray:
    """Soft comb mask (bins, frames): 1 on the harmonics k * f0 (k >= 1), 0 between and below f0.

    Gaussian teeth of width max(3 % of f0, 6 Hz) match a long window's main lobe; the comb fades
    out above `max_hz`, where a bass's harmonics are weak and other instruments dominate.
    """
    f = freqs[:, None].astype(np.float32)
    f0 = f0[None, :].astype(np.float32)
    ratio = f / f0
    k = np.maximum(np.round(ratio), 1.0)
    sigma = np.maximum(rel_width * f0, min_width_hz)
    comb = np.exp(-0.5 * ((f - k * f0) / sigma) ** 2)
    comb[ratio < 0.5] = 0.0  # nothing under the fundamental is part of the note
    return (comb / (1.0 + (f / max_hz) ** 8)).astype(np.float32)


def limit_outlier_harmonics(
    comb: np.ndarray,
    mag: np.ndarray,
    f0: np.ndarray,
    bin_hz: float,
    ratio: float = 3.0,
    neighbours: int = 5,
    max_harmonic: int = 70,
) -> np.ndarray:
    """Scale down comb teeth whose peak towers over the neighbouring harmonics of the same f0.

    A bass's harmonic amplitudes vary smoothly with the harmonic number; a tooth more than
    `ratio` times the median of its `neighbours` is mostly another instrument's partial that
    happens to land there (a centred guitar an octave or a fifth above the bass), so the tooth
    keeps only the expected share. `mag` is mono (bins, frames); returns the new comb.
    """
    n_bins, n_frames = mag.shape
    frames = np.arange(n_frames)[None, :]
    peaks = maximum_filter1d(mag, 3, axis=0)  # the tooth's peak, whatever its exact bin
    k = np.arange(1, max_harmonic + 1)[:, None]
    at = np.minimum(np.round(k * f0[None, :] / bin_hz).astype(int), n_bins - 1)
    height = peaks[at, frames]
    expected = median_filter(height, size=(neighbours, 1), mode="nearest")
    share = np.minimum(1.0, ratio * expected / (height + _EPS))
    freqs = np.arange(n_bins, dtype=np.float32)[:, None] * bin_hz
    tooth = np.clip(np.round(freqs / f0[None, :]).astype(int), 1, max_harmonic) - 1
    return (comb * share[tooth, frames]).astype(np.float32)
