"""Session tasks over HTTP: propagate and render answer 202 with the task; the worker runs it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from vtrack.api import session_state as st
from vtrack.api.bodies import json_body_doc, parse_json
from vtrack.api.models import ErrorBody
from vtrack.api.session_models import PropagateRequest, TaskAccepted
from vtrack.api.state import AppState
from vtrack.errors import InvalidInput, QueueFull
from vtrack.jobs.states import JobStatus
from vtrack.jobs.store import Job
from vtrack.sessions import tasks
from vtrack.sessions.model import Busy, Session, busy_key
from vtrack.sessions.propagate import plan
from vtrack.sessions.render import RenderRequest

router = APIRouter(prefix="/api/sessions", tags=["sessions"])
ERRORS = {
    code: {"model": ErrorBody, "description": what}
    for code, what in {
        400: "a field is missing or out of range (the detail says which)",
        404: "no such session or object",
        409: "the objects are being propagated",
        503: "too many tasks are waiting",
    }.items()
}


def _accepted(job: Job, session_id: str, response: Response) -> dict[str, Any]:
    response.headers["Location"] = f"/api/task/{job.id}"
    return {
        "task_id": job.id,
        "session_id": session_id,
        "kind": job.kind,
        "status": JobStatus(job.status),
        "task_url": f"/api/task/{job.id}",
        "events_url": f"/api/task/{job.id}/events",
    }


def _submit(
    state: AppState, session: Session, kind: str, params: dict[str, Any], object_ids: list[int]
) -> Job:
    if state.store.count((JobStatus.PENDING,)) >= state.settings.max_queued_jobs:
        raise QueueFull("The studio is busy: too many tasks are waiting. Try again in a minute.")
    task = tasks.SESSION_TASKS[kind]
    job = state.store.create(
        kind, params, [s.as_dict() for s in task.steps()], job_id=uuid.uuid4().hex
    )
    busy = Busy(task_id=job.id, kind=kind, object_ids=object_ids)
    state.store.set_session_item(session.id, busy_key(job.id), busy.model_dump())
    state.notify_workers()
    return job


def _chosen_objects(session: Session, object_ids: list[int] | None) -> list[int]:
    if object_ids is None:
        return [oid for oid, obj in session.objects.items() if obj.prompts]
    for oid in object_ids:
        st.require_object(session, oid)
    return list(dict.fromkeys(object_ids))


@router.post(
    "/{session_id}/propagate",
    status_code=202,
    response_model=TaskAccepted,
    responses=ERRORS,
    openapi_extra=json_body_doc(PropagateRequest, required=False),
)
async def propagate(session_id: str, request: Request, response: Response) -> dict[str, Any]:
    """Track the objects from their prompts over the frames each prompt governs (every frame
    follows the latest prompted frame at or before it; those before the first follow the first). Per-frame masks stream on the task's event stream as
    `event: frame`; cancel with POST /api/task/{id}/cancel."""
    state: AppState = request.app.state.vtrack
    body = await parse_json(request, PropagateRequest, empty_ok=True)
    row = st.load_row(state, session_id)
    session = Session.from_row(row)
    object_ids = _chosen_objects(session, body.object_ids)
    if not object_ids:
        raise InvalidInput("There is nothing to propagate yet: click an object first.")
    if body.start_frame_idx is not None:
        st.check_frame(session, body.start_frame_idx, "start_frame_idx")
    st.refuse_if_propagating(state, session, object_ids)
    plan(session, object_ids, body.start_frame_idx, body.direction)  # 400 for a bad start frame
    params = {
        "session": tasks.snapshot(row, object_ids),
        "object_ids": object_ids,
        "start_frame_idx": body.start_frame_idx,
        "direction": body.direction,
    }
    job = _submit(state, session, tasks.PROPAGATE, params, object_ids)
    return _accepted(job, session_id, response)


def _check_audio(state: AppState, session: Session, audio: str) -> None:
    kind, _, stem = audio.partition(":")
    if kind not in ("stem", "without"):
        return
    if not session.video.has_audio:
        raise InvalidInput("The video has no sound, so no stem can be chosen.")
    stems = state.engines.separator().stems
    if stem not in stems:
        raise InvalidInput(f"Unknown stem '{stem}'. Choose one of: {', '.join(stems)}.")


@router.post(
    "/{session_id}/render",
    status_code=202,
    response_model=TaskAccepted,
    responses=ERRORS,
    openapi_extra=json_body_doc(RenderRequest, required=False),
)
async def render(session_id: str, request: Request, response: Response) -> dict[str, Any]:
    """Render an effect over the objects with the chosen sound, plus the exports; the task's
    result holds the URLs (video_url, masks_url, coco_url, matte_url, ...)."""
    state: AppState = request.app.state.vtrack
    body = await parse_json(request, RenderRequest, empty_ok=True)
    row = st.load_row(state, session_id)
    session = Session.from_row(row)
    object_ids = _chosen_objects(session, body.object_ids)
    if not object_ids:
        raise InvalidInput("There is nothing to render yet: click an object first.")
    await run_in_threadpool(_check_audio, state, session, body.audio)  # may load the separator
    request_data = body.model_copy(update={"object_ids": object_ids}).model_dump(mode="json")
    params = {"session": tasks.snapshot(row), "request": request_data}
    job = _submit(state, session, tasks.RENDER, params, object_ids)
    return _accepted(job, session_id, response)
