"""The session endpoints: upload once, prompt and see the mask at once, propagate, render.

Durable state goes to the job store (prompts, objects, running tasks) and the session's folder
(frames, masks); the engine sessions behind the previews are a per-process cache of it.
"""

from __future__ import annotations

import io
import shutil
import uuid
from typing import Any

import cv2
import numpy as np
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from vtrack.api import session_state as st
from vtrack.api.bodies import json_body_doc, parse_json
from vtrack.api.models import ErrorBody
from vtrack.api.session_models import (
    FrameMasks,
    ObjectPatch,
    PromptAnswer,
    PromptOut,
    PromptRequest,
    SessionDetail,
    SessionInfo,
    SessionObject,
    SessionTaskRef,
)
from vtrack.api.state import AppState
from vtrack.api.upload import receive_upload
from vtrack.errors import InvalidInput
from vtrack.pipelines.video_io import open_video
from vtrack.sessions import tasks
from vtrack.sessions.engine_sessions import engine_sessions
from vtrack.sessions.exports import SessionMasks, masks_zip_bytes
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.frames import decode_frames, forget, open_frames
from vtrack.sessions.model import (
    ObjectInfo,
    Prompt,
    Session,
    VideoMeta,
    object_key,
    prompt_key,
    stored_prompt,
)
from vtrack.sessions.prompting import correction_base, prepare_first_frame, preview
from vtrack.sessions.rle import encode

router = APIRouter(prefix="/api/sessions", tags=["sessions"])


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    what = {
        400: "a field is missing or out of range (the detail says which)",
        404: "no such session or object",
        409: "the object is being propagated (or a task runs on the session)",
        413: "the video is over the size limit",
        415: "not a video we can decode",
        503: "too many tasks are waiting",
    }
    return {code: {"model": ErrorBody, "description": what[code]} for code in codes}


def _state(request: Request) -> AppState:
    return request.app.state.vtrack


# ---- create, read, delete ---------------------------------------------------------------------


def _info(session: Session, retention_s: float) -> dict[str, Any]:
    video = session.video
    return {
        "session_id": session.id,
        "status": "ready",
        "frame_count": video.frame_count,
        "fps": video.fps,
        "width": video.width,
        "height": video.height,
        "duration_s": video.duration_s,
        "has_audio": video.has_audio,
        "filename": video.filename,
        "notices": video.notices,
        "created_at": session.created_at,
        "expires_at": session.updated_at + retention_s,
    }


def _detail(state: AppState, session: Session, files: SessionFiles) -> dict[str, Any]:
    busy = st.running(state, session)
    moving = {o for b in busy if b.kind == tasks.PROPAGATE for o in b.object_ids}
    objects = []
    for oid, obj in session.objects.items():
        done = files.propagated(oid)
        propagated = bool(obj.prompts) and all(
            (entry := done.get(frame)) is not None
            and entry["fingerprint"] == prompt.fingerprint()
            and {"forward", "backward"} <= set(entry["directions"])
            for frame, prompt in obj.prompts.items()
        )
        prompts = [
            PromptOut(frame_idx=f, points=p.points, box=p.box, corrects=p.base is not None)
            for f, p in sorted(obj.prompts.items())
        ]
        objects.append(
            SessionObject(
                object_id=oid,
                name=obj.info.name,
                color=obj.info.color,
                prompts=prompts,
                propagated=propagated,
                propagating=oid in moving,
            )
        )
    refs = [SessionTaskRef(task_id=b.task_id, kind=b.kind, object_ids=b.object_ids) for b in busy]
    retention = state.settings.retention_hours * 3600
    return {**_info(session, retention), "objects": objects, "tasks": refs}


def _open_session(state: AppState, session_id: str, files: SessionFiles, upload) -> Session:
    """Probe, validate and decode the upload into the session's folder (a worker thread)."""
    video = open_video(upload.file_path, state.settings)
    decode_frames(video, files)
    fmt, probe = video.fmt, video.probe
    meta = VideoMeta(
        frame_count=fmt.frame_count,
        fps=fmt.fps,
        width=fmt.width,
        height=fmt.height,
        duration_s=round(fmt.frame_count / fmt.fps, 3),
        has_audio=probe.has_audio,
        filename=upload.filename or "video",
        notices=fmt.notices,
        source=upload.file_path.name,
        out_width=fmt.out_width,
        out_height=fmt.out_height,
    )
    state.store.create_session(session_id, meta.model_dump(mode="json"))
    row = state.store.get_session(session_id)
    assert row is not None
    session = Session.from_row(row)
    prepare_first_frame(session, open_frames(files, session.video), state.engines)
    return session


