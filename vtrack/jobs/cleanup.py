"""Delete uploads, results and sessions older than the retention period; never a pending or
running job, never a session a task is working on."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from vtrack.jobs.factory import JobBackend
from vtrack.jobs.states import ACTIVE
from vtrack.sessions.files import SessionFiles
from vtrack.sessions.frames import forget


def cleanup_expired(
    store: JobBackend, uploads_dir: Path, retention_s: float, now: float | None = None
) -> list[str]:
    """Remove expired finished jobs and stray task folders; returns the removed task ids."""
    now = time.time() if now is None else now
    cutoff = now - retention_s
    removed: list[str] = []
    for job_id in store.expired(cutoff):
        shutil.rmtree(uploads_dir / job_id, ignore_errors=True)
        store.delete(job_id)
        removed.append(job_id)
    if uploads_dir.is_dir():
        known = store.ids()
        for entry in uploads_dir.iterdir():
            # A folder with no job row is a leftover (e.g. an upload rejected mid-way by a crash).
            if entry.name not in known and entry.stat().st_mtime < cutoff:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed.append(entry.name)
    return removed


def _session_busy(store: JobBackend, session_id: str) -> bool:
    row = store.get_session(session_id)
    if row is None:
        return False
    for key, value in row.items.items():
        if key.startswith("busy:"):
            job = store.get(str(value.get("task_id", "")))
            if job is not None and job.status in ACTIVE:
                return True
    return False


def cleanup_expired_sessions(
    store: JobBackend, sessions_dir: Path, retention_s: float, now: float | None = None
) -> list[str]:
    """Remove sessions untouched for `retention_s` (and stray session folders); a session with a
    pending or running task is kept until it ends."""
    now = time.time() if now is None else now
    cutoff = now - retention_s
    removed: list[str] = []
    for session_id in store.expired_sessions(cutoff):
        if _session_busy(store, session_id):
            continue
        store.delete_session(session_id)
        forget(SessionFiles(sessions_dir / session_id))
        shutil.rmtree(sessions_dir / session_id, ignore_errors=True)
        removed.append(session_id)
    if sessions_dir.is_dir():
        known = store.session_ids()
        for entry in sessions_dir.iterdir():
            if entry.name not in known and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
    return removed
