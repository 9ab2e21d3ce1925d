"""Text-to-video: find and track what the prompt names, highlight it, isolate the matching stem."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np

from vtrack.config import Settings
from vtrack.errors import PromptNotUnderstood
from vtrack.media.encode import remux_with_audio
from vtrack.media.frames import FrameSequence
from vtrack.pipelines.concurrency import Background, InOrder
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.mask_store import MaskStore
from vtrack.pipelines.overlay import highlight
from vtrack.pipelines.point_to_track import engine_label
from vtrack.pipelines.progress import Progress, Step
from vtrack.pipelines.prompt_intent import PromptIntent, parse_prompt
from vtrack.pipelines.render import start_rendering
from vtrack.pipelines.stems import separate_stem
from vtrack.pipelines.video_io import OpenedVideo, decode, original_audio
from vtrack.vision.base import SegmentationSession, TextDetection

STEM_EMOJI = {
    "drums": "🥁",
    "bass": "🎸",
    "vocals": "🎤",
    "other": "🎹",
    "guitar": "🎸",
    "piano": "🎹",
}


def text_steps() -> list[Step]:
    return [
        Step("sam3", "Text understanding", weight=1.0),
        Step("track", "Tracking object in video", weight=3.0),
        Step("demucs", "Audio separation", weight=2.0),
        Step("highlight", "Generating highlights", weight=3.0),
    ]


def intent_for(prompt: str, engines: EngineCache) -> PromptIntent:
    return parse_prompt(prompt, engines.separator().stems)


def _ground(
    session: SegmentationSession, frame_count: int, query: str
) -> tuple[int, TextDetection]:
    """Ground the query on the first frame, else on the middle and last third (objects enter)."""
    last_error: PromptNotUnderstood | None = None
    for frame_index in dict.fromkeys((0, frame_count // 2, (2 * frame_count) // 3)):
        try:
            return frame_index, session.add_text(frame_index, query)
        except PromptNotUnderstood as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


def run_text_to_video(
    video: OpenedVideo,
    prompt: str,
    out_dir: Path,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict:
    """Write highlighted_video.mp4, masks.zip and, when the prompt names a sound, its stem files.

    Decoding, stem separation and highlight encoding run on their own threads while this thread
    grounds and tracks, so the stages overlap on the machine's cores.
    """
    work_dir = out_dir / ".work"
    intent = intent_for(prompt, engines)
    files: dict[str, str] = {}
    said: list[str] = []
    progress.start("sam3")
    frames = decode(video, work_dir)
    masks = MaskStore(len(frames), frames.height, frames.width)
    order = InOrder(len(frames))
    audio = original_audio(video)
    separation: Background | None = None
    if intent.stem and audio is not None:
        separator = engines.separator()
        progress.relabel("demucs", f"{separator.name.capitalize()} audio separation")
        stem = intent.stem
        separation = Background(
            lambda: separate_stem(audio, stem, separator, out_dir), name="vtrack-separate"
        )
    # Dim the picture only once something was found to spotlight (decided before any frame
    # is released to the renderer).
    spotlight = {"on": False}
    renderer = start_rendering(
        frames,
        masks,
        order,
        lambda frame, mask: highlight(frame, mask) if spotlight["on"] else frame,
        out_dir / "highlighted_video.mp4",
        out_dir / "masks.zip",
        audio,
        video.fmt,
        settings,
    )
    found: TextDetection | None = None
    try:
        if intent.visual_query:
            found = _ground_and_track(
                frames, intent, engines, progress, masks, order, said, spotlight
            )
        else:
            progress.skip("sam3", "Text understanding (no visual target in the prompt)")
            progress.skip("track", "Tracking (nothing to track)")
        order.close()

        stem_audio = None
        if separation is not None:
            progress.start("demucs")
            result = separation.join()
            files["audio_url"] = result.stem_file
            files["complement_audio_url"] = result.complement_file
            stem_audio = result.complement if intent.complement else result.stem
            progress.complete("demucs")
            said.append(_stem_sentence(intent, result.stem_file, result.complement_file))
        elif intent.stem:
            progress.skip("demucs", "Audio separation (the video has no sound)")
            said.append(f"The video has no sound, so no {intent.stem} could be isolated.")
        else:
            progress.skip("demucs", "Audio separation (the prompt names no sound)")
            said.append("The prompt names no sound, so the original audio was kept.")

        progress.start("highlight")
        renderer.join()
        files["highlighted_video_url"] = "highlighted_video.mp4"
        files["masks_url"] = "masks.zip"
        if stem_audio is not None:
            # The same picture with only the chosen sound: see and hear just the drummer.
            remux_with_audio(
                out_dir / "highlighted_video.mp4", stem_audio, out_dir / "stem_video.mp4"
            )
            files["stem_video_url"] = "stem_video.mp4"
        progress.complete("highlight")
        return {
            "files": files,
            "ai_response": " ".join(said),
            "intent": asdict(intent),
            "objects": found.labels if found is not None else {},
            "frame_count": len(frames),
            "frames_with_object": masks.nonempty_count(),
        }
    except BaseException as exc:
        order.close(exc)
        frames.stop()
        for stage in (renderer, separation):
            if stage is not None:
                with contextlib.suppress(BaseException):
                    stage.join()
        raise
    finally:
        frames.wait_finished()
        shutil.rmtree(work_dir, ignore_errors=True)


def _ground_and_track(
    frames: FrameSequence,
    intent: PromptIntent,
    engines: EngineCache,
    progress: Progress,
    masks: MaskStore,
    order: InOrder,
    said: list[str],
    spotlight: dict[str, bool],
) -> TextDetection | None:
    """Find the prompt's objects and track their union; None if not found but a stem was asked."""
    segmenter = engines.segmenter()
    progress.relabel("sam3", f"{engine_label(segmenter.name)} text understanding")
    session = segmenter.start_session(frames)
    try:
        try:
            frame_index, found = _ground(session, len(frames), intent.visual_query)
        except PromptNotUnderstood as exc:
            if not intent.stem:
                raise
            said.append(f"I couldn't find '{intent.visual_query}' in the video: {exc.message}")
            progress.complete("sam3")
            progress.skip("track", "Tracking (nothing found to track)")
            return None
        progress.complete("sam3")
        progress.start("track")
        spotlight["on"] = True
        for fm in session.propagate(
            "both", start_frame_index=frame_index, progress=progress.callback("track")
        ):
            if fm.masks:
                union = np.logical_or.reduce(list(fm.masks.values()))
                masks.set(fm.frame_index, union)
            order.ready(fm.frame_index)
        progress.complete("track")
        said.append(
            f"{found.description.rstrip('.')}; tracked through "
            f"{masks.nonempty_count()} of {len(frames)} frames."
        )
        return found
    finally:
        session.close()


def _stem_sentence(intent: PromptIntent, stem_file: str, complement_file: str) -> str:
    emoji = STEM_EMOJI.get(intent.stem or "", "🎵")
    if intent.complement:
        return (
            f"{emoji} Removed the {intent.stem} from the soundtrack ({complement_file}); "
            f"the {intent.stem} alone are in {stem_file}."
        )
    return f"{emoji} {(intent.stem or '').capitalize()} isolated ({stem_file}); everything else is in {complement_file}."
