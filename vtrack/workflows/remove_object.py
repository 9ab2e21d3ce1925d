"""Object removal: track the clicked object, fill it from other frames, keep (or edit) the sound."""

from __future__ import annotations

import contextlib
import shutil

import numpy as np

from vtrack.config import Settings
from vtrack.media.audio import AudioTrack
from vtrack.media.frames import FrameSequence
from vtrack.pipelines.concurrency import Background, Prefetched
from vtrack.pipelines.effects import FillFrom
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.mask_export import MaskZipWriter
from vtrack.pipelines.mask_store import MaskStore
from vtrack.pipelines.outputs import OutputFiles
from vtrack.pipelines.progress import Progress, Step
from vtrack.pipelines.removal_check import CheckBesideTracker
from vtrack.pipelines.render import render_video
from vtrack.pipelines.stems import separate_stem
from vtrack.pipelines.video_io import OpenedVideo, decode, original_audio
from vtrack.workflows.point_to_track import PointRequest, engine_label, track_object


def removal_steps() -> list[Step]:
    return [
        Step("track", "Temporal tracking", weight=3.0),
        Step("mask", "Generating removal mask", weight=0.5),
        Step("inpaint", "Inpainting", weight=5.0),
        Step("render", "Rendering final video", weight=0.5),
    ]


def removal_masks(
    frames: FrameSequence,
    request: PointRequest,
    engines: EngineCache,
    progress: Progress,
    settings: Settings,
) -> tuple[MaskStore, str | None]:
    """Point-to-track's masks for the request, moved onto the object where its keypoints find
    it outside them (removal_check.py), and the notice saying where (or that it could not
    check), if there is one."""
    # Tracking covers segmentation and propagation; "mask" is the check and the export.
    masks = MaskStore(len(frames), frames.height, frames.width)
    checker = CheckBesideTracker(frames, masks, request.frame_index, settings.removal_margin_px)
    try:
        track_object(frames, request, engines, progress, masks, "track", "mask", checker.stored)
    except BaseException:
        checker.stop()
        raise
    check = checker.result()
    progress.relabel("track", f"{engine_label(engines.segmenter().name)} temporal tracking")
    notice = check.notice()
    if notice is not None:
        progress.notice(notice)
    return masks, notice


def _start_separation(
    audio: AudioTrack | None, remove_stem: str | None, out: OutputFiles, engines: EngineCache
) -> Background | None:
    """Separate the stem to remove on its own thread while the picture is tracked."""
    if not remove_stem or audio is None:
        return None
    separator = engines.separator()
    paths = out.path("removed_audio_url"), out.path("audio_url")
    return Background(
        lambda: separate_stem(audio, remove_stem, separator, *paths), name="vtrack-separate"
    )


class _NoMasks:
    """The renderer's masks for a removal: none. FillFrom reads the filled region off the
    engine's output, so scaling every frame's mask up to the output size (0.6 CPU s on the
    720p bench clip) would be thrown away."""

    def at(self, index: int) -> dict[int, np.ndarray]:
        return {}


def _fill_and_render(
    video: OpenedVideo,
    frames: FrameSequence,
    masks: MaskStore,
    out: OutputFiles,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
    audio: AudioTrack | None,
) -> None:
    """Fill the masked object at working resolution and draw the fill into the source frames at
    their own size."""
    inpainter = engines.inpainter()
    progress.start("inpaint")
    progress.relabel("inpaint", f"{inpainter.name.capitalize()} inpainting")
    progress.start("render")
    # The engine fills the next frames on its own thread while this one scales the last fill
    # up into the source frame and hands it to the encoder (OpenCV, without the GIL): on two
    # cores the engine no longer waits for the drawing.
    filled = Prefetched(
        inpainter.inpaint(frames, masks, progress.callback("inpaint")), depth=2, name="vtrack-fill"
    )
    try:
        render_video(
            video,
            frames,
            _NoMasks(),
            range(len(frames)),
            FillFrom(frames, filled),
            out.path("inpainted_video_url"),
            audio,
            settings,
        )
    finally:
        filled.close()
    progress.complete("inpaint")
    progress.complete("render")


def run_remove_object(
    video: OpenedVideo,
    request: PointRequest,
    out: OutputFiles,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
    remove_stem: str | None = None,
) -> dict:
    """Write inpainted_video.mp4 (and, with `remove_stem`, the soundtrack without that stem)."""
    request.check(video.fmt.frame_count)
    work_dir = out.work_dir
    said: list[str] = []
    progress.start("track")
    frames = decode(video, work_dir)
    audio = original_audio(video)
    separation = _start_separation(audio, remove_stem, out, engines)
    try:
        masks, checked = removal_masks(frames, request, engines, progress, settings)
        if checked is not None:
            said.append(checked)
        with MaskZipWriter(out.path("masks_url")) as zip_writer:
            for i in range(len(frames)):
                zip_writer.write(i, masks.get(i))
        if separation is not None:
            audio = separation.join().complement
            separation = None
            said.append(f"The {remove_stem} were removed from the soundtrack too.")
        elif remove_stem:
            said.append(f"The video has no sound, so no {remove_stem} could be removed.")
        _fill_and_render(video, frames, masks, out, engines, settings, progress, audio)
        said.insert(0, f"Removed the object from {masks.nonempty_count()} of {len(frames)} frames.")
        return {
            "ai_response": " ".join(said),
            "frame_count": len(frames),
            "frames_with_object": masks.nonempty_count(),
        }
    finally:
        frames.stop()
        if separation is not None:
            with contextlib.suppress(BaseException):
                separation.join()
        frames.wait_finished()
        shutil.rmtree(work_dir, ignore_errors=True)
