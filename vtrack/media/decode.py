"""Decode a video as a stream of constant-rate RGB frames at a chosen size.

Variable-frame-rate input is resampled to a constant rate (each output instant shows the latest
decoded frame), so frame i is always at time i / fps and the audio stays in sync; decoding the
same file at two sizes (the analysis store, the render stream) gives the same frame i in both.
Rotation metadata is applied and frames are scaled by FFmpeg's swscale as they are converted
(area averaging when shrinking: sharper than bilinear and cheaper).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from vtrack.errors import UnsupportedVideo
from vtrack.media.container import open_input
from vtrack.media.frames import FrameInfo, FrameStore
from vtrack.media.probe import VideoProbe
from vtrack.media.share import SourceShare
from vtrack.media.truncation import TOLERANCE_FRAMES, TOLERANCE_S
from vtrack.media.validate import WorkingFormat

_ROTATE = {90: np.rot90, 180: lambda a: np.rot90(a, 2), 270: lambda a: np.rot90(a, 3)}


class ToRGB:
    """Decoded frames to RGB uint8 at `size` (w, h, as displayed), rotation applied.

    Keeps its own swscale context: reused frame after frame (PyAV's `frame.to_ndarray` sets one
    up per frame), and two converters may read the same decoded frame from two threads.
    """

    def __init__(self, probe: VideoProbe, size: tuple[int, int]) -> None:
        width, height = size
        self.rotation = probe.rotation
        # Scale in the coded orientation, then rotate: swscale does the resize in C.
        self.coded = (height, width) if probe.rotation in (90, 270) else (width, height)
        self._reformatter = VideoReformatter()
        self._last: tuple[av.VideoFrame, np.ndarray] | None = None

    def __call__(self, frame: av.VideoFrame) -> np.ndarray:
        if self._last is not None and self._last[0] is frame:
            # a repeated frame (constant-rate resampling): converted once, handed out as its own
            # array (an effect draws on the frame it gets; the next instant must not show it)
            return self._last[1].copy()
        width, height = self.coded
        shrink = width < frame.width or height < frame.height
        rgb = self._reformatter.reformat(
            frame, width, height, "rgb24", interpolation="AREA" if shrink else "BILINEAR"
        ).to_ndarray()
        rotate = _ROTATE.get(self.rotation)
        # FFmpeg's rotation is counter-clockwise display rotation; np.rot90 turns counter-clockwise.
        if rotate:
            rgb = np.ascontiguousarray(rotate(rgb))
        self._last = (frame, rgb)
        return rgb


class _DecodedFrames:
    """Decode packet by packet, skipping packets the decoder rejects (damaged data).

    A few broken packets should cost a few frames, not the whole video (players conceal them
    too); past `budget` errors the file is declared damaged. `errors` counts the rejects.
    """

    def __init__(
        self,
        container: av.container.InputContainer,
        stream: av.video.stream.VideoStream,
        budget: int,
    ) -> None:
        self.container, self.stream, self.budget = container, stream, budget
        self.errors = 0

    def __iter__(self) -> Iterator[av.VideoFrame]:
        for packet in self.container.demux(self.stream):
            try:
                frames = packet.decode()
            except av.error.FFmpegError as exc:
                self.errors += 1
                if self.errors > self.budget:
                    raise UnsupportedVideo(
                        "The video stream is too damaged to decode (many broken packets)."
                    ) from exc
                continue
            yield from frames


def _check_damaged_end(fmt: WorkingFormat, emitted: int, damaged: bool) -> None:
    """Refuse a video whose end is damaged data (all packets there, the last ones undecodable),
    instead of filling the missing end with a frozen last frame, unless `accept_cut_off`.
    A short gap without decode errors is rounding of the stated length (see truncation.py)."""
    missing = fmt.frame_count - emitted
    if not damaged or fmt.accept_cut_off:
        return
    if missing <= max(TOLERANCE_FRAMES, TOLERANCE_S * fmt.fps):
        return
    raise UnsupportedVideo(
        f"The video could not be decoded after {emitted / fmt.fps:.1f} s: its last "
        f"{missing / fmt.fps:.1f} s are damaged data. Upload an undamaged copy, or set "
        "accept_cut_off to work on the part that decodes (its last frame then stays on screen)."
    )


def iter_decoded(
    probe: VideoProbe, fmt: WorkingFormat, decode_threads: int = 0
) -> Iterator[av.VideoFrame]:
    """Yield exactly `fmt.frame_count` decoded frames at constant rate `fmt.fps` (the same
    frame object again where the source has a gap)."""
    try:
        container = open_input(probe.path)
    except av.error.FFmpegError as exc:
        raise UnsupportedVideo("The video could not be opened for decoding.") from exc
    with container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if decode_threads:
            stream.codec_context.thread_count = decode_threads
        start: float | None = None
        last: av.VideoFrame | None = None
        emitted = 0
        half = 0.5 / fmt.fps
        budget = max(5, fmt.frame_count // 10)
        decoded = _DecodedFrames(container, stream, budget)
        demux_failed = False
        try:
            for index, frame in enumerate(decoded):
                t = frame.time if frame.time is not None else index / fmt.fps
                if start is None:
                    start = t
                rel = t - start
                # Output instants before this frame's time keep showing the previous frame
                # (VFR gaps become duplicates; frames between instants are dropped).
                while emitted < fmt.frame_count and emitted / fmt.fps < rel - half:
                    if last is not None:
                        yield last
                        emitted += 1
                    else:
                        break
                if emitted >= fmt.frame_count:
                    break
                last = frame
        except av.error.FFmpegError as exc:
            # Demuxing itself failed (truncated or garbled container): keep what was decoded.
            if last is None:
                raise UnsupportedVideo(
                    "The video stream could not be decoded; the file looks damaged."
                ) from exc
            demux_failed = True
        if last is None:
            raise UnsupportedVideo("The video has no decodable frames; the file looks damaged.")
        _check_damaged_end(fmt, emitted + 1, demux_failed or decoded.errors > 0)
        # The last frame covers the remaining instants (also a stream shorter than stated).
        while emitted < fmt.frame_count:
            yield last
            emitted += 1


def iter_frames(
    probe: VideoProbe,
    fmt: WorkingFormat,
    size: tuple[int, int] | None = None,
    decode_threads: int = 0,
) -> Iterator[np.ndarray]:
    """Yield exactly `fmt.frame_count` RGB frames at constant rate `fmt.fps`, at `size`
    (w, h; default: the working size)."""
    convert = ToRGB(probe, size or fmt.work_size)
    for frame in iter_decoded(probe, fmt, decode_threads):
        yield convert(frame)


def decode_in_background(
    probe: VideoProbe,
    fmt: WorkingFormat,
    store_dir: Path,
    progress: Callable[[float], None] | None = None,
    share: SourceShare | None = None,
) -> FrameStore:
    """Start decoding into a `FrameStore` in `store_dir` at the working size, on a thread;
    frames become readable as they land. With `share`, every decoded frame is also handed to
    the renderer (see `media.share`).

    The caller must eventually call `frames.stop()` (on failure) or read to the end.
    """
    info = FrameInfo(
        width=fmt.width,
        height=fmt.height,
        fps=fmt.fps,
        count=fmt.frame_count,
        source_path=probe.path,
    )
    frames = FrameStore.create(store_dir, info)
    if share is not None:
        share.readers_waiting = lambda: frames.readers_waiting
        frames.on_wait = share.urge
    convert = ToRGB(probe, fmt.work_size)

    def run() -> None:
        try:
            for i, decoded in enumerate(iter_decoded(probe, fmt)):
                if frames.stopped.is_set():
                    raise RuntimeError("decoding stopped")
                frames.write(i, convert(decoded))
                frames.mark_ready(i + 1)
                if share is not None:
                    share.offer(i, decoded)
                if progress and i % 16 == 0:
                    progress(i / fmt.frame_count)
            frames.finish()
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, who reports it
            frames.fail(exc)
        finally:
            if share is not None:
                share.close()
            frames.finished.set()

    threading.Thread(target=run, name="vtrack-decode", daemon=True).start()
    return frames
