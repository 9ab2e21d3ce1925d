"""Separate a video's audio and write the chosen stem, its complement and the matching tracks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vtrack.audio.base import ProgressCallback, StemSeparator
from vtrack.audio.wav import write_wav
from vtrack.media.audio import AudioTrack


@dataclass
class StemResult:
    stem: AudioTrack
    complement: AudioTrack
    stem_file: str
    complement_file: str


def separate_stem(
    audio: AudioTrack,
    stem: str,
    separator: StemSeparator,
    stem_path: Path,
    complement_path: Path,
    progress: ProgressCallback | None = None,
) -> StemResult:
    """Write the stem and its complement (the mix minus the stem) as WAV files."""
    stems = separator.separate(audio.samples, audio.sample_rate, progress)
    if stem not in stems:
        raise KeyError(f"the separator has no '{stem}' stem (it has {sorted(stems)})")
    isolated = np.asarray(stems[stem], np.float32)
    complement = (audio.samples - isolated).astype(np.float32)
    write_wav(stem_path, isolated, audio.sample_rate)
    write_wav(complement_path, complement, audio.sample_rate)
    return StemResult(
        stem=AudioTrack(isolated, audio.sample_rate),
        complement=AudioTrack(complement, audio.sample_rate),
        stem_file=stem_path.name,
        complement_file=complement_path.name,
    )
