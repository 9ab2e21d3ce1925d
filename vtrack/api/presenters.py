"""Turn jobs into the JSON shapes of the public contract."""

from __future__ import annotations

from typing import Any

from vtrack.jobs.store import Job

# Result keys each workflow's POST response carries at top level (the seed's contract).
CONTRACT_URL_KEYS = {
    "track_point": ("masked_video_url", "masks_url"),
    "text_to_video": ("highlighted_video_url", "audio_url"),
    "remove_object": ("inpainted_video_url",),
}
# File names results will have, known before the job runs (the spec returns them up front).
EXPECTED_FILES = {
    "track_point": {"masked_video_url": "masked_video.mp4", "masks_url": "masks.zip"},
    "remove_object": {"inpainted_video_url": "inpainted_video.mp4", "masks_url": "masks.zip"},
    "text_to_video": {"highlighted_video_url": "highlighted_video.mp4"},
}


def file_url(job_id: str, name: str) -> str:
    return f"/uploads/{job_id}/{name}"


def result_urls(job: Job) -> dict[str, str]:
    """URLs of the job's result files (only once it is complete)."""
    if job.status != "complete":
        return {}
    return {key: file_url(job.id, name) for key, name in job.result.get("files", {}).items()}


def task_json(job: Job) -> dict[str, Any]:
    """GET /api/task/{id}: the spec's steps/status/error plus progress, result and notices."""
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


def submit_json(job: Job) -> dict[str, Any]:
    """A workflow POST's response: the spec's fields (URLs known up front) plus job status."""
    body: dict[str, Any] = {
        "task_id": job.id,
        "status": job.status,
        "progress": round(job.progress, 4),
        "processing_steps": job.steps,
        "notices": job.notices,
        "task_url": f"/api/task/{job.id}",
        "events_url": f"/api/task/{job.id}/events",
    }
    for key, name in EXPECTED_FILES.get(job.kind, {}).items():
        body[key] = file_url(job.id, name)
    if job.kind == "text_to_video":
        stem = job.params.get("stem")
        body["audio_url"] = file_url(job.id, f"{stem}.wav") if stem else None
        body["ai_response"] = job.result.get("ai_response")
    if job.status == "complete":
        body.update(task_json(job)["result"])
    elif job.status in ("error", "cancelled"):
        body["error"] = job.error
    return body
