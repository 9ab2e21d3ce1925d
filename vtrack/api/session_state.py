"""Reading a session for the API: from the store and its folder, with 404s and busy checks."""

from __future__ import annotations

from fastapi import HTTPException

from vtrack.api.state import AppState
from vtrack.errors import InvalidInput, VTrackError
from vtrack.jobs.states import ACTIVE
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.model import Busy, Session, SessionRow, busy_key

SESSION_GONE = "No such session (it may have expired and been cleaned up)."


class Conflict(VTrackError):
    http_status = 409


def valid_id(value: str) -> bool:
    return value.isalnum() and len(value) <= 64


def load_row(state: AppState, session_id: str) -> SessionRow:
    row = state.store.get_session(session_id) if valid_id(session_id) else None
    if row is None:
        raise HTTPException(404, detail=SESSION_GONE)
    return row


def load(state: AppState, session_id: str) -> tuple[Session, SessionFiles]:
    row = load_row(state, session_id)
    return Session.from_row(row), files_of(state, session_id)


def files_of(state: AppState, session_id: str) -> SessionFiles:
    return SessionFiles(state.settings.sessions_dir / session_id)


def running(state: AppState, session: Session) -> list[Busy]:
    """The session's tasks still pending or running (finished ones' markers are dropped)."""
    alive = []
    for busy in session.busy:
        job = state.store.get(busy.task_id)
        if job is not None and job.status in ACTIVE:
            alive.append(busy)
        else:
            state.store.set_session_item(session.id, busy_key(busy.task_id), None)
    return alive


def propagating(state: AppState, session: Session) -> set[int]:
    return {
        oid
        for busy in running(state, session)
        if busy.kind == "session_propagate"
        for oid in busy.object_ids
    }


def refuse_if_propagating(state: AppState, session: Session, object_ids: list[int]) -> None:
    for busy in running(state, session):
        if busy.kind != "session_propagate":
            continue
        clash = sorted(set(busy.object_ids) & set(object_ids))
        if clash:
            raise Conflict(
                f"Object {clash[0]} is being propagated (task {busy.task_id}); wait for it to "
                "finish or cancel it first."
            )


def require_object(session: Session, object_id: int) -> None:
    if object_id not in session.objects:
        raise HTTPException(404, detail=f"No object {object_id} in this session.")


def check_frame(session: Session, frame_idx: int, name: str = "frame_idx") -> None:
    last = session.video.frame_count - 1
    if not 0 <= frame_idx <= last:
        raise InvalidInput(f"{name} {frame_idx} is outside the video (frames 0-{last}).")
