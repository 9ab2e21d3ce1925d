"""Result files under /uploads/{task_id}/{name}: only finished results, only inside their folder."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from vtrack.api.models import ErrorBody
from vtrack.api.state import AppState
from vtrack.jobs.states import JobStatus

router = APIRouter(tags=["files"])

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
_MEDIA_TYPES = {
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".wav": "audio/wav",
    ".zip": "application/zip",
    ".json": "application/json",
}
FILE_DOC = {
    200: {
        "description": "the file (H.264 MP4 with the original audio, WAV stem, zip of mask PNGs, "
        "a session render's VP9 WebM with alpha or COCO RLE JSON)",
        # (a COCO file is JSON but no response model of ours: listed as a download)
        "content": {media: {} for media in _MEDIA_TYPES.values() if media != "application/json"},
    },
    404: {"model": ErrorBody, "description": "no such file, or its job is not complete"},
}


@router.get("/uploads/{task_id}/{name}", response_class=FileResponse, responses=FILE_DOC)
def result_file(task_id: str, name: str, request: Request) -> FileResponse:
    state: AppState = request.app.state.vtrack
    not_found = HTTPException(404, detail="No such file.")
    if not task_id.isalnum() or len(task_id) > 64 or not _NAME.match(name) or ".." in name:
        raise not_found
    job = state.store.get(task_id)
    # Only files a finished job declared as results are served: never the upload, never a
    # partial output, never anything a path trick could reach.
    if (
        job is None
        or job.status != JobStatus.COMPLETE
        or name not in job.result.get("files", {}).values()
    ):
        raise not_found
    uploads = state.settings.uploads_dir.resolve()
    base = (uploads / task_id).resolve()
    path = (base / name).resolve()
    # Resolved, the file must sit directly in its task folder, and that folder directly in the
    # uploads dir: a symlinked file or a symlinked task folder pointing elsewhere is refused.
    if base.parent != uploads or path.parent != base or not path.is_file():
        raise not_found
    return FileResponse(
        path,
        media_type=_MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
        filename=name,
        content_disposition_type="inline",
    )
