"""The named stem's sound, per video frame, for engines that tell musicians apart by sync."""

from __future__ import annotations

import threading

from vtrack.audio.envelope import stem_envelopes
from vtrack.pipelines.concurrency import Background
from vtrack.vision.base import SoundSource, StemEnvelope


def stem_sound(
    separation: Background | None, stem: str | None, fps: float, frame_count: int
) -> SoundSource | None:
    """A SoundSource that waits for the running separation only when an engine asks for it.

    `separation` is the background stage whose result has the stem as `.stem` (an AudioTrack);
    None when there is nothing to listen to (no sound, or the prompt names no stem).
    """
    if separation is None or stem is None:
        return None
    lock = threading.Lock()
    cache: list[StemEnvelope] = []

    def load() -> StemEnvelope | None:
        with lock:
            if not cache:
                track = separation.join().stem
                onset, energy = stem_envelopes(track.samples, track.sample_rate, fps, frame_count)
                cache.append(StemEnvelope(stem, onset, energy))
            return cache[0]

    return load
