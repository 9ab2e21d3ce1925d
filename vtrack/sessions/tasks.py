"""The session tasks a worker runs (propagate, render): steps and runners, by job kind.

A task's parameters hold a snapshot of the session it works on (the video and the prompts as
they were when it was submitted), so any worker can run it from the job alone and the data dir.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from vtrack.config import Settings
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.outputs import Output
from vtrack.pipelines.progress import Progress, Step
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.frames import open_frames
from vtrack.sessions.model import Session, SessionRow
from vtrack.sessions.propagate import file_recall, file_sink, plan, record_done, run_passes
from vtrack.sessions.render import (
    RENDER_OUTPUTS,
    RenderRequest,
    RenderResult,
    render_steps,
    run_render,
)

PROPAGATE = "session_propagate"
RENDER = "session_render"

Runner = Callable[[Mapping[str, Any], Path, EngineCache, Settings, Progress], dict[str, Any]]


class PropagateResult(BaseModel):
    session_id: str
    object_ids: list[int]
    frames_tracked: int = Field(description="frames whose masks this propagation stored")
    frame_count: int


@dataclass(frozen=True)
class SessionTask:
    name: str
    steps: Callable[[], list[Step]]
    run: Runner
    result: type[BaseModel]
    outputs: tuple[Output, ...] = ()


def snapshot(row: SessionRow, object_ids: list[int] | None = None) -> dict[str, Any]:
    """What a task stores of its session: the video and the prompts of `object_ids` (all)."""
    keep = {str(o) for o in object_ids} if object_ids is not None else None

    def wanted(key: str) -> bool:
        kind, _, rest = key.partition(":")
        if kind not in ("prompt", "object"):
            return False
        return keep is None or rest.split(":")[0] in keep

    items = {k: v for k, v in row.items.items() if wanted(k)}
    return {"id": row.id, "meta": row.meta, "items": items}


def session_from(params: Mapping[str, Any]) -> Session:
    data = params["session"]
    return Session.from_row(SessionRow(id=data["id"], meta=data["meta"], items=data["items"]))


def propagate_steps() -> list[Step]:
    return [Step("track", "Tracking the objects", weight=1.0)]


def run_propagate(
    params: Mapping[str, Any],
    task_dir: Path,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    session = session_from(params)
    files = SessionFiles(settings.sessions_dir / session.id)
    frames = open_frames(files, session.video)
    object_ids = [int(o) for o in params["object_ids"]]
    passes = plan(session, object_ids, params.get("start_frame_idx"), params["direction"])
    task_id = task_dir.name
    progress.start("track")
    stored = run_passes(
        session,
        frames,
        engines,
        passes,
        file_sink(files, on_frame=lambda f: files.log_frame(task_id, f)),
        progress=progress.callback("track"),
        recall=file_recall(files),
    )
    record_done(session, files, object_ids, params.get("start_frame_idx"), params["direction"])
    progress.complete("track")
    return {
        "session_id": session.id,
        "object_ids": object_ids,
        "frames_tracked": stored,
        "frame_count": session.video.frame_count,
        "files": {},
    }


def run_render_task(
    params: Mapping[str, Any],
    task_dir: Path,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    session = session_from(params)
    files = SessionFiles(settings.sessions_dir / session.id)
    frames = open_frames(files, session.video)
    request = RenderRequest.model_validate(params["request"])
    return run_render(request, session, frames, files, task_dir, engines, settings, progress)


SESSION_TASKS: dict[str, SessionTask] = {
    t.name: t
    for t in (
        SessionTask(PROPAGATE, propagate_steps, run_propagate, PropagateResult),
        SessionTask(RENDER, render_steps, run_render_task, RenderResult, RENDER_OUTPUTS),
    )
}
