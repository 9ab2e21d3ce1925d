"""Task status, live progress events (SSE) and cancel."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from vtrack.api.models import ErrorBody, Task
from vtrack.api.presenters import task_json
from vtrack.api.session_events import FrameFeed
from vtrack.api.state import AppState
from vtrack.jobs.store import Job

router = APIRouter(prefix="/api/task", tags=["tasks"])
NOT_FOUND = {404: {"model": ErrorBody, "description": "no such task (or it expired)"}}
EVENTS_DOC = {
    200: {
        "description": "text/event-stream: `data: <Task JSON>` on every change, until it ends; a "
        "session propagation also sends `event: frame` with {frame_idx, masks} per stored frame",
        "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/Task"}}},
    },
    **NOT_FOUND,
}


def _job_or_404(state: AppState, task_id: str) -> Job:
    job = state.store.get(task_id) if task_id.isalnum() and len(task_id) <= 64 else None
    if job is None:
        raise HTTPException(404, detail="No such task (it may have expired and been cleaned up).")
    return job


@router.get("/{task_id}", response_model=Task, responses=NOT_FOUND)
def get_task(task_id: str, request: Request) -> dict[str, Any]:
    return task_json(_job_or_404(request.app.state.vtrack, task_id))


@router.post("/{task_id}/cancel", response_model=Task, responses=NOT_FOUND)
def cancel_task(task_id: str, request: Request) -> dict[str, Any]:
    """Cancel a pending job at once, a running one at its next progress report."""
    state: AppState = request.app.state.vtrack
    job = _job_or_404(state, task_id)
    if not job.terminal:
        job = state.store.request_cancel(task_id)
    return task_json(job)


@router.get("/{task_id}/events", response_class=StreamingResponse, responses=EVENTS_DOC)
async def task_events(task_id: str, request: Request) -> StreamingResponse:
    """Server-sent events: the task JSON whenever it changes, ending after a terminal status."""
    state: AppState = request.app.state.vtrack
    # A session propagation also streams each frame's masks as it is stored.
    feed = FrameFeed.for_job(state, _job_or_404(state, task_id))

    async def stream():
        last = None
        idle = 0.0
        while True:
            job = state.store.get(task_id)
            if job is None:
                yield 'event: gone\ndata: {"detail": "task expired"}\n\n'
                return
            if feed is not None:
                # read after the job: every frame stored before it ended is sent before the end
                for event in await run_in_threadpool(lambda: list(feed.events())):
                    idle = 0.0
                    yield event
            body = json.dumps(task_json(job))
            if body != last:
                last = body
                idle = 0.0
                yield f"data: {body}\n\n"
            elif idle >= 15:
                idle = 0.0
                yield ": keep-alive\n\n"
            if job.terminal or await request.is_disconnected():
                return
            await asyncio.sleep(0.25)
            idle += 0.25

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
