"""Shared by every workflow endpoint: receive the upload, validate it, create the job, answer.

The answer's shape follows the client's preference (RFC 7240): by default the POST answers when
the job is done, in the seed's synchronous shape (every URL live, every step complete); with
`Prefer: respond-async` it answers 202 at once with the job handle (`Location: /api/task/{id}`).
`?wait=true` / `?wait=false` choose explicitly and win over the header.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from typing import Any

from fastapi import HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from vtrack.api.presenters import submit_json
from vtrack.api.state import AppState
from vtrack.api.upload import receive_upload
from vtrack.errors import QueueFull
from vtrack.jobs.states import JobStatus
from vtrack.jobs.store import Job
from vtrack.workflows.declaration import Workflow

RESPOND_ASYNC = "respond-async"


def preferences(header: str | None) -> set[str]:
    """The preference tokens of a Prefer header ("respond-async, wait=10" -> {respond-async, wait})."""
    tokens = set()
    for part in (header or "").split(","):
        token = part.split(";")[0].split("=")[0].strip().lower()
        if token:
            tokens.add(token)
    return tokens


def wants_async(wait: bool | None, prefer: str | None) -> bool:
    if wait is not None:
        return not wait
    return RESPOND_ASYNC in preferences(prefer)


async def create_job(request: Request, workflow: Workflow) -> Job:
    """Stream the upload into a fresh task folder, validate, enqueue; clean up on any failure."""
    state: AppState = request.app.state.vtrack
    settings = state.settings
    if state.store.count((JobStatus.PENDING,)) >= settings.max_queued_jobs:
        raise QueueFull("The studio is busy: too many jobs are waiting. Try again in a minute.")
    task_id = uuid.uuid4().hex
    task_dir = settings.uploads_dir / task_id
    task_dir.mkdir(parents=True)
    try:
        form = await receive_upload(
            request,
            task_dir,
            "video",
            settings.max_upload_bytes,
            idle_timeout_s=settings.upload_idle_timeout_s,
            total_timeout_s=settings.upload_total_timeout_s,
        )
        assert form.file_path is not None
        fields = workflow.parse_form(form.fields)
        video = await run_in_threadpool(workflow.open_upload, form.file_path, fields, settings)
        # Builders may load an engine (the separator's stem list): keep the event loop free.
        params = await run_in_threadpool(
            workflow.job_params, fields, video, state.engines, form.filename
        )
        job = state.store.create(
            workflow.name,
            params,
            [s.as_dict() for s in workflow.steps()],
            notices=video.fmt.notices,
            job_id=task_id,
        )
    except BaseException:
        shutil.rmtree(task_dir, ignore_errors=True)
        raise
    state.notify_workers()
    return job


async def submit(
    request: Request,
    response: Response,
    workflow: Workflow,
    wait: bool | None,
    prefer: str | None,
) -> dict[str, Any]:
    """Create the job, then answer at once (202) or when it is done (200), as the client prefers."""
    job = await create_job(request, workflow)
    response.headers["Vary"] = "Prefer"
    if wants_async(wait, prefer):
        response.status_code = 202
        response.headers["Location"] = f"/api/task/{job.id}"
        if RESPOND_ASYNC in preferences(prefer):
            response.headers["Preference-Applied"] = RESPOND_ASYNC
        return submit_json(job)
    state: AppState = request.app.state.vtrack
    done = await wait_for_job(state, job.id, request)
    if done is None:  # expired and cleaned while we waited (retention shorter than the job)
        raise HTTPException(410, detail="The job's results were cleaned up before it ended.")
    if done.status != JobStatus.COMPLETE:
        if done.terminal:
            raise HTTPException(done.error_code or 500, detail=done.error or "The job failed.")
        response.status_code = 202  # still running past the wait limit: hand over the job
        response.headers["Location"] = f"/api/task/{job.id}"
    return submit_json(done)


async def wait_for_job(
    state: AppState, job_id: str, request: Request | None = None, poll_s: float = 0.2
) -> Job | None:
    """Wait (asynchronously) until the job ends. A synchronous client that hangs up cancels its
    job: it never learned the task id, so nobody could collect the result."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + state.settings.job_timeout_s + 30
    while True:
        job = state.store.get(job_id)
        if job is None or job.terminal or loop.time() > deadline:
            return job
        if request is not None and await request.is_disconnected():
            return state.store.request_cancel(job_id)
        await asyncio.sleep(poll_s)
