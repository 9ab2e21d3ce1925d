"""Encode RGB frames to a browser-playable H.264 MP4 (yuv420p, +faststart) with an AAC track."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from vtrack.media.atomic import AtomicOutput, atomic_path
from vtrack.media.audio import AudioTrack
from vtrack.media.container import open_input

AAC_FRAME = 1024
# What `write` converts RGB with (cv2's RGB -> I420 is ITU-R BT.601, limited range, like
# swscale's default); the stream is tagged so, and players show the colours that went in.
_COLORSPACE_BT601 = 6  # AVCOL_SPC_SMPTE170M
_RANGE_LIMITED = 1  # AVCOL_RANGE_MPEG


def _yuv_frame(rgb: np.ndarray) -> av.VideoFrame:
    """An I420 frame from RGB: cv2's converter runs without the GIL and PyAV wraps the result
    without copying it (where this PyAV can)."""
    yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
    wrap = getattr(av.VideoFrame, "from_numpy_buffer", None)
    return wrap(yuv, format="yuv420p") if wrap else av.VideoFrame.from_ndarray(yuv, "yuv420p")


def add_aac_stream(
    container: av.container.OutputContainer, audio: AudioTrack
) -> av.audio.stream.AudioStream:
    layout = "mono" if audio.channels == 1 else "stereo"
    stream = container.add_stream("aac", rate=audio.sample_rate, layout=layout)
    stream.bit_rate = 160_000
    return stream


def aac_packets(stream: av.audio.stream.AudioStream, track: AudioTrack) -> Iterator[av.Packet]:
    """A whole track encoded to AAC by `stream`'s encoder, packet by packet."""
    samples = np.ascontiguousarray(track.samples, dtype=np.float32)
    layout = "mono" if track.channels == 1 else "stereo"
    for start in range(0, samples.shape[1], AAC_FRAME):
        chunk = np.ascontiguousarray(samples[:, start : start + AAC_FRAME])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
        frame.sample_rate = track.sample_rate
        frame.pts = start
        frame.time_base = Fraction(1, track.sample_rate)
        yield from stream.encode(frame)
    yield from stream.encode(None)


def encode_audio(
    container: av.container.OutputContainer, stream: av.audio.stream.AudioStream, track: AudioTrack
) -> None:
    """Encode a whole track to AAC into `stream` of `container`."""
    for packet in aac_packets(stream, track):
        container.mux(packet)


class _AudioAhead:
    """The soundtrack encoded on its own thread while the video is (~30x real time on one
    core: 4 s for two minutes, which would otherwise be added after the last frame)."""

    _END = object()

    def __init__(self, stream: av.audio.stream.AudioStream, track: AudioTrack) -> None:
        self._packets: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(stream, track), name="vtrack-audio", daemon=True
        )
        self._thread.start()

    def _run(self, stream: av.audio.stream.AudioStream, track: AudioTrack) -> None:
        try:
            for packet in aac_packets(stream, track):
                self._packets.put(packet)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the writer
            self._error = exc
        finally:
            self._packets.put(self._END)

    def ready(self) -> Iterator[av.Packet]:
        """Packets encoded so far (the muxer interleaves them with the video)."""
        with contextlib.suppress(queue.Empty):
            while True:
                packet = self._packets.get_nowait()
                if packet is self._END:
                    self._packets.put(self._END)
                    return
                yield packet

    def rest(self) -> Iterator[av.Packet]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        yield from self.ready()


def open_mp4_output(path: Path) -> av.container.OutputContainer:
    """An MP4 for writing with the moov atom up front (+faststart): browsers play it at once."""
    return av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})


def remux_with_audio(source: Path, audio: AudioTrack, out: Path) -> Path:
    """Copy `source`'s H.264 video without re-encoding and give it `audio` instead.

    The same picture with another soundtrack (e.g. the isolated stem) costs a remux, not a
    second encode.
    """
    with atomic_path(out) as tmp, open_input(source) as src, open_mp4_output(tmp) as dst:
        video_in = src.streams.video[0]
        video_out = dst.add_stream_from_template(video_in)
        duration = float(video_in.duration * video_in.time_base) if video_in.duration else None
        audio_out = add_aac_stream(dst, audio)
        for packet in src.demux(video_in):
            if packet.dts is None:
                continue
            packet.stream = video_out
            dst.mux(packet)
        track = audio.fitted(duration) if duration else audio
        encode_audio(dst, audio_out, track)
    return out


class VideoWriter(AtomicOutput):
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
        frames: int | None = None,
    ) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"H.264 yuv420p needs even sizes, got {width}x{height}")
        super().__init__(path)
        self._frames = 0
        self._fps = Fraction(fps).limit_denominator(1001)
        self._container = open_mp4_output(self._tmp)
        self._video = self._container.add_stream("libx264", rate=self._fps)
        self._video.width = width
        self._video.height = height
        self._video.pix_fmt = "yuv420p"
        self._video.codec_context.thread_count = threads
        self._video.codec_context.colorspace = _COLORSPACE_BT601
        self._video.codec_context.color_range = _RANGE_LIMITED
        self._video.options = {"crf": str(crf), "preset": preset, "profile": "high"}
        self._audio_track = audio
        self._audio = None
        self._audio_ahead: _AudioAhead | None = None
        if audio is not None and audio.samples.size:
            self._audio = add_aac_stream(self._container, audio)
            if frames:
                # The length is known: encode the sound now, beside the video.
                track = audio.fitted(frames / float(self._fps))
                self._audio_ahead = _AudioAhead(self._audio, track)

    def write(self, rgb: np.ndarray, picture: av.video.frame.PictureType | None = None) -> None:
        """Encode one RGB uint8 (H, W, 3) frame; `picture`: the type x264 should give it
        (else x264 decides)."""
        frame = _yuv_frame(rgb)
        if picture is not None:
            frame.pict_type = picture
        self.write_frame(frame)

    def write_frame(self, frame: av.VideoFrame) -> None:
        """Encode a decoded frame as it is (converted to yuv420p by PyAV if it is not)."""
        frame.pts = self._frames
        frame.time_base = 1 / self._fps
        for packet in self._video.encode(frame):
            self._container.mux(packet)
        self._frames += 1
        if self._audio_ahead is not None and self._frames % 32 == 0:
            for packet in self._audio_ahead.ready():
                self._container.mux(packet)

    def _write_audio(self) -> None:
        assert self._audio is not None and self._audio_track is not None
        if self._audio_ahead is not None:
            for packet in self._audio_ahead.rest():
                self._container.mux(packet)
            return
        track = self._audio_track.fitted(self._frames / float(self._fps))
        encode_audio(self._container, self._audio, track)

    def _finish(self) -> None:
        """Flush the encoder and mux the audio."""
        for packet in self._video.encode(None):
            self._container.mux(packet)
        if self._audio is not None:
            self._write_audio()
        self._container.close()

    def _discard(self) -> None:
        # Best effort: we are already failing, the original error is the one to report.
        with contextlib.suppress(Exception):
            if self._audio_ahead is not None:
                list(self._audio_ahead.rest())  # the encoder thread must end before closing
            self._container.close()
