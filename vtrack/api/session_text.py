"""A text prompt in a session: every instance the engine finds becomes an object of the session.

Each found mask is stored as that object's prompt on the frame (a mask prompt), so the objects
are like clicked ones from then on: a click on that frame corrects the text result, and
propagation, render and exports treat them the same way.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vtrack.api import session_state as st
from vtrack.api.bodies import JsonBody, json_body_doc, parse_json
from vtrack.api.models import ErrorBody
from vtrack.api.state import AppState
from vtrack.errors import InvalidInput, PromptNotUnderstood
from vtrack.pipelines.prompt_intent import PromptIntent, parse_prompt
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.frames import open_frames
from vtrack.sessions.model import (
    MAX_OBJECT_ID,
    ObjectInfo,
    Prompt,
    Session,
    object_key,
    prompt_key,
    stored_prompt,
)
from vtrack.sessions.rle import Rle, encode
from vtrack.vision.base import TextDetection
from vtrack.workflows.text_to_video import ground

router = APIRouter(prefix="/api/sessions", tags=["sessions"])


class TextPromptRequest(JsonBody):
    """POST /api/sessions/{id}/text."""

    prompt: str = Field(min_length=1, max_length=300, description="e.g. 'the drummer'")
    frame_idx: int | None = Field(
        None,
        ge=0,
        description="the frame to look on; default: the first of frame 0, the middle and two "
        "thirds in where something is found",
    )
    messages = {
        "prompt": "'prompt' must be 1 to 300 characters saying what to find.",
        "frame_idx": "'frame_idx' must be a whole number, 0 or more.",
    }


class TextObject(BaseModel):
    object_id: int
    name: str = Field(description="what the engine took it for, e.g. 'drummer'")
    frame_idx: int
    mask: Rle = Field(description="COCO RLE at the session's working resolution")
    area: int


class TextAnswer(BaseModel):
    """The objects the prompt created (one per instance found) and the sound it names."""

    prompt: str
    frame_idx: int | None = Field(description="where the objects were found (null: nowhere)")
    objects: list[TextObject]
    audio: str | None = Field(
        description="the render `audio` the prompt asks for ('stem:drums', 'without:vocals'); "
        "null when it names no sound or the video has none"
    )
    ai_response: str = Field(description="what was found and what to do next, in words")


def _intent(state: AppState, session: Session, prompt: str) -> tuple[PromptIntent, str | None]:
    stems = state.engines.separator().stems if session.video.has_audio else ()
    intent = parse_prompt(prompt, stems)
    if not (intent.stem and session.video.has_audio):
        return intent, None
    return intent, f"{'without' if intent.complement else 'stem'}:{intent.stem}"


def _find(state: AppState, session: Session, files: SessionFiles, query: str, frame: int | None):
    frames = open_frames(files, session.video)
    segmenter = state.engines.segmenter()
    if not segmenter.supports_text:
        raise PromptNotUnderstood(
            f"The {segmenter.name} engine cannot find objects from text; click them instead."
        )
    with segmenter.start_session(frames) as engine:
        return ground(engine, len(frames), query, None if frame is None else (frame,))


def _store_objects(
    state: AppState, session: Session, files: SessionFiles, frame: int, found: TextDetection
) -> list[dict[str, Any]]:
    """One new object per non-empty mask found, named by its label, its mask as its prompt."""
    limit = state.settings.session_max_objects
    free = (i for i in range(1, MAX_OBJECT_ID + 1) if i not in session.objects)
    created = []
    for engine_id, mask in sorted(found.frame_masks.masks.items()):
        area = int(mask.sum())
        if area == 0 or len(session.objects) + len(created) >= limit:
            continue
        oid = next(free)
        rle = encode(mask)
        name = found.labels.get(engine_id, "object")
        files.write_mask(oid, frame, rle)
        state.store.set_session_item(
            session.id, object_key(oid), ObjectInfo(name=name).model_dump()
        )
        prompt = Prompt(frame_idx=frame, base=rle)
        state.store.set_session_item(session.id, prompt_key(oid, frame), stored_prompt(prompt))
        created.append(
            {"object_id": oid, "name": name, "frame_idx": frame, "mask": rle, "area": area}
        )
    return created


def _next_steps(created: list[dict[str, Any]], audio: str | None, skipped: int) -> str:
    said = []
    if created:
        said.append("Click to fix a wrong mask, then Track to follow them through the video.")
    if skipped:
        said.append(f"{skipped} more did not fit: a session holds at most this many objects.")
    if audio:
        said.append(f"The render's sound is set to {audio.replace(':', ' ')}.")
    return " ".join(said)


def _text(state: AppState, session_id: str, body: TextPromptRequest) -> dict[str, Any]:
    session, files = st.load(state, session_id)
    if body.frame_idx is not None:
        st.check_frame(session, body.frame_idx)
    intent, audio = _intent(state, session, body.prompt)
    answer: dict[str, Any] = {
        "prompt": body.prompt,
        "frame_idx": None,
        "objects": [],
        "audio": audio,
    }
    if not intent.visual_query:
        if audio is None:
            raise InvalidInput(f"'{body.prompt}' names nothing to find in the picture.")
        answer["ai_response"] = f"{intent.explanation} {_next_steps([], audio, 0)}".strip()
        return answer
    try:
        frame, found = _find(state, session, files, intent.visual_query, body.frame_idx)
    except PromptNotUnderstood as exc:
        if audio is None:
            raise
        answer["ai_response"] = f"I couldn't find '{intent.visual_query}': {exc.message} " + (
            _next_steps([], audio, 0) + " Click what makes the sound to track it."
        )
        return answer
    created = _store_objects(state, session, files, frame, found)
    skipped = sum(int(m.sum()) > 0 for m in found.frame_masks.masks.values()) - len(created)
    said = f"{found.description.rstrip('.')}. {_next_steps(created, audio, skipped)}"
    return {**answer, "frame_idx": frame, "objects": created, "ai_response": said.strip()}


@router.post(
    "/{session_id}/text",
    response_model=TextAnswer,
    responses={
        code: {"model": ErrorBody, "description": what}
        for code, what in {
            400: "a field is missing or out of range",
            404: "no such session",
            422: "the engine cannot find what the prompt names (with suggestions)",
        }.items()
    },
    openapi_extra=json_body_doc(TextPromptRequest),
)
async def text_prompt(session_id: str, request: Request) -> dict[str, Any]:
    """Find what a text prompt names: every instance found becomes a new object, its mask that
    object's prompt on the frame (clicks there correct it). Also says which sound the prompt
    asks for, as a render `audio` value."""
    body = await parse_json(request, TextPromptRequest)
    return await run_in_threadpool(_text, request.app.state.vtrack, session_id, body)
