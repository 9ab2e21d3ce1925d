"""The studio's workflows, each declared once: track-point, text-to-video, remove-object.

Job kinds (`vtrack.jobs`), the HTTP routes, request schemas and response models (`vtrack.api`)
and the CLI commands (`vtrack.cli`) are all built from `WORKFLOWS`; add a workflow here and it
appears in all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, Field, Json, model_validator

from vtrack.config import Settings
from vtrack.errors import InvalidInput
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.outputs import MediaKind, Output, OutputFiles
from vtrack.pipelines.progress import Progress
from vtrack.pipelines.prompt_intent import parse_prompt
from vtrack.pipelines.video_io import OpenedVideo, open_video
from vtrack.vision.base import PointPrompt
from vtrack.workflows.declaration import Workflow, WorkflowForm, WorkflowResult
from vtrack.workflows.point_to_track import PointRequest, point_track_steps, run_point_to_track
from vtrack.workflows.remove_object import removal_steps, run_remove_object
from vtrack.workflows.text_to_video import listening_stem, run_text_to_video, text_steps

MAX_PROMPT_CHARS = 300
MAX_POINTS = 32
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class Click(BaseModel):
    x: Percent = Field(description="percent of the frame width (0-100)")
    y: Percent = Field(description="percent of the frame height (0-100)")
    positive: bool = Field(True, description="false: a click on what is NOT the object")


class PointForm(WorkflowForm):
    """One click (`x`, `y`) or several positive/negative ones (`points`) on frame `frame_idx`."""

    x: Percent | None = Field(None, description="click, percent of the frame width (0-100)")
    y: Percent | None = Field(None, description="click, percent of the frame height (0-100)")
    frame_idx: int = Field(0, ge=0, description="the frame the clicks are on")
    points: Json[Annotated[list[Click], Field(min_length=1, max_length=MAX_POINTS)]] | None = Field(
        None,
        description='several clicks as JSON, e.g. [{"x": 40, "y": 55, "positive": true}] '
        f"(1 to {MAX_POINTS}); replaces x and y",
    )
    messages = {
        "points": f"'points' must be a JSON list of 1 to {MAX_POINTS} clicks, each "
        '{"x": percent, "y": percent, "positive": true or false}, with x and y in 0-100.'
    }

    @model_validator(mode="after")
    def _one_click_at_least(self) -> PointForm:
        if self.points is None:
            for name in ("x", "y"):
                if getattr(self, name) is None:
                    raise ValueError(f"The field '{name}' is required.")
        elif not any(p.positive for p in self.points):
            raise ValueError("At least one positive click on the object is needed.")
        return self

    def clicks(self) -> list[Click]:
        return self.points if self.points is not None else [Click(x=self.x, y=self.y)]


class TrackForm(PointForm):
    full_res_masks: bool = Field(
        False,
        description="also export the masks at the output resolution (masks_full.zip; the "
        "masks zip is at the working resolution, at most 854x480)",
    )


class TextForm(WorkflowForm):
    prompt: str = Field(
        min_length=1,
        max_length=MAX_PROMPT_CHARS,
        description="what to find and/or hear, e.g. 'isolate drums', 'the singer', 'red car'",
    )
    messages = {
        "prompt:missing": "Type what to find, e.g. 'isolate drums' or 'the singer'.",
        "prompt:string_too_short": "Type what to find, e.g. 'isolate drums' or 'the singer'.",
        "prompt:string_too_long": f"The prompt is too long (limit {MAX_PROMPT_CHARS} characters).",
    }


class RemoveForm(PointForm):
    remove_stem: str | None = Field(
        None, description="also remove this sound: drums, bass, vocals or other"
    )
    prompt: str | None = Field(
        None,
        max_length=MAX_PROMPT_CHARS,
        description="or name the sound to remove in words, e.g. 'and the vocals'",
    )


class TrackResult(WorkflowResult):
    engine: str = Field(description="the vision engine that ran")


class IntentModel(BaseModel):
    visual_query: str | None
    stem: str | None
    complement: bool
    explanation: str


class TextResult(WorkflowResult):
    ai_response: str
    intent: IntentModel
    objects: dict[str, str] = Field(description="object id -> what was found")


class RemoveResult(WorkflowResult):
    ai_response: str


# ---- parameters: request form + probed video -> what the job stores -----------------------------


def point_params(form: PointForm, video: OpenedVideo, engines: EngineCache) -> dict[str, Any]:
    last = video.fmt.frame_count - 1
    if form.frame_idx > last:
        raise InvalidInput(f"frame_idx {form.frame_idx} is outside the video (frames 0-{last}).")
    points = [{"x": c.x / 100, "y": c.y / 100, "positive": c.positive} for c in form.clicks()]
    return {"points": points, "frame_index": form.frame_idx}


def track_params(form: TrackForm, video: OpenedVideo, engines: EngineCache) -> dict[str, Any]:
    return {**point_params(form, video, engines), "full_res_masks": form.full_res_masks}


def text_params(form: TextForm, video: OpenedVideo, engines: EngineCache) -> dict[str, Any]:
    stems = engines.separator().stems
    intent = parse_prompt(form.prompt, stems)
    if not intent.visual_query and not intent.stem:
        raise InvalidInput(
            "I couldn't tell what to look for or listen to in that prompt. Try 'isolate "
            "drums', 'the singer', 'the person on the left' or 'red car'."
        )
    stem = listening_stem(intent, video.probe.has_audio, stems)
    # `audio_url` holds what the prompt asks to hear: the stem, or the mix without it for
    # "remove the vocals" / karaoke prompts (as removal's `audio_url` does); the rest beside it.
    heard, rest = (f"no_{stem}", stem) if intent.complement else (stem, f"no_{stem}")
    return {
        "prompt": form.prompt,
        "stem": stem,
        "stem_named": intent.stem is not None,
        "heard": heard,
        "rest": rest,
    }


def removal_params(form: RemoveForm, video: OpenedVideo, engines: EngineCache) -> dict[str, Any]:
    params = point_params(form, video, engines)
    stems = engines.separator().stems
    stem = (form.remove_stem or "").lower() or None
    if form.prompt and not stem:
        stem = parse_prompt(form.prompt, stems).stem
    if stem and stem not in stems:
        raise InvalidInput(f"Unknown stem '{stem[:20]}'. Choose one of: {', '.join(stems)}.")
    params["remove_stem"] = stem
    return params


# ---- runners: stored parameters -> pipeline ------------------------------------------------------


def point_request(params: Mapping[str, Any]) -> PointRequest:
    """The clicks and frame a point-based job was submitted with."""
    points = [PointPrompt(p["x"], p["y"], bool(p.get("positive", True))) for p in params["points"]]
    return PointRequest(points, int(params.get("frame_index", 0)))


def _video(params: Mapping[str, Any], files: OutputFiles, settings: Settings) -> OpenedVideo:
    accept = bool(params.get("accept_cut_off"))
    return open_video(files.dir / params["video"], settings, accept_cut_off=accept)


def run_track(
    params: Mapping[str, Any],
    files: OutputFiles,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    video = _video(params, files, settings)
    request, full = point_request(params), bool(params.get("full_res_masks"))
    return run_point_to_track(video, request, files, engines, settings, progress, full)


def run_text(
    params: Mapping[str, Any],
    files: OutputFiles,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    video = _video(params, files, settings)
    return run_text_to_video(video, params["prompt"], files, engines, settings, progress)


def run_remove(
    params: Mapping[str, Any],
    files: OutputFiles,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    video = _video(params, files, settings)
    request = point_request(params)
    stem = params.get("remove_stem")
    return run_remove_object(video, request, files, engines, settings, progress, stem)


MASKS = Output("masks_url", "masks.zip", "Masks (PNG per frame)", MediaKind.ARCHIVE, seed=True)
STEM = ("stem", "has_audio")
REMOVED = ("remove_stem", "has_audio")

TRACK_POINT = Workflow(
    name="track_point",
    endpoint="/api/track-point",
    command="track",
    summary="Track an object from a click",
    steps=point_track_steps,
    form=TrackForm,
    outputs=(
        Output("masked_video_url", "masked_video.mp4", "Tracked video", MediaKind.VIDEO, True),
        MASKS,
        Output(
            "full_masks_url",
            "masks_full.zip",
            "Masks at full resolution (PNG per frame)",
            MediaKind.ARCHIVE,
            needs=("full_res_masks",),
        ),
    ),
    result=TrackResult,
    build=track_params,
    runner=run_track,
)

TEXT_TO_VIDEO = Workflow(
    name="text_to_video",
    endpoint="/api/text-to-video",
    command="text",
    summary="Find, track and isolate by text",
    steps=text_steps,
    form=TextForm,
    outputs=(
        Output(
            "highlighted_video_url",
            "highlighted_video.mp4",
            "Highlighted video",
            MediaKind.VIDEO,
            seed=True,
        ),
        Output(
            "audio_url",
            "{heard}.wav",
            "Isolated audio",
            MediaKind.AUDIO,
            seed=True,
            needs=STEM,
            description=(
                "what the prompt asks to hear: the stem it names (the mix without that stem "
                "for 'remove the vocals' or karaoke prompts), else the 'other' stem; null "
                "without sound"
            ),
        ),
        Output(
            "stem_video_url",
            "stem_video.mp4",
            "Video with isolated audio",
            MediaKind.VIDEO,
            needs=(*STEM, "stem_named"),
        ),
        Output(
            "complement_audio_url",
            "{rest}.wav",
            "Everything else (audio)",
            MediaKind.AUDIO,
            needs=STEM,
        ),
        MASKS,
    ),
    result=TextResult,
    build=text_params,
    runner=run_text,
)

REMOVE_OBJECT = Workflow(
    name="remove_object",
    endpoint="/api/remove-object",
    command="remove",
    summary="Remove a clicked object",
    steps=removal_steps,
    form=RemoveForm,
    outputs=(
        Output(
            "inpainted_video_url",
            "inpainted_video.mp4",
            "Video with object removed",
            MediaKind.VIDEO,
            seed=True,
        ),
        MASKS,
        Output(
            "audio_url",
            "no_{remove_stem}.wav",
            "Soundtrack without the removed sound",
            MediaKind.AUDIO,
            needs=REMOVED,
        ),
        Output(
            "removed_audio_url",
            "{remove_stem}.wav",
            "The removed sound",
            MediaKind.AUDIO,
            needs=REMOVED,
        ),
    ),
    result=RemoveResult,
    build=removal_params,
    runner=run_remove,
)

WORKFLOWS: dict[str, Workflow] = {w.name: w for w in (TRACK_POINT, TEXT_TO_VIDEO, REMOVE_OBJECT)}
