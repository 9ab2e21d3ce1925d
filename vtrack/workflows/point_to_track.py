"""Point-to-track: a click selects an object; its mask is tracked through every frame and drawn red."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vtrack.config import Settings
from vtrack.errors import InvalidInput
from vtrack.media.frames import FrameSequence
from vtrack.media.share import SourceShare
from vtrack.pipelines.absence import out_of_view_notice
from vtrack.pipelines.concurrency import InOrder
from vtrack.pipelines.effects import overlay
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.mask_store import MaskStore
from vtrack.pipelines.outputs import OutputFiles
from vtrack.pipelines.progress import Progress, Step
from vtrack.pipelines.render import start_rendering
from vtrack.pipelines.video_io import OpenedVideo, decode, original_audio
from vtrack.sessions.oneshot import clicks_session, one_shot
from vtrack.vision.base import PointPrompt

OBJECT_ID = 1


@dataclass
class PointRequest:
    """Clicks (relative 0-1 coordinates) on one frame."""

    points: list[PointPrompt]
    frame_index: int = 0

    def check(self, frame_count: int) -> None:
        if not self.points or not any(p.positive for p in self.points):
            raise InvalidInput("At least one positive click on the object is needed.")
        for p in self.points:
            if not (0.0 <= p.x <= 1.0 and 0.0 <= p.y <= 1.0):
                raise InvalidInput("Click coordinates must lie inside the frame (0-100 %).")
        if not 0 <= self.frame_index < frame_count:
            raise InvalidInput(
                f"frame_idx {self.frame_index} is outside the video (frames 0-{frame_count - 1})."
            )


def point_track_steps() -> list[Step]:
    return [
        Step("sam3", "Point segmentation", weight=1.0),
        Step("track", "Tracking across frames", weight=4.0),
        Step("mask", "Generating mask overlay", weight=3.0),
    ]


def track_object(
    frames: FrameSequence,
    request: PointRequest,
    engines: EngineCache,
    progress: Progress,
    masks: MaskStore,
    segment_step: str = "sam3",
    track_step: str = "track",
    on_mask: Callable[[int], None] | None = None,
    fps: float = 0.0,
) -> MaskStore:
    """Segment the clicked object and propagate it both ways into `masks`, as a session
    (`sessions.oneshot`: opened on these frames, prompted, propagated).

    `on_mask(i)` fires once frame i's mask is stored (another thread may then read it).
    """
    progress.relabel(segment_step, f"{engine_label(engines.segmenter().name)} point segmentation")
    session = clicks_session(frames, fps, request.frame_index, {OBJECT_ID: request.points})

    def store(frame_idx: int, found: dict[int, np.ndarray]) -> None:
        if OBJECT_ID in found:
            masks.set(frame_idx, found[OBJECT_ID])
        if on_mask is not None:
            on_mask(frame_idx)

    with one_shot(session, frames, engines) as job:
        job.prompt()
        progress.complete(segment_step)
        progress.start(track_step)
        job.propagate(store, progress.callback(track_step))
        progress.complete(track_step)
    return masks


def engine_label(name: str) -> str:
    return {"sam3": "SAM3", "sam2": "SAM2", "embedded": "Embedded"}.get(name, name)


def run_point_to_track(
    video: OpenedVideo,
    request: PointRequest,
    out: OutputFiles,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
    full_res_masks: bool = False,
) -> dict:
    """Write the masked video (red overlay, original audio) and the masks zip into `out`
    (and, with `full_res_masks`, the masks at the output resolution too).

    The stages overlap: decoding into the working frame store (background thread), tracking
    (this thread) and the render at output resolution (background threads: the source decoded
    again, masks scaled up and drawn, H.264 encoded, fed frames in order as their masks land).
    """
    request.check(video.fmt.frame_count)
    progress.start("sam3")
    share = SourceShare()  # the renderer follows the tracker: one decode serves both
    frames = decode(video, out.work_dir, share)
    masks = MaskStore(len(frames), frames.height, frames.width)
    order = InOrder(len(frames))

    renderer = start_rendering(
        video,
        frames,
        masks,
        order,
        overlay(settings.overlay_alpha),
        out.path("masked_video_url"),
        original_audio(video),
        settings,
        masks_out=out.path("masks_url"),
        full_masks_out=out.path("full_masks_url") if full_res_masks else None,
        share=share,
    )
    try:
        fps = video.fmt.fps
        track_object(frames, request, engines, progress, masks, on_mask=order.ready, fps=fps)
        order.close()
        if absent := out_of_view_notice(masks, fps):
            progress.notice(absent)
        progress.start("mask")
        renderer.join()
        progress.complete("mask")
        return {
            "frame_count": len(frames),
            "frames_with_object": masks.nonempty_count(),
            "engine": engines.segmenter().name,
        }
    except BaseException as exc:
        order.close(exc)
        frames.stop()
        with contextlib.suppress(BaseException):
            renderer.join()
        raise
    finally:
        frames.wait_finished()
        shutil.rmtree(out.work_dir, ignore_errors=True)
