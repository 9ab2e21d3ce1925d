"""Who plays what: match each person's movements to the sound of a stem (audio-visual sync).

A drummer's hits, a guitarist's strums and a singer's syllables start sounds at the moments
their hands or jaw move; a person who moves just as much but to something else does not line up
with the stem. For each person this module correlates their part's motion (body_motion.py) with
the stem's onset strength (and, for a voice, its rises in loudness), within a small lag (the
picture and the sound of one event are a frame or two apart). Who moves most does not matter:
the correlation is normalised.

How sure: motion and music are smooth and rhythmic, so neighbouring frames are not independent
samples. The effective number of samples follows Bartlett's formula from both signals'
autocorrelations; a correlation is significant by Fisher's z on that number, and the best person
beats the next one by Williams' t for two correlations that share a variable (the sound).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from vtrack.vision.base import StemEnvelope
from vtrack.vision.embedded.body_motion import PartMotion

# A sound and the motion that made it are at most ~80 ms apart at 25 fps (strum vs. swing peak,
# stick rebound, audio latency of a phone recording): lags of up to 2 frames either way.
MAX_LAG = 2
# Both signals are smoothed by a Gaussian of 1 frame: an onset that falls on the frame boundary
# counts for both frames.
SMOOTH = 1.0
# Fewer frames than this (2 s at 24 fps) are not enough rhythm to compare.
MIN_FRAMES = 48
# A person plays when their correlation is significant at 1 % one-sided (z >= 2.33; 2 features x
# 5 lags are tried per person, so about 10 % after Bonferroni's correction), and beats the next
# person at 10 % one-sided (t >= 1.28): "sure" means 9 chances in 10 that the pick is right
# against the runner-up. On the bench's tune clips, t >= 1.65 halved the sure answers and
# t >= 0.84 made a wrong one (bench/RESULTS_grounding.md).
SURE_Z = 2.33
SURE_GAP_T = 1.28


@dataclass
class SyncScore:
    """How well one person's motion follows the stem."""

    index: int  # into the people list
    corr: float  # best correlation over the lags and motion features
    z: float  # Fisher's z of that correlation on the effective number of samples
    frames: float  # the effective number of independent samples (Bartlett)
    signal: np.ndarray  # the motion feature that gave `corr`, as compared (for the gap test)


@dataclass
class SyncDecision:
    """The player, if the sync cue tells; all scores, best first, for the explanation."""

    chosen: int | None
    sure: bool
    scores: list[SyncScore]


def _features(velocity: np.ndarray) -> list[np.ndarray]:
    """Speed and change of velocity of a part, averaged over its points: (T,) each, NaN gaps."""
    speed = np.sqrt(np.nansum(velocity**2, axis=-1))
    known = ~np.isnan(velocity[..., 0])
    speed = np.where(known, speed, np.nan)
    accel = np.full(speed.shape, np.nan, np.float32)
    accel[1:] = np.sqrt(np.sum(np.diff(velocity, axis=0) ** 2, axis=-1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN frame is expected
        return [np.nanmean(speed, axis=1), np.nanmean(accel, axis=1)]


def _sound_features(sound: StemEnvelope, part: str, lo: int, hi: int) -> list[np.ndarray]:
    """The stem's onsets (and, for a voice, its rises in loudness) over frames lo..hi."""
    onset = np.asarray(sound.onset, np.float32)[lo:hi]
    feats = [onset]
    if part == "mouth":
        energy = np.asarray(sound.energy, np.float32)[lo:hi]
        feats.append(np.maximum(0.0, np.diff(np.log1p(100 * energy), prepend=0.0)))
    return feats


def _prepared(x: np.ndarray) -> np.ndarray | None:
    """Smoothed, zero-mean, unit-variance signal; unknown frames at the mean (they add
    nothing to a correlation); None when too little of it is known or it never changes."""
    known = ~np.isnan(x)
    if known.sum() < MIN_FRAMES:
        return None
    y = gaussian_filter1d(np.where(known, x, np.nanmean(x)).astype(np.float64), SMOOTH)
    sd = y.std()
    return (y - y.mean()) / sd if sd > 1e-9 else None


def _autocorr(x: np.ndarray, max_lag: int) -> np.ndarray:
    n = len(x)
    return np.array([np.mean(x[: n - k] * x[k:]) for k in range(1, max_lag + 1)])


def _effective_samples(a: np.ndarray, b: np.ndarray, known: int) -> float:
    """Bartlett's effective sample size for the correlation of two autocorrelated series."""
    max_lag = max(1, len(a) // 4)
    inflation = 1 + 2 * float(np.sum(_autocorr(a, max_lag) * _autocorr(b, max_lag)))
    return float(np.clip(known / max(inflation, 1.0), 4.0, known))


def _williams_t(r1: float, r2: float, r12: float, n: float) -> float:
    """Williams' t for r1 > r2, two correlations with a shared variable, r12 between the others."""
    det = 1 - r1**2 - r2**2 - r12**2 + 2 * r1 * r2 * r12
    mean = (r1 + r2) / 2
    denom = 2 * (n - 1) / max(n - 3, 1e-6) * max(det, 1e-9) + mean**2 * (1 - r12) ** 3
    return float((r1 - r2) * np.sqrt((n - 1) * (1 + r12)) / np.sqrt(max(denom, 1e-12)))


def score_person(velocity: np.ndarray, sound: StemEnvelope, part: str, lo: int) -> SyncScore | None:
    """Best correlation of one person's part motion with the stem and its Fisher z."""
    feats = _features(velocity)
    known = int((~np.isnan(feats[0])).sum())
    hi = lo + len(feats[0])
    sounds = [
        y for y in (_prepared(f) for f in _sound_features(sound, part, lo, hi)) if y is not None
    ]
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for motion in (y for y in (_prepared(f) for f in feats) if y is not None):
        for s in sounds:
            for lag in range(-MAX_LAG, MAX_LAG + 1):
                shifted = np.roll(s, lag)
                r = float(np.mean(motion * shifted))
                if best is None or r > best[0]:
                    best = (r, motion, shifted)
    if best is None:
        return None
    r, motion, shifted = best
    n = _effective_samples(motion, shifted, known)
    z = float(np.arctanh(np.clip(r, -0.999, 0.999)) * np.sqrt(max(n - 3, 1.0)))
    return SyncScore(-1, r, z, n, motion)


def decide(motion: PartMotion, sound: StemEnvelope, part: str) -> SyncDecision:
    """Score every person and pick the player when the cue is clear (module docstring)."""
    scores = []
    for k, velocity in enumerate(motion.velocity):
        score = score_person(velocity, sound, part, motion.start)
        if score is not None:
            score.index = k
            scores.append(score)
    scores.sort(key=lambda s: -s.corr)
    if not scores:
        return SyncDecision(None, False, [])
    best = scores[0]
    sure = best.z >= SURE_Z
    if sure and len(scores) > 1:
        second = scores[1]
        r12 = float(np.mean(best.signal * second.signal))
        n = min(best.frames, second.frames)
        sure = _williams_t(best.corr, second.corr, r12, n) >= SURE_GAP_T
    return SyncDecision(best.index, sure, scores)
