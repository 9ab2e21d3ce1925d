"""Check a probed video against the studio's limits and decide the working frame size."""

from __future__ import annotations

from dataclasses import dataclass, field

from vtrack.config import Settings
from vtrack.errors import UnsupportedVideo, VideoTooLong
from vtrack.media.probe import VideoProbe, container_family


@dataclass(frozen=True)
class WorkingFormat:
    """The size and rate the pipeline works at, and what changed from the upload."""

    width: int
    height: int
    fps: float
    frame_count: int
    notices: list[str] = field(default_factory=list)


def fit_within(width: int, height: int, max_long: int, max_short: int) -> tuple[int, int]:
    """Largest even size with the same aspect that fits the limits (either orientation)."""
    long_side, short_side = max(width, height), min(width, height)
    scale = min(1.0, max_long / long_side, max_short / short_side)
    w = max(2, int(round(width * scale / 2)) * 2)
    h = max(2, int(round(height * scale / 2)) * 2)
    return w, h


def validate_video(probe: VideoProbe, settings: Settings) -> WorkingFormat:
    """Raise a domain error for a video we won't process; otherwise return the working format."""
    families = container_family(probe.container)
    allowed = {name.lower() for name in settings.supported_containers}
    if not families & allowed:
        raise UnsupportedVideo(
            f"Unsupported container '{probe.container}'. Please upload MP4, WebM, MOV, AVI or MKV."
        )
    if probe.duration_s > settings.max_duration_s + 0.05:
        raise VideoTooLong(
            f"The video is {probe.duration_s:.1f} s long; the limit is "
            f"{settings.max_duration_s:g} s. Trim it and upload again."
        )
    if probe.width * probe.height > settings.max_input_pixels:
        raise UnsupportedVideo(
            f"The frame size {probe.width}x{probe.height} is too large to process "
            f"(limit {settings.max_input_pixels:,} pixels per frame). Please export it smaller."
        )
    if probe.frame_count > settings.max_frames:
        raise VideoTooLong(
            f"The video has about {probe.frame_count} frames; the limit is {settings.max_frames}. "
            "Lower its frame rate or trim it."
        )
    notices: list[str] = []
    max_long = max(settings.max_width, settings.max_height)
    max_short = min(settings.max_width, settings.max_height)
    width, height = fit_within(probe.width, probe.height, max_long, max_short)
    if (width, height) != (probe.width, probe.height):
        if width < probe.width or height < probe.height:
            notices.append(
                f"The video was {probe.width}x{probe.height}; it was downscaled to "
                f"{width}x{height} to fit the {settings.max_width}x{settings.max_height} limit."
            )
        else:
            notices.append(
                f"The frame size was rounded to {width}x{height} (H.264 needs even sizes)."
            )
    if probe.rotation:
        notices.append(f"The video's rotation metadata ({probe.rotation}°) was applied.")
    return WorkingFormat(
        width=width,
        height=height,
        fps=probe.fps,
        frame_count=probe.frame_count,
        notices=notices,
    )
