"""Delete uploads and results older than the retention period; never a pending or running job."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from vtrack.jobs.factory import JobBackend


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
