"""A stem's onset strength and loudness, one value per video frame (for audio-visual sync)."""

from __future__ import annotations

import numpy as np

from vtrack.audio.embedded.stft import stft

# ~23 ms analysis frames (1024 samples at 44.1 kHz), the usual size for onset detection: short
# enough to place a drum hit within a 25-30 fps video frame, long enough to resolve a bass note.
ANALYSIS_S = 0.023


def _mono(samples: np.ndarray) -> np.ndarray:
    x = np.asarray(samples, np.float32)
    return x.mean(axis=0) if x.ndim == 2 else x


def spectral_flux(mono: np.ndarray, sample_rate: int) -> tuple[np.ndarray, float]:
    """Positive spectral flux of log-compressed magnitudes, and the seconds per flux frame.

    A new sound (a hit, a plucked note, a sung syllable) raises energy in some frequency bands;
    summing only the rises ignores sounds that fade (the standard onset-strength function).
    """
    n_fft = int(2 ** np.round(np.log2(max(64, ANALYSIS_S * sample_rate))))
    hop = n_fft // 4
    mag = np.abs(stft(mono[None, :], n_fft, hop)[0])
    logmag = np.log1p(100.0 * mag)
    flux = np.maximum(0.0, np.diff(logmag, axis=1)).sum(axis=0)
    return np.concatenate([[0.0], flux]).astype(np.float32), hop / sample_rate


def stem_envelopes(
    samples: np.ndarray, sample_rate: int, fps: float, n_frames: int
) -> tuple[np.ndarray, np.ndarray]:
    """(onset, energy), each float32 (n_frames,): the strongest onset and the RMS loudness of the
    audio during each video frame's interval [i / fps, (i + 1) / fps)."""
    mono = _mono(samples)
    onset = np.zeros(n_frames, np.float32)
    energy = np.zeros(n_frames, np.float32)
    if mono.size == 0 or n_frames == 0:
        return onset, energy
    flux, step = spectral_flux(mono, sample_rate)
    # flux frame j is centred at j * step seconds; it belongs to video frame floor(t * fps)
    owner = np.floor(np.arange(len(flux)) * step * fps).astype(np.int64)
    keep = owner < n_frames
    np.maximum.at(onset, owner[keep], flux[keep])
    bounds = np.minimum(
        np.round(np.arange(n_frames + 1) * sample_rate / fps).astype(np.int64), mono.size
    )
    power = np.concatenate([[0.0], np.cumsum(mono.astype(np.float64) ** 2)])
    counts = np.maximum(1, np.diff(bounds))
    energy[:] = np.sqrt((power[bounds[1:]] - power[bounds[:-1]]) / counts)
    return onset, energy
