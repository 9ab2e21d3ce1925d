"""A stem's onset strength per video frame: real drum hits land on the frames they were placed."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.audio.envelope import stem_envelopes
from vtrack.audio.mixes import SR, load_sample, samples_available

FPS = 25.0


@pytest.mark.skipif(not samples_available(), reason="needs Debian's sonic-pi-samples")
def test_onsets_of_real_hits_fall_on_their_frames() -> None:
    hit_frames = [5, 17, 26, 41, 52, 70]
    n_frames = 80
    track = np.zeros((2, int(n_frames / FPS * SR)), np.float32)
    snare = load_sample("drum_snare_hard")
    for f in hit_frames:
        start = int(f / FPS * SR)
        end = min(track.shape[1], start + snare.shape[1])
        track[:, start:end] += snare[:, : end - start]
    onset, energy = stem_envelopes(track, SR, FPS, n_frames)
    assert onset.shape == energy.shape == (n_frames,)
    # the six strongest onsets are the hits (within one frame: the analysis window straddles)
    strongest = sorted(np.argsort(-onset)[: len(hit_frames)])
    assert all(min(abs(s - f) for f in hit_frames) <= 1 for s in strongest)
    # loudness is high right after each hit and near zero before the first
    assert energy[hit_frames[0]] > 10 * energy[: hit_frames[0] - 1].max()


def test_silence_and_empty_input() -> None:
    onset, energy = stem_envelopes(np.zeros((2, SR), np.float32), SR, FPS, 25)
    assert not onset.any() and not energy.any()
    onset, energy = stem_envelopes(np.zeros((2, 0), np.float32), SR, FPS, 10)
    assert onset.shape == (10,) and not onset.any()
