"""What the API process holds: settings, the job store, the engine cache and the local workers."""

from __future__ import annotations

from dataclasses import dataclass

from vtrack.config import Settings
from vtrack.jobs.factory import JobBackend
from vtrack.jobs.worker import WorkerPool
from vtrack.pipelines.engine_cache import EngineCache


@dataclass
class AppState:
    settings: Settings
    store: JobBackend
    engines: EngineCache
    workers: WorkerPool | None

    def notify_workers(self) -> None:
        if self.workers is not None:
            self.workers.notify()