@router.post(
    "",
    status_code=201,
    response_model=SessionInfo,
    responses=_errors(400, 413, 415),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["video"],
                        "properties": {
                            "video": {"type": "string", "format": "binary"},
                        },
                    }
                }
            },
        }
    },
)
async def create_session(request: Request, response: Response) -> dict[str, Any]:
    """Upload a video once: it is validated like a workflow's and decoded into the session's
    frame store; later calls never decode it again."""
    state = _state(request)
    settings = state.settings
    session_id = uuid.uuid4().hex
    files = st.files_of(state, session_id)
    files.dir.mkdir(parents=True)
    try:
        upload = await receive_upload(
            request,
            files.dir,
            "video",
            settings.max_upload_bytes,
            idle_timeout_s=settings.upload_idle_timeout_s,
            total_timeout_s=settings.upload_total_timeout_s,
        )
        session = await run_in_threadpool(_open_session, state, session_id, files, upload)
    except BaseException:
        shutil.rmtree(files.dir, ignore_errors=True)
        raise
    response.headers["Location"] = f"/api/sessions/{session_id}"
    return _info(session, settings.retention_hours * 3600)


@router.get("/{session_id}", response_model=SessionDetail, responses=_errors(404))
def get_session(session_id: str, request: Request) -> dict[str, Any]:
    state = _state(request)
    session, files = st.load(state, session_id)
    return _detail(state, session, files)


@router.delete("/{session_id}", status_code=204, responses=_errors(404, 409))
def delete_session(session_id: str, request: Request) -> Response:
    """Delete the session, its frames and masks (refused while a task runs on it)."""
    state = _state(request)
    session, files = st.load(state, session_id)
    busy = st.running(state, session)
    if busy:
        raise st.Conflict(
            f"Task {busy[0].task_id} is running on this session; cancel it or wait, then delete."
        )
    state.store.delete_session(session_id)
    engine_sessions(state.engines).drop(session_id)
    forget(files)
    files.remove()
    return Response(status_code=204)


# ---- prompts and objects ----------------------------------------------------------------------


def _prompt(state: AppState, session_id: str, body: PromptRequest) -> dict[str, Any]:
    session, files = st.load(state, session_id)
    st.check_frame(session, body.frame_idx)
    oid = body.object_id
    if oid not in session.objects and len(session.objects) >= state.settings.session_max_objects:
        raise InvalidInput(
            f"A session holds at most {state.settings.session_max_objects} objects; delete one "
            "first (VTRACK_SESSION_MAX_OBJECTS on the server)."
        )
    st.refuse_if_propagating(state, session, [oid])
    base = correction_base(session, files, oid, body.frame_idx)
    if base is None and body.box is None and not any(p.positive for p in body.points):
        raise InvalidInput("The first click on an object must be a positive one (on the object).")
    prompt = Prompt(frame_idx=body.frame_idx, points=body.points, box=body.box, base=base)
    frames = open_frames(files, session.video)
    mask = preview(session, frames, files, state.engines, oid, prompt)
    if oid not in session.objects:
        state.store.set_session_item(session_id, object_key(oid), ObjectInfo().model_dump())
    if not state.store.set_session_item(
        session_id, prompt_key(oid, body.frame_idx), stored_prompt(prompt)
    ):
        raise st.HTTPException(404, detail=st.SESSION_GONE)
    return {
        "object_id": oid,
        "frame_idx": body.frame_idx,
        "mask": encode(mask),
        "area": int(np.count_nonzero(mask)),
        "corrects": base is not None,
    }


@router.post(
    "/{session_id}/prompts",
    response_model=PromptAnswer,
    responses=_errors(400, 404, 409),
    openapi_extra=json_body_doc(PromptRequest),
)
async def add_prompt(session_id: str, request: Request) -> dict[str, Any]:
    """Clicks (and/or a box) for one object on one frame: answers that object's mask on that
    frame, computed now. The clicks replace the object's earlier clicks on that frame (send the
    full list each time); on a frame the object was propagated to, they correct that mask."""
    body = await parse_json(request, PromptRequest)
    return await run_in_threadpool(_prompt, _state(request), session_id, body)


