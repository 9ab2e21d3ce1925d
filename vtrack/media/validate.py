"""Check a probed video against the studio's limits; decide the working and the output size.

Two sizes: the engines analyse at the working size (<= `max_width` x `max_height`, 854x480 by
default), the result is rendered at the output size: the source's own, up to
`output_max_width` x `output_max_height` (1920x1080 by default; larger inputs are rendered at
that size, with a notice).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vtrack.config import Settings
from vtrack.errors import UnsupportedVideo, VideoTooLong, VideoTruncated
from vtrack.media.probe import VideoProbe, container_family


@dataclass(frozen=True)
class WorkingFormat:
    """The sizes and rate the pipeline works at, and what changed from the upload.

    `width` x `height` is the working (analysis) size; `out_width` x `out_height` the size the
    results are rendered at (the working size when not given).
    """

    width: int
    height: int
    fps: float
    frame_count: int
    notices: list[str] = field(default_factory=list)
    out_width: int = 0
    out_height: int = 0
    # Work on a file whose end is missing or damaged (the accept_cut_off option).
    accept_cut_off: bool = False

    def __post_init__(self) -> None:
        if not self.out_width or not self.out_height:
            object.__setattr__(self, "out_width", self.width)
            object.__setattr__(self, "out_height", self.height)

    @property
    def work_size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def out_size(self) -> tuple[int, int]:
        return self.out_width, self.out_height


def fit_within(width: int, height: int, max_long: int, max_short: int) -> tuple[int, int]:
    """Largest even size with the same aspect that fits the limits (either orientation)."""
    long_side, short_side = max(width, height), min(width, height)
    scale = min(1.0, max_long / long_side, max_short / short_side)
    w = max(2, int(round(width * scale / 2)) * 2)
    h = max(2, int(round(height * scale / 2)) * 2)
    return w, h


def _check_limits(probe: VideoProbe, settings: Settings) -> None:
    families = container_family(probe.container)
    allowed = {name.lower() for name in settings.supported_containers}
    if not families & allowed:
        raise UnsupportedVideo(
            f"Unsupported container '{probe.container}'. Please upload MP4, WebM, MOV, AVI or MKV."
        )
    if probe.duration_s > settings.max_duration_s + 0.05:
        raise VideoTooLong(
            f"The video is {probe.duration_s:.1f} s long; the limit is "
            f"{settings.max_duration_s:g} s (VTRACK_MAX_DURATION_S on the server). "
            "Trim it and upload again, or raise the limit."
        )
    if probe.width * probe.height > settings.max_input_pixels:
        raise UnsupportedVideo(
            f"The frame size {probe.width}x{probe.height} is too large to process "
            f"(limit {settings.max_input_pixels:,} pixels per frame, VTRACK_MAX_INPUT_PIXELS). "
            "Please export it smaller."
        )
    if probe.frame_count > settings.max_frames:
        raise VideoTooLong(
            f"The video has about {probe.frame_count} frames; the limit is {settings.max_frames} "
            "(VTRACK_MAX_FRAMES on the server). Lower its frame rate or trim it, or raise the "
            "limit."
        )


def clock(seconds: float) -> str:
    """How a player shows a time: 0:04, 0:03.3, 1:02."""
    minutes, rest = divmod(round(seconds * 10), 600)
    whole, tenth = divmod(rest, 10)
    return f"{minutes}:{whole:02d}" + (f".{tenth}" if tenth else "")


def cut_off_notice(probe: VideoProbe, accept: bool) -> str | None:
    """None for a whole file; for a cut-off one, the error (or, accepted, the notice) to give."""
    if probe.cut_off_at_s is None:
        return None
    where, whole = clock(probe.cut_off_at_s), clock(probe.duration_s)
    if where == whole:  # only the last frames are missing: say it finer than a player would
        where, whole = f"{probe.cut_off_at_s:.2f} s", f"{probe.duration_s:.2f} s"
    if accept:
        return (
            f"The file is cut off after {where} of its {whole}: only the first {where} were "
            "processed (the rest is missing from the file)."
        )
    raise VideoTruncated(
        f"The file is cut off after {where} (it should last {whole}); upload the whole file."
    )


def validate_video(
    probe: VideoProbe, settings: Settings, accept_cut_off: bool = False
) -> WorkingFormat:
    """Raise a domain error for a video we won't process; otherwise return the working format.

    A file cut off before its declared end is refused, unless `accept_cut_off`: then only the
    part that is there is worked on, with a notice naming what is missing."""
    cut_notice = cut_off_notice(probe, accept_cut_off)
    _check_limits(probe, settings)
    notices: list[str] = [cut_notice] if cut_notice else []
    frame_count = probe.frame_count
    if probe.cut_off_at_s is not None:
        frame_count = max(1, min(frame_count, int(probe.cut_off_at_s * probe.fps + 0.5)))
    max_long = max(settings.max_width, settings.max_height)
    max_short = min(settings.max_width, settings.max_height)
    width, height = fit_within(probe.width, probe.height, max_long, max_short)
    out_long = max(settings.output_max_width, settings.output_max_height)
    out_short = min(settings.output_max_width, settings.output_max_height)
    out_width, out_height = fit_within(probe.width, probe.height, out_long, out_short)
    if out_width < probe.width or out_height < probe.height:
        notices.append(
            f"The video is {probe.width}x{probe.height}; the result is rendered at "
            f"{out_width}x{out_height} (the {settings.output_max_width}x"
            f"{settings.output_max_height} output limit, VTRACK_OUTPUT_MAX_WIDTH/HEIGHT)."
        )
    elif (out_width, out_height) != (probe.width, probe.height):
        notices.append(
            f"The frame size was rounded to {out_width}x{out_height} (H.264 needs even sizes)."
        )
    if probe.rotation:
        notices.append(f"The video's rotation metadata ({probe.rotation}°) was applied.")
    return WorkingFormat(
        width=width,
        height=height,
        fps=probe.fps,
        frame_count=frame_count,
        notices=notices,
        out_width=out_width,
        out_height=out_height,
        accept_cut_off=accept_cut_off,
    )
