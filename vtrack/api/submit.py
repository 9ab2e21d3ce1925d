"""Shared by every workflow endpoint: receive the upload, validate it, create the job, answer."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from vtrack.api.presenters import submit_json
from vtrack.api.state import AppState
from vtrack.api.upload import UploadForm, receive_upload
from vtrack.errors import InvalidInput, QueueFull
from vtrack.jobs.kinds import KINDS
from vtrack.jobs.store import Job
from vtrack.pipelines.video_io import OpenedVideo, open_video

ParamBuilder = Callable[[UploadForm, OpenedVideo], dict[str, Any]]


def parse_float(
    form: UploadForm, name: str, low: float, high: float, default: float | None = None
) -> float:
    raw = form.fields.get(name)
    if raw is None or raw.strip() == "":
        if default is None:
            raise InvalidInput(f"The field '{name}' is required.")
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise InvalidInput(f"The field '{name}' must be a number, got '{raw[:40]}'.") from exc
    if not (low <= value <= high) or value != value:
        raise InvalidInput(f"The field '{name}' must be between {low:g} and {high:g}.")
    return value


def parse_int(form: UploadForm, name: str, default: int) -> int:
    raw = form.fields.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"The field '{name}' must be a whole number, got '{raw[:40]}'.") from exc


async def submit_job(request: Request, kind: str, build_params: ParamBuilder) -> dict[str, Any]:
    """Stream the upload into a fresh task folder, validate, enqueue; clean up on any failure."""
    state: AppState = request.app.state.vtrack
    settings = state.settings
    if state.store.count(("pending",)) >= settings.max_queued_jobs:
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
        video = await run_in_threadpool(open_video, form.file_path, settings)
        # Builders may load an engine (the separator's stem list): keep the event loop free.
        params = await run_in_threadpool(build_params, form, video)
        params.update(video=form.file_path.name, filename=form.filename)
        job = state.store.create(
            kind,
            params,
            [s.as_dict() for s in KINDS[kind].steps()],
            notices=video.fmt.notices,
            job_id=task_id,
        )
    except BaseException:
        shutil.rmtree(task_dir, ignore_errors=True)
        raise
    state.notify_workers()
    if request.query_params.get("wait", "").lower() in ("1", "true", "yes"):
        job = await wait_for_job(state, job.id)
        if job.status != "complete":
            raise HTTPException(job.error_code or 500, detail=job.error or "The job failed.")
    return submit_json(job)


async def wait_for_job(state: AppState, job_id: str, poll_s: float = 0.2) -> Job | None:
    """Block (asynchronously) until the job ends; the spec's synchronous response shape."""
    deadline = asyncio.get_running_loop().time() + state.settings.job_timeout_s + 30
    while True:
        job = state.store.get(job_id)
        if job is None or job.terminal or asyncio.get_running_loop().time() > deadline:
            return job
        await asyncio.sleep(poll_s)