@router.patch(
    "/{session_id}/objects/{object_id}",
    response_model=SessionDetail,
    responses=_errors(400, 404),
    openapi_extra=json_body_doc(ObjectPatch),
)
async def update_object(session_id: str, object_id: int, request: Request) -> dict[str, Any]:
    """Rename or recolour an object (its colour is used by the overlay effect)."""
    state = _state(request)
    body = await parse_json(request, ObjectPatch)
    session, files = st.load(state, session_id)
    st.require_object(session, object_id)
    info = session.objects[object_id].info.model_copy(
        update={k: v for k, v in body.model_dump().items() if v is not None}
    )
    state.store.set_session_item(session_id, object_key(object_id), info.model_dump())
    session, files = st.load(state, session_id)
    return _detail(state, session, files)


@router.delete(
    "/{session_id}/objects/{object_id}", response_model=SessionDetail, responses=_errors(404, 409)
)
def delete_object(session_id: str, object_id: int, request: Request) -> dict[str, Any]:
    """Forget an object: its prompts and masks (refused while it is being propagated)."""
    state = _state(request)
    session, files = st.load(state, session_id)
    st.require_object(session, object_id)
    st.refuse_if_propagating(state, session, [object_id])
    state.store.delete_session_items(session_id, f"prompt:{object_id}:")
    state.store.set_session_item(session_id, object_key(object_id), None)
    files.delete_object(object_id)
    session, files = st.load(state, session_id)
    return _detail(state, session, files)


# ---- masks and frames -------------------------------------------------------------------------


@router.get("/{session_id}/masks", response_model=FrameMasks, responses=_errors(400, 404))
def frame_masks(
    session_id: str, request: Request, frame_idx: int = Query(..., description="the frame")
) -> dict[str, Any]:
    """Every object's stored mask on one frame (COCO RLE, working resolution)."""
    session, files = st.load(_state(request), session_id)
    st.check_frame(session, frame_idx)
    return {"frame_idx": frame_idx, "masks": files.frame_masks(frame_idx, list(session.objects))}


ZIP_DOC = {200: {"description": "zip of NNNNN.png", "content": {"application/zip": {}}}}


@router.get(
    "/{session_id}/masks.zip",
    response_class=Response,
    responses={**ZIP_DOC, **_errors(400, 404)},
)
def masks_zip(
    session_id: str,
    request: Request,
    object_ids: str | None = Query(None, description="comma-separated ids (default: all)"),
) -> Response:
    """One PNG per frame: object ids as pixel values (0 = background); for one object 0/255."""
    session, files = st.load(_state(request), session_id)
    ids = list(session.objects)
    if object_ids:
        try:
            ids = [int(v) for v in object_ids.split(",") if v.strip()]
        except ValueError as exc:
            raise InvalidInput("'object_ids' must be comma-separated whole numbers.") from exc
        for oid in ids:
            st.require_object(session, oid)
    video = session.video
    masks = SessionMasks(files, ids, video.frame_count, (video.height, video.width))
    return Response(
        masks_zip_bytes(masks),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="masks_{session_id[:8]}.zip"'},
    )


JPEG_DOC = {200: {"description": "the frame as a JPEG", "content": {"image/jpeg": {}}}}


@router.get(
    "/{session_id}/frames/{frame_idx}",
    response_class=Response,
    responses={**JPEG_DOC, **_errors(400, 404)},
)
def frame_image(session_id: str, frame_idx: int, request: Request) -> Response:
    """Frame `frame_idx` at the working resolution, exactly the picture the masks refer to."""
    session, files = st.load(_state(request), session_id)
    st.check_frame(session, frame_idx)
    frame = np.asarray(open_frames(files, session.video)[frame_idx])
    ok, jpeg = cv2.imencode(
        ".jpg", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90]
    )
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return StreamingResponse(
        io.BytesIO(jpeg.tobytes()),
        media_type="image/jpeg",
        headers={"Cache-Control": "private, max-age=86400"},
    )
