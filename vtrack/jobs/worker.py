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
from vtrack.jobs.factory import JobBackend
from vtrack.jobs.kinds import KINDS
from vtrack.jobs.store import Job
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.progress import Progress

log = logging.getLogger("vtrack.worker")
DEAD_WORKER_REASON = (
    "The worker running this job stopped (crashed or was killed) {n} time(s); "
    "the job was not finished. Please submit it again."
)


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


def reap_dead_workers(store: JobBackend, settings: Settings) -> tuple[list[str], list[str]]:
    """Requeue (or fail, after max_attempts) jobs whose worker stopped heartbeating.

    Runs in every worker and API process, so a job is recovered as long as anything is alive.
    """
    requeued, ended = store.reap_stale(
        settings.heartbeat_timeout_s,
        settings.max_attempts,
        DEAD_WORKER_REASON.format(n=settings.max_attempts),
    )
    for job_id in ended:
        job = store.get(job_id)
        # The dead run may have left half-written outputs; only the upload stays.
        remove_outputs(settings.uploads_dir / job_id, (job.params if job else {}).get("video", ""))
    for job_id in requeued:
        log.warning("job %s lost its worker; queued again", job_id)
    for job_id in ended:
        log.warning("job %s lost its worker too many times; marked failed", job_id)
    return requeued, ended


def run_job(job: Job, store: JobBackend, settings: Settings, engines: EngineCache) -> None:
    """Run one claimed job to a terminal state; never raises."""
    kind = KINDS.get(job.kind)
    task_dir = settings.uploads_dir / job.id
    video = job.params.get("video", "")
    started = time.monotonic()
    if kind is None:
        store.fail(job.id, f"Unknown job kind '{job.kind}'.", 500, worker=job.worker)
        return
    if job.attempts > 1:
        # A retry after a dead worker: start from the upload alone, not the old partial outputs.
        remove_outputs(task_dir, video)
    progress = Progress(steps=kind.steps(), notices=list(job.notices))

    def on_change(p: Progress) -> None:
        if store.update_progress(job.id, p.as_steps(), p.fraction, p.notices, worker=job.worker):
            raise JobCancelled("Cancelled by the user.")
        if time.monotonic() - started > settings.job_timeout_s:
            raise JobTimedOut(
                f"The job took longer than {settings.job_timeout_s:g} s and was stopped."
            )

    def still_mine() -> bool:
        # False when this run was reaped as dead (e.g. the process froze) and the job was
        # requeued: its files now belong to the new run.
        current = store.get(job.id)
        return bool(current and current.status == "processing" and current.worker == job.worker)

    def end(message: str, code: int, status: str = "error") -> None:
        progress.fail_running()
        if still_mine():
            remove_outputs(task_dir, video)
            store.fail(job.id, message, code, progress.as_steps(), status=status, worker=job.worker)

    progress.on_change = on_change
    try:
        result = kind.run(job.params, task_dir, engines, settings, progress)
    except JobCancelled as exc:
        end(exc.message, 409, status="cancelled")
    except VTrackError as exc:
        end(exc.message, exc.http_status)
    except Exception as exc:  # noqa: BLE001 - a job must end in a state, whatever broke
        log.exception("job %s failed", job.id)
        end(f"Processing failed: {type(exc).__name__}: {exc}", 500)
    else:
        store.finish(job.id, result, progress.as_steps(), progress.notices, worker=job.worker)


class WorkerPool:
    """`n` threads in this process, each running one job at a time."""

    def __init__(self, store: JobBackend, settings: Settings, engines: EngineCache, n: int = 1):
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
        beat = threading.Thread(target=self._heartbeat_loop, name="vtrack-heartbeat", daemon=True)
        beat.start()
        self._threads.append(beat)

    def notify(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)

    def _heartbeat_loop(self) -> None:
        """Beat for the running jobs on a timer (a long step may report no progress for a while)
        and reap jobs of dead workers elsewhere."""
        interval = max(0.2, self.settings.heartbeat_timeout_s / 4)
        last_reap = 0.0
        while not self._stop.wait(interval):
            try:
                self.store.heartbeat(list(self.running), self.name)
                if time.monotonic() - last_reap >= self.settings.heartbeat_timeout_s / 2:
                    last_reap = time.monotonic()
                    if reap_dead_workers(self.store, self.settings)[0]:
                        self.notify()
            except Exception:  # noqa: BLE001 - a store hiccup must not stop the beat
                log.exception("heartbeat failed")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job = self.store.claim_next(self.name)
            except Exception:  # noqa: BLE001 - e.g. Redis briefly unreachable: retry later
                log.exception("claim failed")
                self._stop.wait(2.0)
                continue
            if job is None:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            self.running.add(job.id)
            try:
                run_job(job, self.store, self.settings, self.engines)
            finally:
                self.running.discard(job.id)
