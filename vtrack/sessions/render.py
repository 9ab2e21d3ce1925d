"""Render a session: an effect over the chosen objects, with the chosen sound, and the exports.

Every output is declared once in `RENDER_OUTPUTS` (result field, file name, label); the API's
result model and URLs come from that list.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Literal

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from vtrack.audio.wav import write_wav
from vtrack.config import Settings
from vtrack.errors import VTrackError
from vtrack.media.atomic import atomic_path
from vtrack.media.audio import AudioTrack, read_audio
from vtrack.media.frames import FrameSequence
from vtrack.media.webm import AlphaWebmWriter
from vtrack.pipelines import effects
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.outputs import MediaKind, Output, OutputFiles
from vtrack.pipelines.progress import Progress, Step
from vtrack.pipelines.render import render_video, source_frames
from vtrack.pipelines.upsample import MaskUpsampler
from vtrack.pipelines.video_io import OpenedVideo, open_video
from vtrack.sessions.exports import SessionMasks, write_coco_json, write_masks_zip
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.model import Session

EffectName = Literal["overlay", "cutout", "blur", "pixelate", "background", "spotlight", "remove"]
ExportName = Literal["masks_zip", "coco_json", "matte_mp4"]
AUDIO_PATTERN = r"^(original|none|(stem|without):[a-z0-9_]{1,20})$"

RENDER_OUTPUTS: tuple[Output, ...] = (
    Output(
        "video_url",
        "{video_file}",
        "Rendered video",
        MediaKind.VIDEO,
        description="H.264 MP4 with the chosen sound; for `cutout` a VP9 WebM with alpha",
    ),
    Output(
        "png_sequence_url",
        "cutout_frames.zip",
        "Cutout frames (RGBA PNGs)",
        MediaKind.ARCHIVE,
        needs=("cutout",),
    ),
    Output("masks_url", "masks.zip", "Masks (PNG per frame, object ids)", MediaKind.ARCHIVE),
    Output("coco_url", "masks_coco.json", "Masks (COCO RLE JSON)", MediaKind.ARCHIVE),
    Output("matte_url", "matte.mp4", "Alpha matte (MP4)", MediaKind.VIDEO),
    Output(
        "audio_url",
        "{audio_file}",
        "Sound of the render (WAV)",
        MediaKind.AUDIO,
        needs=("audio_file",),
    ),
)


class RenderRequest(BaseModel):
    """POST /api/sessions/{id}/render."""

    model_config = ConfigDict(extra="forbid")
    messages: ClassVar[dict[str, str]] = {
        "audio": "'audio' must be 'original', 'none', 'stem:<name>' or 'without:<name>'.",
        "background": "'background' must be 'blur' or a colour such as '#00ff00'.",
    }

    effect: EffectName = Field("overlay", description="what the video shows")
    object_ids: list[int] | None = Field(
        None, description="the objects the effect applies to (default: every object)"
    )
    audio: str = Field(
        "original",
        pattern=AUDIO_PATTERN,
        description="'original', 'none', 'stem:<name>' (only that sound) or 'without:<name>' "
        "(everything but it), e.g. 'without:vocals' to remove a singer and their voice",
    )
    target: Literal["object", "background"] = Field(
        "object", description="blur / pixelate: the objects, or everything but them"
    )
    background: str = Field(
        "blur",
        pattern=r"^(blur|#[0-9a-fA-F]{6})$",
        description="background effect: 'blur', or a colour such as '#00ff00'",
    )
    exports: list[ExportName] = Field(
        default_factory=lambda: ["masks_zip", "coco_json", "matte_mp4"],
        description="extra files: the masks zip, COCO RLE JSON, the alpha-matte MP4",
    )


class RenderResult(BaseModel):
    session_id: str
    effect: EffectName
    object_ids: list[int]
    audio: str
    frame_count: int
    frames_with_object: int


def render_steps() -> list[Step]:
    return [
        Step("audio", "Preparing the sound", weight=1.0),
        Step("render", "Rendering the video", weight=4.0),
        Step("export", "Writing the exports", weight=1.0),
    ]


def file_params(request: RenderRequest) -> dict[str, Any]:
    """Template values of the output names (see RENDER_OUTPUTS)."""
    kind, _, stem = request.audio.partition(":")
    video_file = "cutout.webm" if request.effect == "cutout" else f"{request.effect}.mp4"
    audio_file = f"{kind}_{stem}.wav" if stem else None
    return {
        "video_file": video_file,
        "audio_file": audio_file,
        "cutout": request.effect == "cutout",
    }


def source_video(session: Session, files: SessionFiles, settings: Settings) -> OpenedVideo:
    """The upload, probed again: the render draws on the source at the output size."""
    video = open_video(files.source(session.video.source), settings)
    if video.fmt.work_size != (session.video.width, session.video.height):
        raise VTrackError(
            "The server's working size changed since this session was opened "
            "(VTRACK_MAX_WIDTH/HEIGHT); open the video in a new session."
        )
    return video


def render_audio(
    request: RenderRequest,
    session: Session,
    files: SessionFiles,
    engines: EngineCache,
    out: OutputFiles,
    progress: Progress,
) -> AudioTrack | None:
    """The sound the render carries: the original, none, one stem, or all but one stem."""
    kind, _, stem = request.audio.partition(":")
    if kind == "none" or not session.video.has_audio:
        progress.skip("audio", "No sound" if kind == "none" else "The video has no sound")
        return None
    mix = read_audio(files.source(session.video.source))
    if kind == "original" or mix is None:
        progress.skip("audio", "Original sound")
        return mix
    progress.start("audio")
    separated = engines.separator().separate(
        mix.samples, mix.sample_rate, progress.callback("audio")
    )
    isolated = np.asarray(separated[stem], np.float32)
    samples = isolated if kind == "stem" else (mix.samples - isolated).astype(np.float32)
    write_wav(out.path("audio_url"), samples, mix.sample_rate)
    label = f"Only the {stem}" if kind == "stem" else f"Without the {stem}"
    progress.complete("audio", label)
    return AudioTrack(samples, mix.sample_rate)


def build_effect(request: RenderRequest, session: Session, settings: Settings) -> effects.Effect:
    colors = {
        oid: effects.parse_color(obj.info.color)
        for oid, obj in session.objects.items()
        if obj.info.color and re.fullmatch(r"#[0-9a-fA-F]{6}", obj.info.color)
    }
    if request.effect == "overlay":
        return effects.overlay(settings.overlay_alpha, colors)
    if request.effect == "spotlight":
        return effects.spotlight
    if request.effect == "blur":
        return effects.blur(request.target)
    if request.effect == "pixelate":
        return effects.pixelate(request.target)
    if request.effect == "background":
        fill = request.background
        return effects.background("blur" if fill == "blur" else effects.parse_color(fill))
    raise ValueError(f"no frame effect named {request.effect!r}")


def render_effect(
    request: RenderRequest,
    job: RenderJob,
    engines: EngineCache,
    audio: AudioTrack | None,
    progress: Progress,
) -> None:
    """The effect's video at the output size (for a cutout: WebM with alpha and PNG frames)."""
    callback = progress.callback("render")
    if request.effect == "cutout":
        write_cutout(job, callback)
        return
    if request.effect == "remove":
        inpainter = engines.inpainter()
        progress.relabel("render", f"Removing the objects ({inpainter.name} inpainting)")
        filled = inpainter.inpaint(job.frames, job.masks, callback)
        effect: effects.Effect = effects.FillFrom(job.frames, filled)
    else:
        effect = build_effect(request, job.session, job.settings)
    render_video(
        job.video,
        job.frames,
        job,
        range(len(job.frames)),
        effect,
        job.out.path("video_url"),
        audio,
        job.settings,
        progress=None if request.effect == "remove" else callback,
    )


