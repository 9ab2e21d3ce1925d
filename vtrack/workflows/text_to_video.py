"""Text-to-video: find and track what the prompt names, highlight it, isolate the matching stem."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import asdict, dataclass, field

import numpy as np

from vtrack.config import Settings
from vtrack.errors import PromptAmbiguous, PromptNotUnderstood
from vtrack.media.audio import AudioTrack
from vtrack.media.encode import remux_with_audio
from vtrack.media.frames import ProgressiveFrames
from vtrack.media.share import SourceShare
from vtrack.pipelines.concurrency import Background, InOrder
from vtrack.pipelines.effects import spotlight
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.mask_store import MaskStore
from vtrack.pipelines.outputs import OutputFiles
from vtrack.pipelines.progress import Progress, Step
from vtrack.pipelines.prompt_intent import PromptIntent, parse_prompt
from vtrack.pipelines.render import start_rendering
from vtrack.pipelines.stem_sound import stem_sound
from vtrack.pipelines.stems import separate_stem
from vtrack.pipelines.video_io import OpenedVideo, decode, original_audio
from vtrack.vision.base import SegmentationSession, SoundSource, TextDetection
from vtrack.workflows.point_to_track import engine_label

# The stem `audio_url` holds when the prompt names no sound (the seed's client always gets one).
FALLBACK_STEM = "other"
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


def ground(
    session: SegmentationSession,
    frame_count: int,
    query: str,
    frame_indices: tuple[int, ...] | None = None,
) -> tuple[int, TextDetection]:
    """Ground the query on the first frame, else on the middle and last third (objects enter);
    or on `frame_indices` when given."""
    last_error: PromptNotUnderstood | None = None
    candidates = frame_indices or (0, frame_count // 2, (2 * frame_count) // 3)
    for frame_index in dict.fromkeys(candidates):
        try:
            return frame_index, session.add_text(frame_index, query)
        except PromptAmbiguous:
            raise  # the evidence was the whole clip: another frame would say the same
        except PromptNotUnderstood as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


def listening_stem(intent: PromptIntent, has_audio: bool, stems: tuple[str, ...]) -> str | None:
    """The stem the answer's `audio_url` holds: the one the prompt names, else the seed's
    fallback ("other"), so a video with sound always gets a playable file; None without sound."""
    if not has_audio:
        return None
    if intent.stem:
        return intent.stem
    return FALLBACK_STEM if FALLBACK_STEM in stems else None


@dataclass
class _TextRun:
    """One text-to-video run: what every stage reads and writes."""

    video: OpenedVideo
    intent: PromptIntent
    out: OutputFiles
    engines: EngineCache
    progress: Progress
    frames: ProgressiveFrames
    masks: MaskStore
    order: InOrder
    audio: AudioTrack | None
    said: list[str] = field(default_factory=list)
    # Dim the picture only once something was found to spotlight (decided before any frame
    # is released to the renderer).
    spotlight: bool = False
    # The named stem's sound, for engines that tell musicians apart by what they play.
    sound: SoundSource | None = None


def run_text_to_video(
    video: OpenedVideo,
    prompt: str,
    out: OutputFiles,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict:
    """Write the highlighted video, the masks and the stem files the declaration names.

    Decoding, stem separation and highlight encoding run on their own threads while this thread
    grounds and tracks, so the stages overlap on the machine's cores.
    """
    intent = intent_for(prompt, engines)
    progress.start("sam3")
    share = SourceShare()  # the renderer follows the tracker: one decode serves both
    frames = decode(video, out.work_dir, share)
    run = _TextRun(
        video=video,
        intent=intent,
        out=out,
        engines=engines,
        progress=progress,
        frames=frames,
        masks=MaskStore(len(frames), frames.height, frames.width),
        order=InOrder(len(frames)),
        audio=original_audio(video),
    )
    separation = _start_separation(run)
    run.sound = stem_sound(separation, intent.stem, frames.fps, len(frames))
    renderer = _start_highlight(run, settings, share)
    found: TextDetection | None = None
    try:
        found = _find_and_track(run)
        run.order.close()
        stem_audio = _finish_audio(run, separation)
        _finish_video(run, renderer, stem_audio)
        return {
            "ai_response": " ".join(run.said),
            "intent": asdict(intent),
            "objects": {str(k): v for k, v in found.labels.items()} if found else {},
            "frame_count": len(frames),
            "frames_with_object": run.masks.nonempty_count(),
        }
    except BaseException as exc:
        run.order.close(exc)
        frames.stop()
        for stage in (renderer, separation):
            if stage is not None:
                with contextlib.suppress(BaseException):
                    stage.join()
        raise
    finally:
        frames.wait_finished()
        shutil.rmtree(out.work_dir, ignore_errors=True)


def _start_separation(run: _TextRun) -> Background | None:
    """Separate the stem the answer will hold on its own thread (None: nothing to separate)."""
    if run.audio is None:
        return None
    separator = run.engines.separator()
    stem = listening_stem(run.intent, True, separator.stems)
    if stem is None:
        return None
    run.progress.relabel("demucs", f"{separator.name.capitalize()} audio separation")
    audio = run.audio
    heard, rest = run.out.path("audio_url"), run.out.path("complement_audio_url")
    # separate_stem writes (the stem, the mix without it); `audio_url` is what the prompt asks for.
    paths = (rest, heard) if run.intent.complement else (heard, rest)
    return Background(lambda: separate_stem(audio, stem, separator, *paths), name="vtrack-separate")


def _start_highlight(run: _TextRun, settings: Settings, share: SourceShare) -> Background:
    return start_rendering(
        run.video,
        run.frames,
        run.masks,
        run.order,
        lambda frame, found: spotlight(frame, found) if run.spotlight else frame,
        run.out.path("highlighted_video_url"),
        run.audio,
        settings,
        masks_out=run.out.path("masks_url"),
        share=share,
    )


def _find_and_track(run: _TextRun) -> TextDetection | None:
    if run.intent.visual_query:
        return _ground_and_track(run)
    run.progress.skip("sam3", "Text understanding (no visual target in the prompt)")
    run.progress.skip("track", "Tracking (nothing to track)")
    return None


def _finish_audio(run: _TextRun, separation: Background | None) -> AudioTrack | None:
    """Wait for the stem; returns the soundtrack of the stem video (None: no stem video)."""
    intent, progress = run.intent, run.progress
    if separation is None:
        if run.audio is not None:
            progress.skip("demucs", "Audio separation (the prompt names no sound)")
            run.said.append("The prompt names no sound, so the original audio was kept.")
        else:
            progress.skip("demucs", "Audio separation (the video has no sound)")
            wanted = f"no {intent.stem} could be isolated" if intent.stem else "no audio file"
            run.said.append(f"The video has no sound, so {wanted}.")
        return None
    progress.start("demucs")
    result = separation.join()
    progress.complete("demucs")
    if intent.stem is None:
        # The seed's fallback: a playable audio_url even when the prompt names no sound.
        run.said.append(
            f"The prompt names no sound, so the video keeps its original audio; the "
            f"'{FALLBACK_STEM}' stem (everything but drums, bass and vocals) is in "
            f"{result.stem_file}."
        )
        return None
    run.said.append(_stem_sentence(intent, result.stem_file, result.complement_file))
    return result.complement if intent.complement else result.stem


def _finish_video(run: _TextRun, renderer: Background, stem_audio: AudioTrack | None) -> None:
    run.progress.start("highlight")
    renderer.join()
    if stem_audio is not None:
        # The same picture with only the chosen sound: see and hear just the drummer.
        highlighted = run.out.dir / run.out.written["highlighted_video_url"]
        remux_with_audio(highlighted, stem_audio, run.out.path("stem_video_url"))
    run.progress.complete("highlight")


def _ground_and_track(run: _TextRun) -> TextDetection | None:
    """Find the prompt's objects and track their union; None if not found but a stem was asked."""
    progress, intent, frames = run.progress, run.intent, run.frames
    segmenter = run.engines.segmenter()
    progress.relabel("sam3", f"{engine_label(segmenter.name)} text understanding")
    session = segmenter.start_session(frames)
    session.set_sound(run.sound)
    try:
        try:
            frame_index, found = ground(session, len(frames), intent.visual_query or "")
        except PromptNotUnderstood as exc:
            if not intent.stem:
                raise
            run.said.append(f"I couldn't find '{intent.visual_query}' in the video: {exc.message}")
            progress.complete("sam3")
            progress.skip("track", "Tracking (nothing found to track)")
            return None
        progress.complete("sam3")
        progress.start("track")
        run.spotlight = True
        for fm in session.propagate(
            "both", start_frame_index=frame_index, progress=progress.callback("track")
        ):
            if fm.masks:
                run.masks.set(fm.frame_index, np.logical_or.reduce(list(fm.masks.values())))
            run.order.ready(fm.frame_index)
        progress.complete("track")
        run.said.append(
            f"{found.description.rstrip('.')}; tracked through "
            f"{run.masks.nonempty_count()} of {len(frames)} frames."
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
