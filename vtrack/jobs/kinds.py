"""The job kinds a worker can run: one per declared workflow (`vtrack.workflows.catalog`) and
one per session task (`vtrack.sessions.tasks`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtrack.config import Settings
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.progress import Progress, Step
from vtrack.sessions.tasks import SESSION_TASKS
from vtrack.workflows.catalog import WORKFLOWS

Runner = Callable[[dict[str, Any], Path, EngineCache, Settings, Progress], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    steps: Callable[[], list[Step]]
    run: Runner


KINDS: dict[str, JobKind] = {w.name: JobKind(w.name, w.steps, w.run) for w in WORKFLOWS.values()}
KINDS.update({t.name: JobKind(t.name, t.steps, t.run) for t in SESSION_TASKS.values()})


def register(kind: JobKind) -> None:
    """Add a kind that is not a workflow (tests; later, session tasks)."""
    KINDS[kind.name] = kind
