"""Read a file's audio track as float32 samples (for muxing and stem separation)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from vtrack.media.container import open_input


@dataclass
class AudioTrack:
    """Planar float32 samples, shape (channels, samples), values in [-1, 1]."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / self.sample_rate

    @property
    def channels(self) -> int:
        return self.samples.shape[0]

    def fitted(self, duration_s: float) -> AudioTrack:
        """Trim or pad with silence to exactly `duration_s` (keeps audio and video the same length)."""
        n = int(round(duration_s * self.sample_rate))
        have = self.samples.shape[1]
        if have >= n:
            return AudioTrack(self.samples[:, :n], self.sample_rate)
        pad = np.zeros((self.channels, n - have), np.float32)
        return AudioTrack(np.concatenate([self.samples, pad], axis=1), self.sample_rate)


def read_audio(path: Path, max_channels: int = 2) -> AudioTrack | None:
    """Decode the first audio stream to float32 at its own rate; None if there is no audio.

    Broken audio packets are skipped rather than failing the whole job: a video with damaged
    sound still deserves its video result.
    """
    try:
        container = open_input(path)
    except av.error.FFmpegError:
        return None
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or 48000
        channels = min(max_channels, max(1, stream.codec_context.channels or 1))
        layout = "mono" if channels == 1 else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
        except av.error.FFmpegError:
            pass
        if not chunks:
            return None
        samples = np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
        return AudioTrack(np.clip(samples, -1.0, 1.0), rate)
