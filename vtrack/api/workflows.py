"""The seed's workflow endpoints: track-point, text-to-video, remove-object."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from vtrack.api.submit import ParamBuilder, parse_float, parse_int, submit_job
from vtrack.api.upload import UploadForm
from vtrack.errors import InvalidInput
from vtrack.pipelines.prompt_intent import parse_prompt
from vtrack.pipelines.video_io import OpenedVideo

router = APIRouter(prefix="/api")

FORM_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["video"],
                    "properties": {
                        "video": {"type": "string", "format": "binary"},
                        "x": {"type": "number", "description": "percent of width, 0-100"},
                        "y": {"type": "number", "description": "percent of height, 0-100"},
                        "frame_idx": {"type": "integer", "default": 0},
                        "points": {
                            "type": "string",
                            "description": 'JSON [{"x": pct, "y": pct, "positive": true}, ...]',
                        },
                        "prompt": {"type": "string"},
                        "remove_stem": {
                            "type": "string",
                            "enum": ["drums", "bass", "vocals", "other"],
                        },
                    },
                }
            }
        },
        "required": True,
    }
}


def parse_points(form: UploadForm) -> list[dict[str, Any]]:
    """Clicks in percent from x/y, or several positive/negative ones from `points` (JSON)."""
    raw = form.fields.get("points")
    if raw:
        try:
            items = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidInput("'points' must be a JSON list of {x, y, positive}.") from exc
        if not isinstance(items, list) or not 1 <= len(items) <= 32:
            raise InvalidInput("'points' must be a list of 1 to 32 clicks.")
        points = []
        for item in items:
            try:
                x, y = float(item["x"]), float(item["y"])
            except (KeyError, TypeError, ValueError) as exc:
                raise InvalidInput("Each point needs numeric 'x' and 'y' (percent).") from exc
            if not (0 <= x <= 100 and 0 <= y <= 100):
                raise InvalidInput("Point coordinates must be percentages between 0 and 100.")
            points.append(
                {"x": x / 100, "y": y / 100, "positive": bool(item.get("positive", True))}
            )
        if not any(p["positive"] for p in points):
            raise InvalidInput("At least one positive click on the object is needed.")
        return points
    x = parse_float(form, "x", 0.0, 100.0)
    y = parse_float(form, "y", 0.0, 100.0)
    return [{"x": x / 100, "y": y / 100, "positive": True}]


def point_params(form: UploadForm, video: OpenedVideo) -> dict[str, Any]:
    frame_index = parse_int(form, "frame_idx", 0)
    last = video.fmt.frame_count - 1
    if not 0 <= frame_index <= last:
        raise InvalidInput(f"frame_idx {frame_index} is outside the video (frames 0-{last}).")
    return {"points": parse_points(form), "frame_index": frame_index}


@router.post("/track-point", openapi_extra=FORM_DOC, summary="Track an object from a click")
async def track_point(request: Request) -> dict[str, Any]:
    return await submit_job(request, "track_point", point_params)


MAX_PROMPT_CHARS = 300


def stems_available(request: Request) -> tuple[str, ...]:
    return request.app.state.vtrack.engines.separator().stems


def text_params_builder(request: Request) -> ParamBuilder:
    def build(form: UploadForm, video: OpenedVideo) -> dict[str, Any]:
        prompt = (form.fields.get("prompt") or "").strip()
        if not prompt:
            raise InvalidInput("Type what to find, e.g. 'isolate drums' or 'the singer'.")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise InvalidInput(f"The prompt is too long (limit {MAX_PROMPT_CHARS} characters).")
        intent = parse_prompt(prompt, stems_available(request))
        if not intent.visual_query and not intent.stem:
            raise InvalidInput(
                "I couldn't tell what to look for or listen to in that prompt. Try 'isolate "
                "drums', 'the singer', 'the person on the left' or 'red car'."
            )
        return {"prompt": prompt, "stem": intent.stem}

    return build


@router.post("/text-to-video", openapi_extra=FORM_DOC, summary="Find, track and isolate by text")
async def text_to_video(request: Request) -> dict[str, Any]:
    return await submit_job(request, "text_to_video", text_params_builder(request))


def removal_params_builder(request: Request) -> ParamBuilder:
    def build(form: UploadForm, video: OpenedVideo) -> dict[str, Any]:
        params = point_params(form, video)
        stem = (form.fields.get("remove_stem") or "").strip().lower() or None
        prompt = (form.fields.get("prompt") or "").strip()
        if prompt and not stem:
            stem = parse_prompt(prompt, stems_available(request)).stem
        if stem and stem not in stems_available(request):
            raise InvalidInput(
                f"Unknown stem '{stem[:20]}'. Choose one of: "
                + ", ".join(stems_available(request))
                + "."
            )
        params["remove_stem"] = stem
        return params

    return build


@router.post("/remove-object", openapi_extra=FORM_DOC, summary="Remove a clicked object")
async def remove_object(request: Request) -> dict[str, Any]:
    return await submit_job(request, "remove_object", removal_params_builder(request))
