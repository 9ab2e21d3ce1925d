"""Encode RGB frames to a browser-playable H.264 MP4 (yuv420p, +faststart) with an AAC track."""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np

from vtrack.media.audio import AudioTrack

AAC_FRAME = 1024


class VideoWriter:
    """Streamed H.264 writer: `write(frame)` per frame, audio muxed on close.

    Writes to a temporary name and renames on success, so a crash never leaves a partial file
    under the final name.
    """

    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        fps: float,
        audio: AudioTrack | None = None,
        crf: int = 20,
        preset: str = "veryfast",
        threads: int = 0,
    ) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"H.264 yuv420p needs even sizes, got {width}x{height}")
        self.path = Path(path)
        self._tmp = self.path.with_name(f".{self.path.name}.part")
        self._frames = 0
        self._fps = Fraction(fps).limit_denominator(1001)
        self._container = av.open(
            str(self._tmp), mode="w", format="mp4", options={"movflags": "+faststart"}
        )
        self._video = self._container.add_stream("libx264", rate=self._fps)
        self._video.width = width
        self._video.height = height
        self._video.pix_fmt = "yuv420p"
        self._video.codec_context.thread_count = threads
        self._video.options = {"crf": str(crf), "preset": preset, "profile": "high"}
        self._audio_track = audio
        self._audio = None
        if audio is not None and audio.samples.size:
            layout = "mono" if audio.channels == 1 else "stereo"
            self._audio = self._container.add_stream("aac", rate=audio.sample_rate, layout=layout)
            self._audio.bit_rate = 160_000

    def write(self, rgb: np.ndarray) -> None:
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts = self._frames
        frame.time_base = 1 / self._fps
        for packet in self._video.encode(frame):
            self._container.mux(packet)
        self._frames += 1

    def _write_audio(self) -> None:
        assert self._audio is not None and self._audio_track is not None
        track = self._audio_track.fitted(self._frames / float(self._fps))
        samples = np.ascontiguousarray(track.samples, dtype=np.float32)
        layout = "mono" if track.channels == 1 else "stereo"
        for start in range(0, samples.shape[1], AAC_FRAME):
            chunk = np.ascontiguousarray(samples[:, start : start + AAC_FRAME])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate = track.sample_rate
            frame.pts = start
            frame.time_base = Fraction(1, track.sample_rate)
            for packet in self._audio.encode(frame):
                self._container.mux(packet)
        for packet in self._audio.encode(None):
            self._container.mux(packet)

    def close(self) -> Path:
        """Flush, mux the audio, and move the file to its final name."""
        for packet in self._video.encode(None):
            self._container.mux(packet)
        if self._audio is not None:
            self._write_audio()
        self._container.close()
        self._tmp.replace(self.path)
        return self.path

    def abort(self) -> None:
        """Drop the partial output."""
        # Best effort: we are already failing, the original error is the one to report.
        with contextlib.suppress(Exception):
            self._container.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
