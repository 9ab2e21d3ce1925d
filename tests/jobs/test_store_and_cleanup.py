"""Job state survives restarts; cleanup removes expired results and never a running job."""

from __future__ import annotations

import os
import time
from pathlib import Path

from fastapi.testclient import TestClient

from vtrack.api.app import RESTART_REASON, create_app
from vtrack.config import Settings
from vtrack.jobs.cleanup import cleanup_expired
from vtrack.jobs.store import JobStore


def make_job(store: JobStore, settings: Settings, status: str = "pending") -> str:
    job = store.create(
        "track_point",
        {"video": "input.mp4", "points": []},
        [{"id": "sam3", "label": "x", "status": "pending"}],
    )
    (settings.uploads_dir / job.id).mkdir(parents=True)
    (settings.uploads_dir / job.id / "input.mp4").write_bytes(b"x")
    if status == "processing":
        assert store.claim_next("old-worker").id == job.id
    elif status == "complete":
        store.claim_next("w")
        store.finish(job.id, {"files": {}}, [], [])
    return job.id


def test_claim_is_exclusive_and_ordered(settings: Settings) -> None:
    store = JobStore(settings.db_path)
    first = make_job(store, settings)
    second = make_job(store, settings)
    assert store.claim_next("a").id == first
    assert store.claim_next("b").id == second
    assert store.claim_next("c") is None
    assert store.get(first).attempts == 1 and store.get(first).worker == "a"


def test_restart_keeps_finished_and_fails_interrupted(settings: Settings) -> None:
    store = JobStore(settings.db_path)
    done = make_job(store, settings, "complete")
    running = make_job(store, settings, "processing")
    with TestClient(create_app(settings)) as client:
        finished = client.get(f"/api/task/{done}").json()
        assert finished["status"] == "complete"
        interrupted = client.get(f"/api/task/{running}").json()
        assert interrupted["status"] == "error"
        assert interrupted["error"] == RESTART_REASON


def test_cancel_pending_job(settings: Settings) -> None:
    store = JobStore(settings.db_path)
    job_id = make_job(store, settings)
    job = store.request_cancel(job_id)
    assert job.status == "cancelled" and job.cancel_requested
    assert store.claim_next("w") is None


def test_cleanup_removes_expired_but_never_running(settings: Settings) -> None:
    store = JobStore(settings.db_path)
    old_done = make_job(store, settings, "complete")
    running = make_job(store, settings, "processing")
    pending = make_job(store, settings)
    stray = settings.uploads_dir / "leftover"
    stray.mkdir()
    old = time.time() - 3 * 86400
    os.utime(stray, (old, old))
    later = time.time() + 2 * 86400  # two days on: everything is older than 24 h
    removed = cleanup_expired(store, settings.uploads_dir, 24 * 3600, now=later)
    assert set(removed) >= {old_done, "leftover"}
    assert not (settings.uploads_dir / old_done).exists() and store.get(old_done) is None
    for job_id in (running, pending):
        assert (settings.uploads_dir / job_id).exists() and store.get(job_id) is not None


def test_cleanup_keeps_recent_results(settings: Settings) -> None:
    store = JobStore(settings.db_path)
    done = make_job(store, settings, "complete")
    assert cleanup_expired(store, settings.uploads_dir, 24 * 3600) == []
    assert Path(settings.uploads_dir / done).exists()
