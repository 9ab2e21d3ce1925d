"""Numpy STFT / inverse STFT (periodic Hann, centred frames, hop = n_fft / 4) with exact reconstruction."""

from __future__ import annotations

import numpy as np


def hann(n_fft: int) -> np.ndarray:
    """Periodic Hann window (what torch.hann_window and Spleeter's training used)."""
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)).astype(np.float32)


def stft(x: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """(..., samples) float -> (..., n_fft // 2 + 1, frames) complex64, frames centred on t * hop."""
    pad = n_fft // 2
    xp = np.pad(x.astype(np.float32, copy=False), [(0, 0)] * (x.ndim - 1) + [(pad, pad)])
    frames = np.lib.stride_tricks.sliding_window_view(xp, n_fft, axis=-1)[..., ::hop, :]
    spec = np.fft.rfft(frames * hann(n_fft), axis=-1).astype(np.complex64)
    return np.swapaxes(spec, -1, -2)


def istft(spec: np.ndarray, n_fft: int, hop: int, length: int) -> np.ndarray:
    """Inverse of `stft` by weighted overlap-add, cut to `length` samples (float32)."""
    if n_fft % hop:
        raise ValueError("hop must divide n_fft")
    win = hann(n_fft)
    frames = np.fft.irfft(np.swapaxes(spec, -1, -2), n=n_fft, axis=-1).astype(np.float32) * win
    lead, n_frames = frames.shape[:-2], frames.shape[-2]
    ratio = n_fft // hop
    total = hop * (n_frames + ratio - 1)
    out = np.zeros((*lead, total), np.float32)
    # hop divides n_fft, so overlap-add is `ratio` shifted strided adds instead of a frame loop.
    parts = frames.reshape(*lead, n_frames, ratio, hop)
    for r in range(ratio):
        out[..., r * hop : r * hop + n_frames * hop] += parts[..., :, r, :].reshape(*lead, -1)
    norm = np.zeros(total, np.float32)
    win_parts = (win**2).reshape(ratio, hop)
    for r in range(ratio):
        norm[r * hop : r * hop + n_frames * hop] += np.tile(win_parts[r], n_frames)
    pad = n_fft // 2
    out = out[..., pad : pad + length]
    norm = norm[pad : pad + length]
    result = out / np.maximum(norm, 1e-8)
    if result.shape[-1] < length:  # only for inputs shorter than one hop
        result = np.pad(result, [(0, 0)] * (result.ndim - 1) + [(0, length - result.shape[-1])])
    return result
