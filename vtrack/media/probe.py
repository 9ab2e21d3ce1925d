"""Probe a video file's container and streams without decoding it all."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av

from vtrack.errors import UnsupportedVideo, VideoTruncated
from vtrack.media.container import open_input
from vtrack.media.truncation import CUT_MP4, data_extent, mp4_cut_off

# FFmpeg demuxer names (as PyAV reports them) for the formats the spec accepts.
CONTAINER_ALIASES = {
    "mp4": {"mov", "mp4", "m4a", "3gp", "3g2", "mj2"},
    "mov": {"mov"},
    "webm": {"webm", "matroska"},
    "matroska": {"matroska", "webm"},
    "mkv": {"matroska"},
    "avi": {"avi"},
}


@dataclass(frozen=True)
class VideoProbe:
    """What a video file holds, as FFmpeg sees it."""

    path: Path
    container: str
    duration_s: float
    width: int  # as displayed, after rotation
    height: int
    coded_width: int
    coded_height: int
    rotation: int  # degrees, counter-clockwise, as FFmpeg reports it (0, 90, 180, 270)
    fps: float
    frame_count: int  # frames at `fps` over `duration_s` (what the decoder will deliver)
    video_codec: str
    has_audio: bool
    audio_codec: str | None = None
    audio_sample_rate: int | None = None
    audio_channels: int | None = None
    notes: list[str] = field(default_factory=list)
    # Where the data really stops when the file is cut off before its declared end, else None.
    cut_off_at_s: float | None = None

    def as_dict(self) -> dict:
        return {
            "container": self.container,
            "duration_s": round(self.duration_s, 3),
            "width": self.width,
            "height": self.height,
            "rotation": self.rotation,
            "fps": round(self.fps, 3),
            "frame_count": self.frame_count,
            "video_codec": self.video_codec,
            "has_audio": self.has_audio,
            "audio_codec": self.audio_codec,
            "audio_sample_rate": self.audio_sample_rate,
        }


def container_family(format_name: str) -> set[str]:
    """The spec's format names a demuxer name covers (e.g. 'mov,mp4,m4a' → {'mp4', 'mov'})."""
    names = set(format_name.split(","))
    return {family for family, aliases in CONTAINER_ALIASES.items() if names & aliases}


def _stream_duration(stream: av.stream.Stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return None


def _first_frame_rotation(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> int:
    """Rotation from the display matrix, read off the first decoded frame."""
    try:
        for frame in container.decode(stream):
            return int(round(getattr(frame, "rotation", 0) or 0)) % 360
    except av.error.FFmpegError:
        return 0
    return 0


def _cut_off_at(
    container: av.container.InputContainer, path: Path, declared_s: float, fps: float
) -> float | None:
    """Where the data stops if the file is cut off before its declared end (else None)."""
    try:
        container.seek(0)
    except av.error.FFmpegError:
        return None  # cannot rewind (an odd container): it was decodable, take it as whole
    extent = data_extent(container, declared_s, path.stat().st_size)
    return extent.data_end_s if extent.cut_off(fps) else None


def _open(path: Path) -> av.container.InputContainer:
    """Open for probing; a file that cannot be opened is either cut off (an MP4 whose data
    stops early) or not a video we can read."""
    try:
        return open_input(path)
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        if mp4_cut_off(Path(path)):
            raise VideoTruncated(CUT_MP4) from exc
        raise UnsupportedVideo(
            "This file is not a video we can read (the container could not be opened). "
            "Please upload an MP4, WebM, MOV, AVI or MKV file."
        ) from exc


def probe_video(path: Path) -> VideoProbe:
    """Open `path` and describe it; raise UnsupportedVideo with a plain reason if we can't use it."""
    with _open(path) as container:
        if container.format.name.endswith("_pipe") or container.format.name == "image2":
            raise UnsupportedVideo(
                "This is a still image, not a video. Please upload an MP4, WebM, MOV, AVI or "
                "MKV file."
            )
        if not container.streams.video:
            if mp4_cut_off(Path(path)):
                raise VideoTruncated(CUT_MP4)
            raise UnsupportedVideo("This file has no video stream (is it an audio file?).")
        stream = container.streams.video[0]
        ctx = stream.codec_context
        if not ctx.width or not ctx.height:
            raise UnsupportedVideo("The video stream has no frame size; the file looks damaged.")
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        if not 1.0 <= fps <= 240.0:
            fps = 25.0
        duration = None
        if container.duration is not None:
            duration = container.duration / 1_000_000
        stream_duration = _stream_duration(stream)
        if stream_duration:
            duration = stream_duration if duration is None else min(duration, stream_duration)
        if not duration or duration <= 0:
            if stream.frames:
                duration = stream.frames / fps
            else:
                raise UnsupportedVideo("The video's duration is unknown; the file looks damaged.")
        audio = container.streams.audio[0] if container.streams.audio else None
        video_codec = ctx.name
        rotation = _first_frame_rotation(container, stream)
        cut_off_at = _cut_off_at(container, Path(path), float(duration), fps)
        frame_count = max(1, int(round(duration * fps)))
        width, height = ctx.width, ctx.height
        if rotation in (90, 270):
            width, height = height, width
        return VideoProbe(
            path=Path(path),
            container=container.format.name,
            duration_s=float(duration),
            width=width,
            height=height,
            coded_width=ctx.width,
            coded_height=ctx.height,
            rotation=rotation,
            fps=float(Fraction(fps).limit_denominator(1001)),
            frame_count=frame_count,
            video_codec=video_codec,
            has_audio=audio is not None,
            audio_codec=audio.codec_context.name if audio else None,
            audio_sample_rate=audio.codec_context.sample_rate if audio else None,
            audio_channels=audio.codec_context.channels if audio else None,
            cut_off_at_s=cut_off_at,
        )
