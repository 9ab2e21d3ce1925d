"""Render a result at output resolution, on threads, as the analysis delivers the masks.

The engines work on the working-resolution frame store; the result is drawn on the source
itself, at the output size: the renderer takes the analysis decoder's frames while it follows it
closely (`media.share`), else decodes the source again (never holding more than a few frames),
scales each frame's masks up along the frame's own edges, applies the effect and encodes H.264
with the sound. Decoding, drawing and encoding run on three threads, a few frames apart, beside
the tracker: on two cores both stay busy.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

import av
import numpy as np

from vtrack.config import Settings
from vtrack.media.audio import AudioTrack
from vtrack.media.decode import ToRGB, iter_decoded
from vtrack.media.encode import VideoWriter
from vtrack.media.frames import FrameSequence
from vtrack.media.share import SourceShare
from vtrack.media.validate import WorkingFormat
from vtrack.pipelines.concurrency import Background, Drain, Prefetched
from vtrack.pipelines.effects import Effect
from vtrack.pipelines.mask_export import MaskZipWriter
from vtrack.pipelines.upsample import MaskUpsampler
from vtrack.pipelines.video_io import OpenedVideo

_P, _B = av.video.frame.PictureType.P, av.video.frame.PictureType.B
# Frames decoded ahead of drawing, and drawn frames waiting for the encoder: enough to ride
# out a slow frame, few enough that 1080p stays ~50 MB.
_AHEAD = 4


class ObjectMasks(Protocol):
    def at(self, index: int) -> dict[int, np.ndarray]:
        """Working-resolution masks of the objects visible on frame `index`, by object id."""
        ...


def decoded_source(video: OpenedVideo, share: SourceShare | None = None) -> Iterator[av.VideoFrame]:
    """The source's decoded frames, in order: from `share` while it supplies them, then
    decoded here from where the share stopped."""
    fmt = video.fmt
    index = 0
    try:
        while share is not None and index < fmt.frame_count:
            frame = share.take(index)
            if frame is None:
                break
            yield frame
            index += 1
    finally:
        if share is not None:
            share.leave()
    if index < fmt.frame_count:
        yield from itertools.islice(iter_decoded(video.probe, fmt), index, None)


def source_frames(video: OpenedVideo, share: SourceShare | None = None) -> Iterator[np.ndarray]:
    """The source at the output size, frame by frame, as RGB."""
    convert = ToRGB(video.probe, video.fmt.out_size)
    return (convert(frame) for frame in decoded_source(video, share))


def _with_rgb(
    video: OpenedVideo, share: SourceShare | None
) -> Iterator[tuple[av.VideoFrame, np.ndarray]]:
    convert = ToRGB(video.probe, video.fmt.out_size)
    return ((frame, convert(frame)) for frame in decoded_source(video, share))


def _encoder_frame_type(decoded: av.VideoFrame) -> av.video.frame.PictureType | None:
    """The source frame's picture type when the encoder should take it over: a P or B frame.

    A plain transcode hands x264 the decoded frames, picture types included, and x264 then
    skips its own frame-type decisions (the lookahead's costliest work): on the 720p bench clip
    x264 took 2.3 s instead of 2.7 s for 300 frames, files within 1 %. Frames drawn in RGB
    lose that; giving them their source frame's type back costs nothing. I frames are left to
    x264 (an intra-only source would otherwise be encoded all-intra), and so are keyframes:
    x264 still places them by its keyframe interval.
    """
    kind = decoded.pict_type
    return kind if kind in (_P, _B) else None


def _union(masks: dict[int, np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    return np.logical_or.reduce(list(masks.values())) if masks else np.zeros(shape, bool)


def _output_masks(
    i: int,
    frame: np.ndarray,
    frames: FrameSequence,
    masks: ObjectMasks,
    upsample: MaskUpsampler,
    zips: list[MaskZipWriter | None],
    fmt: WorkingFormat,
) -> dict[int, np.ndarray]:
    """Frame `i`'s masks at the output size (guided by the working frame), each size's union
    written to its mask zip when one is open."""
    work_masks = masks.at(i)
    guide = frames[i] if work_masks and not upsample.identity else None
    full = {k: upsample(m, frame, guide) for k, m in work_masks.items()}
    for zip_writer, drawn in zip(zips, (work_masks, full), strict=True):
        if zip_writer is not None:
            shape = fmt.work_size if drawn is work_masks else fmt.out_size
            zip_writer.write(i, _union(drawn, (shape[1], shape[0])))
    return full


def render_video(
    video: OpenedVideo,
    frames: FrameSequence,
    masks: ObjectMasks,
    order: Iterable[int],
    effect: Effect,
    video_out: Path,
    audio: AudioTrack | None,
    settings: Settings,
    masks_out: Path | None = None,
    full_masks_out: Path | None = None,
    progress: Callable[[float], None] | None = None,
    share: SourceShare | None = None,
) -> Path:
    """Encode `effect(source frame, masks)` for every frame, in the order `order` releases
    them, into `video_out` (output size, with `audio`); the masks into `masks_out` (working
    size) and `full_masks_out` (output size) when given."""
    fmt = video.fmt
    upsample = MaskUpsampler(fmt.work_size, fmt.out_size)
    source = Prefetched(_with_rgb(video, share), depth=_AHEAD, name="vtrack-render-decode")
    total = max(1, fmt.frame_count)
    try:
        with contextlib.ExitStack() as outputs:
            writer = outputs.enter_context(
                VideoWriter(
                    video_out,
                    fmt.out_width,
                    fmt.out_height,
                    fmt.fps,
                    audio=audio,
                    crf=settings.video_crf,
                    preset=settings.video_preset,
                    frames=fmt.frame_count,
                )
            )
            zips = [
                outputs.enter_context(MaskZipWriter(path)) if path else None
                for path in (masks_out, full_masks_out)
            ]
            encoder: Drain[tuple[np.ndarray, Any]] = Drain(
                lambda item: writer.write(*item), depth=_AHEAD, name="vtrack-encode"
            )
            try:
                for i in order:
                    decoded, frame = next(source)
                    full = _output_masks(i, frame, frames, masks, upsample, zips, fmt)
                    encoder.put((effect(frame, full), _encoder_frame_type(decoded)))
                    if progress is not None and i % 8 == 0:
                        progress(i / total)
            except BaseException:
                with contextlib.suppress(BaseException):
                    encoder.close()
                raise
            encoder.close()
    finally:
        source.close()
    return video_out


def start_rendering(
    video: OpenedVideo,
    frames: FrameSequence,
    masks: ObjectMasks,
    order: Iterable[int],
    effect: Effect,
    video_out: Path,
    audio: AudioTrack | None,
    settings: Settings,
    masks_out: Path | None = None,
    full_masks_out: Path | None = None,
    share: SourceShare | None = None,
) -> Background:
    """`render_video` on a background thread (it follows the tracker); `join()` the result."""
    return Background(
        lambda: render_video(
            video,
            frames,
            masks,
            order,
            effect,
            video_out,
            audio,
            settings,
            masks_out=masks_out,
            full_masks_out=full_masks_out,
            share=share,
        ),
        name="vtrack-render",
    )
