"""WAV writing: 16-bit PCM readable by the standard library, float32 round trip, stems folder."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from vtrack.audio.wav import read_wav, write_stems, write_wav


def test_pcm16_round_trip(tmp_path: Path) -> None:
    t = np.arange(4410) / 44100
    x = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 1.3 * np.sin(2 * np.pi * 220 * t)])
    path = write_wav(tmp_path / "a.wav", x, 44100)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            2, 2, 44100, 4410,
        )  # fmt: skip
    y, rate = read_wav(path)
    assert rate == 44100 and y.shape == x.shape
    assert np.max(np.abs(y[0] - x[0])) < 1e-4
    assert np.max(np.abs(y[1])) <= 1.0  # clipped, not wrapped


def test_float32_and_stems(tmp_path: Path) -> None:
    x = np.random.default_rng(0).uniform(-1, 1, (1, 1000)).astype(np.float32)
    y, rate = read_wav(write_wav(tmp_path / "f.wav", x, 22050, float32=True))
    assert rate == 22050 and np.array_equal(x, y)
    paths = write_stems(tmp_path / "stems", {"drums": x, "bass": x[0]}, 22050)
    assert sorted(p.name for p in paths.values()) == ["bass.wav", "drums.wav"]
    assert read_wav(paths["bass"])[0].shape == (1, 1000)
