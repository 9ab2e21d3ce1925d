"""Turn jobs into the JSON shapes of the public contract (see `vtrack.api.models`)."""

from __future__ import annotations

from typing import Any

from vtrack.jobs.states import JobStatus
from vtrack.jobs.store import Job
from vtrack.workflows.catalog import WORKFLOWS


def file_url(job_id: str, name: str) -> str:
    return f"/uploads/{job_id}/{name}"


def result_urls(job: Job) -> dict[str, str]:
    """URLs of the files the job wrote (only once it is complete: before, nothing is served)."""
    if job.status != JobStatus.COMPLETE:
        return {}
    return {key: file_url(job.id, name) for key, name in job.result.get("files", {}).items()}


def task_json(job: Job) -> dict[str, Any]:
    """GET /api/task/{id}."""
    result = {k: v for k, v in job.result.items() if k != "files"}
    result.update(result_urls(job))
    return {
        "task_id": job.id,
        "kind": job.kind,
        "status": job.status,
        "steps": job.steps,
        "progress": round(job.progress, 4),
        "error": job.error,
        "error_code": job.error_code,
        "result": result,
        "notices": job.notices,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def output_urls(job: Job) -> dict[str, str | None]:
    """Every declared output's URL: the written files once complete; before that the names the
    files will have (they answer 404 until the job completes), None for what won't be written."""
    workflow = WORKFLOWS[job.kind]
    if job.status == JobStatus.COMPLETE:
        written = result_urls(job)
        return {o.key: written.get(o.key) for o in workflow.outputs}
    if job.terminal:
        return {o.key: None for o in workflow.outputs}
    expected = workflow.expected_files(job.params)
    return {key: file_url(job.id, name) if name else None for key, name in expected.items()}


def submit_json(job: Job) -> dict[str, Any]:
    """A workflow POST's answer: the spec's fields plus the job's status and where to follow it."""
    workflow = WORKFLOWS[job.kind]
    body: dict[str, Any] = {
        "task_id": job.id,
        "status": job.status,
        "progress": round(job.progress, 4),
        "processing_steps": job.steps,
        "notices": job.notices,
        "task_url": f"/api/task/{job.id}",
        "events_url": f"/api/task/{job.id}/events",
        "error": job.error,
    }
    body.update({name: job.result.get(name) for name in workflow.result.model_fields})
    body.update({k: v for k, v in job.result.items() if k != "files"})
    body.update(output_urls(job))
    return body