def write_cutout(job: RenderJob, progress: Callable[[float], None]) -> None:
    """The objects on transparent ground at the output size: VP9 WebM with alpha + RGBA PNGs."""
    fmt = job.video.fmt
    upsample = MaskUpsampler(fmt.work_size, fmt.out_size)
    total = max(1, len(job.frames))
    with (
        AlphaWebmWriter(job.out.path("video_url"), fmt.out_width, fmt.out_height, fmt.fps) as webm,
        atomic_path(job.out.path("png_sequence_url")) as zip_tmp,
        zipfile.ZipFile(zip_tmp, "w", compression=zipfile.ZIP_STORED) as zf,
    ):
        for i, frame in enumerate(source_frames(job.video)):
            work = job.at(i)
            guide = job.frames[i] if work and not upsample.identity else None
            full = {k: upsample(m, frame, guide) for k, m in work.items()}
            rgba = effects.cutout_rgba(frame, full)
            webm.write(rgba)
            ok, png = cv2.imencode(".png", cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))
            if not ok:
                raise RuntimeError("PNG encoding failed")
            zf.writestr(f"{i:05d}.png", png.tobytes())
            if i % 8 == 0:
                progress(i / total)


def write_exports(request: RenderRequest, job: RenderJob) -> None:
    """The masks zip and COCO JSON (working resolution, like the API's masks) and the alpha
    matte (output resolution)."""
    if "masks_zip" in request.exports:
        with atomic_path(job.out.path("masks_url")) as tmp, open(tmp, "wb") as fh:
            write_masks_zip(job.masks, fh)
    if "coco_json" in request.exports:
        write_coco_json(job.session, job.masks, job.out.path("coco_url"))
    if "matte_mp4" in request.exports:
        order = range(len(job.frames))
        path = job.out.path("matte_url")
        render_video(
            job.video, job.frames, job.masks, order, effects.matte, path, None, job.settings
        )


class RenderJob:
    """What one render reads: the session, its frames and stored masks, the source, the outputs.

    It is also the renderer's mask source (`at`), counting the frames the objects are seen on.
    """

    def __init__(
        self,
        session: Session,
        frames: FrameSequence,
        files: SessionFiles,
        object_ids,
        out,
        settings: Settings,
    ) -> None:
        self.session = session
        self.frames = frames
        self.settings = settings
        self.out = out
        self.video = source_video(session, files, settings)
        self.masks = SessionMasks(files, object_ids, len(frames), (frames.height, frames.width))
        self.visible: set[int] = set()

    def at(self, index: int) -> dict[int, np.ndarray]:
        found = self.masks.at(index)
        if found:
            self.visible.add(index)
        return found


def run_render(
    request: RenderRequest,
    session: Session,
    frames: FrameSequence,
    files: SessionFiles,
    task_dir: Path,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    """Write every requested output into `task_dir`; returns the result fields and files."""
    object_ids = request.object_ids or list(session.objects)
    task_dir.mkdir(parents=True, exist_ok=True)
    out = OutputFiles(task_dir, RENDER_OUTPUTS, file_params(request))
    job = RenderJob(session, frames, files, object_ids, out, settings)
    audio = render_audio(request, session, files, engines, out, progress)
    progress.start("render")
    render_effect(request, job, engines, audio, progress)
    progress.complete("render")
    progress.start("export")
    write_exports(request, job)
    progress.complete("export")
    return {
        "session_id": session.id,
        "effect": request.effect,
        "object_ids": object_ids,
        "audio": request.audio,
        "frame_count": len(frames),
        "frames_with_object": len(job.visible),
        "files": dict(out.written),
    }
