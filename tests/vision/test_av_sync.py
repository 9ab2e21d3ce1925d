"""Audio-visual sync decisions on known signals: the synced person wins even when another moves
more; a sound that follows nobody, or two people in step, gives "cannot tell"."""

from __future__ import annotations

import numpy as np

from vtrack.vision.base import StemEnvelope
from vtrack.vision.embedded.av_sync import decide
from vtrack.vision.embedded.body_motion import PartMotion

T = 200


def _strokes(frames: list[int], rng: np.random.Generator, gain: float) -> np.ndarray:
    """Hand velocity (T, 2 points, 2) with a stroke (a 2-frame burst) at each of `frames`."""
    v = rng.normal(0, 0.15, (T, 2, 2))
    for f in frames:
        v[f : f + 2, :, 1] += gain * rng.uniform(0.8, 1.2)
    return v.astype(np.float32)


def _onsets(frames: list[int]) -> StemEnvelope:
    onset = np.zeros(T, np.float32)
    onset[frames] = 1.0
    return StemEnvelope("drums", onset, onset.copy())


def test_the_synced_person_wins_over_one_who_moves_more() -> None:
    rng = np.random.default_rng(0)
    hits = sorted(rng.choice(np.arange(5, T - 5), 30, replace=False).tolist())
    other = sorted(rng.choice(np.arange(5, T - 5), 30, replace=False).tolist())
    motion = PartMotion(0, [_strokes(other, rng, 6.0), _strokes(hits, rng, 2.0)], [40.0, 40.0])
    decision = decide(motion, _onsets(hits), "hands")
    assert decision.chosen == 1 and decision.sure
    assert decision.scores[0].corr > 0.5 > abs(decision.scores[1].corr)


def test_a_sound_that_follows_nobody_cannot_tell() -> None:
    rng = np.random.default_rng(1)
    a, b, sound = (
        sorted(rng.choice(np.arange(5, T - 5), 25, replace=False).tolist()) for _ in range(3)
    )
    motion = PartMotion(0, [_strokes(a, rng, 3.0), _strokes(b, rng, 3.0)], [40.0, 40.0])
    assert not decide(motion, _onsets(sound), "hands").sure


def test_two_people_in_step_cannot_tell() -> None:
    rng = np.random.default_rng(2)
    hits = sorted(rng.choice(np.arange(5, T - 5), 30, replace=False).tolist())
    motion = PartMotion(0, [_strokes(hits, rng, 3.0), _strokes(hits, rng, 3.0)], [40.0, 40.0])
    decision = decide(motion, _onsets(hits), "hands")
    assert decision.scores[0].corr > 0.5 and decision.scores[1].corr > 0.5
    assert not decision.sure


def test_people_never_seen_are_left_out() -> None:
    unseen = np.full((T, 2, 2), np.nan, np.float32)
    motion = PartMotion(0, [unseen, unseen], [40.0, 40.0])
    decision = decide(motion, _onsets([10, 50, 90]), "hands")
    assert decision.chosen is None and not decision.sure and decision.scores == []
