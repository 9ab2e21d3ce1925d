"""Shared media steps of every workflow: open and validate, decode once, render and mux."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vtrack.config import Settings
from vtrack.media.audio import AudioTrack, read_audio
from vtrack.media.decode import decode_in_background
from vtrack.media.encode import VideoWriter
from vtrack.media.frames import FrameStore
from vtrack.media.probe import VideoProbe, probe_video
from vtrack.media.share import SourceShare
from vtrack.media.validate import WorkingFormat, validate_video


@dataclass
class OpenedVideo:
    """A validated upload: what it is and the format the pipeline will work at."""

    probe: VideoProbe
    fmt: WorkingFormat


def open_video(path: Path, settings: Settings, accept_cut_off: bool = False) -> OpenedVideo:
    """Probe and validate; raises a domain error (UnsupportedVideo, VideoTooLong, VideoTruncated)
    on bad input. `accept_cut_off`: work on the part of a cut-off file that is there."""
    probe = probe_video(path)
    return OpenedVideo(probe=probe, fmt=validate_video(probe, settings, accept_cut_off))


def decode(video: OpenedVideo, work_dir: Path, share: SourceShare | None = None) -> FrameStore:
    """Decode the whole video once, at the working size, into a frame store in `work_dir`, on
    a background thread (handing each decoded frame to `share` for a renderer that follows).

    Frames can be read as soon as they are decoded; call `.stop()` when giving up early.
    """
    return decode_in_background(video.probe, video.fmt, work_dir, share=share)


def original_audio(video: OpenedVideo) -> AudioTrack | None:
    return read_audio(video.probe.path) if video.probe.has_audio else None


def encode_frames(
    frames: Iterable[np.ndarray],
    out_path: Path,
    audio: AudioTrack | None,
    fmt: WorkingFormat,
    settings: Settings,
    total: int,
    progress: Callable[[float], None] | None = None,
) -> Path:
    """Encode frames at the working size to an H.264 MP4 with `audio` (trimmed or padded to
    the video's length); results at output size go through `render.render_video`."""
    with VideoWriter(
        out_path,
        fmt.width,
        fmt.height,
        fmt.fps,
        audio=audio,
        crf=settings.video_crf,
        preset=settings.video_preset,
    ) as writer:
        for i, frame in enumerate(frames):
            writer.write(frame)
            if progress and i % 8 == 0:
                progress(i / max(1, total))
    return out_path
