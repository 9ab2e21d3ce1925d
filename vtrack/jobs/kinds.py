"""The workflows a job can run: each kind's steps, and how to run it from its stored parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtrack.config import Settings
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.point_to_track import PointRequest, point_track_steps, run_point_to_track
from vtrack.pipelines.progress import Progress, Step
from vtrack.pipelines.remove_object import removal_steps, run_remove_object
from vtrack.pipelines.text_to_video import run_text_to_video, text_steps
from vtrack.pipelines.video_io import open_video
from vtrack.vision.base import PointPrompt

Runner = Callable[[dict[str, Any], Path, EngineCache, Settings, Progress], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    steps: Callable[[], list[Step]]
    run: Runner


def point_request(params: dict[str, Any]) -> PointRequest:
    """The clicks and frame a point-based job was submitted with."""
    points = [PointPrompt(p["x"], p["y"], bool(p.get("positive", True))) for p in params["points"]]
    return PointRequest(points, int(params.get("frame_index", 0)))


def _run_track_point(
    params: dict[str, Any],
    task_dir: Path,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    video = open_video(task_dir / params["video"], settings)
    request = point_request(params)
    return run_point_to_track(video, request, task_dir, engines, settings, progress)


def _run_text_to_video(
    params: dict[str, Any],
    task_dir: Path,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    video = open_video(task_dir / params["video"], settings)
    return run_text_to_video(video, params["prompt"], task_dir, engines, settings, progress)


def _run_remove_object(
    params: dict[str, Any],
    task_dir: Path,
    engines: EngineCache,
    settings: Settings,
    progress: Progress,
) -> dict[str, Any]:
    video = open_video(task_dir / params["video"], settings)
    request = point_request(params)
    return run_remove_object(
        video, request, task_dir, engines, settings, progress, remove_stem=params.get("remove_stem")
    )


KINDS: dict[str, JobKind] = {
    "track_point": JobKind("track_point", point_track_steps, _run_track_point),
    "text_to_video": JobKind("text_to_video", text_steps, _run_text_to_video),
    "remove_object": JobKind("remove_object", removal_steps, _run_remove_object),
}


def register(kind: JobKind) -> None:
    KINDS[kind.name] = kind
