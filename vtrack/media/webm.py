"""Encode RGBA frames to a WebM with VP9 and an alpha channel (a cutout to composite elsewhere).

Browsers that play VP9 (Chrome, Firefox, Edge) show the transparency; editors import it as a
keyed clip. libvpx carries the alpha plane as a second stream inside the WebM's blocks.
"""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from vtrack.media.atomic import AtomicOutput


class AlphaWebmWriter(AtomicOutput):
    """Streamed VP9 (yuva420p) WebM writer: `write(rgba)` per frame."""

    def __init__(self, path: Path, width: int, height: int, fps: float, crf: int = 32) -> None:
        super().__init__(path)
        self._fps = Fraction(fps).limit_denominator(1001)
        self._container = av.open(str(self._tmp), mode="w", format="webm")
        self._video = self._container.add_stream("libvpx-vp9", rate=self._fps)
        self._video.width = width
        self._video.height = height
        self._video.pix_fmt = "yuva420p"
        # constant quality, and realtime speed: a cutout is an intermediate, not a master
        self._video.options = {"crf": str(crf), "b": "0", "deadline": "realtime", "cpu-used": "8"}
        self._frames = 0

    def write(self, rgba: np.ndarray) -> None:
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgba), format="rgba")
        frame.pts = self._frames
        frame.time_base = 1 / self._fps
        for packet in self._video.encode(frame):
            self._container.mux(packet)
        self._frames += 1

    def _finish(self) -> None:
        for packet in self._video.encode(None):
            self._container.mux(packet)
        self._container.close()

    def _discard(self) -> None:
        with contextlib.suppress(Exception):
            self._container.close()


def read_alpha_webm(path: Path) -> list[np.ndarray]:
    """Decode a VP9 alpha WebM back to RGBA frames (tests). FFmpeg's native VP9 decoder drops
    the alpha plane, so libvpx's decoder is asked for by name."""
    frames = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        codec = av.CodecContext.create("libvpx-vp9", "r")
        for packet in container.demux(stream):
            for frame in codec.decode(packet):
                frames.append(frame.to_ndarray(format="rgba"))
    return frames
