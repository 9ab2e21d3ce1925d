"""Worker threads that claim pending jobs from the store and run their pipelines."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path

from vtrack.config import Settings
from vtrack.errors import JobCancelled, VTrackError
from vtrack.jobs.kinds import KINDS
from vtrack.jobs.store import Job, JobStore
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.progress import Progress

log = logging.getLogger("vtrack.worker")


class JobTimedOut(VTrackError):
    http_status = 504


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def remove_outputs(task_dir: Path, keep: str) -> None:
    """After a failure, leave only the upload: no partial result may look like a finished one."""
    if not task_dir.is_dir():
        return
    for entry in task_dir.iterdir():
        if entry.name == keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def run_job(job: Job, store: JobStore, settings: Settings, engines: EngineCache) -> None:
    """Run one claimed job to a terminal state; never raises."""
    kind = KINDS.get(job.kind)
    task_dir = settings.uploads_dir / job.id
    started = time.monotonic()
    if kind is None:
        store.fail(job.id, f"Unknown job kind '{job.kind}'.", 500)
        return
    progress = Progress(steps=kind.steps(), notices=list(job.notices))

    def on_change(p: Progress) -> None:
        if store.update_progress(job.id, p.as_steps(), p.fraction, p.notices):
            raise JobCancelled("Cancelled by the user.")
        if time.monotonic() - started > settings.job_timeout_s:
            raise JobTimedOut(
                f"The job took longer than {settings.job_timeout_s:g} s and was stopped."
            )

    progress.on_change = on_change
    try:
        result = kind.run(job.params, task_dir, engines, settings, progress)
    except JobCancelled as exc:
        progress.fail_running()
        remove_outputs(task_dir, job.params.get("video", ""))
        store.fail(job.id, exc.message, 409, progress.as_steps(), status="cancelled")
    except VTrackError as exc:
        progress.fail_running()
        remove_outputs(task_dir, job.params.get("video", ""))
        store.fail(job.id, exc.message, exc.http_status, progress.as_steps())
    except Exception as exc:  # noqa: BLE001 - a job must end in a state, whatever broke
        log.exception("job %s failed", job.id)
        progress.fail_running()
        remove_outputs(task_dir, job.params.get("video", ""))
        store.fail(
            job.id, f"Processing failed: {type(exc).__name__}: {exc}", 500, progress.as_steps()
        )
    else:
        store.finish(job.id, result, progress.as_steps(), progress.notices)


class WorkerPool:
    """`n` threads in this process, each running one job at a time."""

    def __init__(self, store: JobStore, settings: Settings, engines: EngineCache, n: int = 1):
        self.store = store
        self.settings = settings
        self.engines = engines
        self.n = n
        self.name = worker_name()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.running: set[str] = set()

    def start(self) -> None:
        for i in range(self.n):
            thread = threading.Thread(target=self._loop, name=f"vtrack-worker-{i}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def notify(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            job = self.store.claim_next(self.name)
            if job is None:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            self.running.add(job.id)
            try:
                run_job(job, self.store, self.settings, self.engines)
            finally:
                self.running.discard(job.id)
