"""Job state in SQLite: survives restarts, shared by every API and worker process on one disk."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vtrack.jobs.states import TERMINAL

# With a worker given, a write applies only while that worker still owns the running job: a job
# reaped from a frozen worker and run again elsewhere must not be overwritten by the old run.
_OWNED = " AND (? IS NULL OR (worker = ? AND status = 'processing'))"


def retry_notice(attempt: int, max_attempts: int) -> str:
    return (
        f"The worker running this job stopped responding; it was started again "
        f"(attempt {attempt} of {max_attempts})."
    )


_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    steps TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    params TEXT NOT NULL,
    result TEXT NOT NULL DEFAULT '{}',
    notices TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    error_code INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    worker TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    heartbeat_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_status_created ON jobs (status, created_at);
"""


@dataclass
class Job:
    id: str
    kind: str
    status: str
    steps: list[dict[str, str]]
    progress: float
    params: dict[str, Any]
    result: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    error: str | None = None
    error_code: int | None = None
    attempts: int = 0
    cancel_requested: bool = False
    worker: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None
    heartbeat_at: float | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    @classmethod
    def pending(
        cls,
        kind: str,
        params: dict[str, Any],
        steps: list[dict[str, str]],
        notices: list[str] | None = None,
        job_id: str | None = None,
    ) -> Job:
        """A new job as every store creates it: pending, no progress, a fresh id unless given."""
        now = time.time()
        return cls(
            id=job_id or uuid.uuid4().hex,
            kind=kind,
            status="pending",
            steps=steps,
            progress=0.0,
            params=params,
            notices=list(notices or []),
            created_at=now,
            updated_at=now,
        )


def _row_to_job(row: sqlite3.Row) -> Job:
    data = dict(row)
    for key in ("steps", "params", "result", "notices"):
        data[key] = json.loads(data[key])
    data["cancel_requested"] = bool(data["cancel_requested"])
    return Job(**data)


class JobStore:
    """All job state; every method opens its own short connection, so it is thread- and process-safe."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA synchronous=NORMAL")
        try:
            yield db
        finally:
            db.close()

    def create(
        self,
        kind: str,
        params: dict[str, Any],
        steps: list[dict[str, str]],
        notices: list[str] | None = None,
        job_id: str | None = None,
    ) -> Job:
        job = Job.pending(kind, params, steps, notices, job_id)
        now = job.created_at
        with self._connect() as db:
            db.execute(
                "INSERT INTO jobs (id, kind, status, steps, progress, params, notices,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job.id,
                    kind,
                    job.status,
                    json.dumps(steps),
                    0.0,
                    json.dumps(params),
                    json.dumps(job.notices),
                    now,
                    now,
                ),
            )
        return job

    def get(self, job_id: str) -> Job | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _row_to_job(row) if row else None

    def claim_next(self, worker: str) -> Job | None:
        """Atomically move the oldest pending job to processing and return it."""
        now = time.time()
        with self._connect() as db:
            row = db.execute(
                "UPDATE jobs SET status = 'processing', worker = ?, attempts = attempts + 1,"
                " started_at = ?, updated_at = ?, heartbeat_at = ?"
                " WHERE id = (SELECT id FROM jobs WHERE status = 'pending'"
                "             ORDER BY created_at LIMIT 1) AND status = 'pending'"
                " RETURNING *",
                (worker, now, now, now),
            ).fetchone()
        return _row_to_job(row) if row else None

    def update_progress(
        self,
        job_id: str,
        steps: list[dict[str, str]],
        progress: float,
        notices: list[str],
        worker: str | None = None,
    ) -> bool:
        """Record progress; returns whether the job should stop (cancel requested, or, when
        `worker` is given, the job no longer runs under that worker: it was reaped as dead)."""
        now = time.time()
        with self._connect() as db:
            row = db.execute(
                "UPDATE jobs SET steps = ?, progress = ?, notices = ?, updated_at = ?,"
                " heartbeat_at = ? WHERE id = ? AND status = 'processing'"
                " AND (? IS NULL OR worker = ?) RETURNING cancel_requested",
                (json.dumps(steps), progress, json.dumps(notices), now, now, job_id)
                + (worker, worker),
            ).fetchone()
        if row is None:
            return worker is not None
        return bool(row["cancel_requested"])

    def heartbeat(self, job_ids: list[str], worker: str) -> None:
        """The running jobs of `worker` are alive (called by a timer, not only on progress)."""
        if not job_ids:
            return
        now = time.time()
        marks = ",".join("?" * len(job_ids))
        with self._connect() as db:
            db.execute(
                f"UPDATE jobs SET heartbeat_at = ? WHERE id IN ({marks})"
                " AND status = 'processing' AND worker = ?",
                (now, *job_ids, worker),
            )

    def reap_stale(
        self, timeout_s: float, max_attempts: int, reason: str
    ) -> tuple[list[str], list[str]]:
        """Jobs whose worker stopped heartbeating: run again (below `max_attempts`) or fail
        with `reason`. Returns (requeued ids, failed or cancelled ids)."""
        now = time.time()
        requeued: list[str] = []
        ended: list[str] = []
        with self._connect() as db:
            # IMMEDIATE: two reapers (API and worker processes) must not both requeue a job.
            db.execute("BEGIN IMMEDIATE")
            try:
                rows = db.execute(
                    "SELECT id, attempts, cancel_requested, notices FROM jobs"
                    " WHERE status = 'processing' AND COALESCE(heartbeat_at, 0) < ?",
                    (now - timeout_s,),
                ).fetchall()
                for row in rows:
                    if row["cancel_requested"]:
                        db.execute(
                            "UPDATE jobs SET status = 'cancelled', error = 'Cancelled by the user.',"
                            " error_code = 409, updated_at = ?, finished_at = ? WHERE id = ?",
                            (now, now, row["id"]),
                        )
                        ended.append(row["id"])
                    elif row["attempts"] < max_attempts:
                        notices = json.loads(row["notices"]) + [
                            retry_notice(row["attempts"] + 1, max_attempts)
                        ]
                        db.execute(
                            "UPDATE jobs SET status = 'pending', worker = NULL, progress = 0,"
                            " notices = ?, heartbeat_at = NULL, updated_at = ? WHERE id = ?",
                            (json.dumps(notices), now, row["id"]),
                        )
                        requeued.append(row["id"])
                    else:
                        db.execute(
                            "UPDATE jobs SET status = 'error', error = ?, error_code = 500,"
                            " updated_at = ?, finished_at = ? WHERE id = ?",
                            (reason, now, now, row["id"]),
                        )
                        ended.append(row["id"])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return requeued, ended

    def finish(
        self,
        job_id: str,
        result: dict[str, Any],
        steps: list[dict[str, str]],
        notices: list[str],
        worker: str | None = None,
    ) -> None:
        """Mark complete; with `worker`, only if that worker still owns the running job."""
        now = time.time()
        with self._connect() as db:
            db.execute(
                "UPDATE jobs SET status = 'complete', result = ?, steps = ?, notices = ?,"
                " progress = 1.0, updated_at = ?, finished_at = ? WHERE id = ?" + _OWNED,
                (json.dumps(result), json.dumps(steps), json.dumps(notices), now, now, job_id)
                + (worker, worker),
            )

    def fail(
        self,
        job_id: str,
        error: str,
        code: int = 500,
        steps: list[dict[str, str]] | None = None,
        status: str = "error",
        worker: str | None = None,
    ) -> None:
        """End the job with `error`; with `worker`, only if that worker still owns it."""
        now = time.time()
        owned = (worker, worker)
        with self._connect() as db:
            if steps is None:
                db.execute(
                    "UPDATE jobs SET status = ?, error = ?, error_code = ?, updated_at = ?,"
                    " finished_at = ? WHERE id = ?" + _OWNED,
                    (status, error, code, now, now, job_id) + owned,
                )
            else:
                db.execute(
                    "UPDATE jobs SET status = ?, error = ?, error_code = ?, steps = ?,"
                    " updated_at = ?, finished_at = ? WHERE id = ?" + _OWNED,
                    (status, error, code, json.dumps(steps), now, now, job_id) + owned,
                )

    def request_cancel(self, job_id: str) -> Job | None:
        """Pending jobs are cancelled at once; running ones stop at their next progress report."""
        now = time.time()
        with self._connect() as db:
            db.execute(
                "UPDATE jobs SET status = 'cancelled', error = 'Cancelled by the user.',"
                " error_code = 409, cancel_requested = 1, updated_at = ?, finished_at = ?"
                " WHERE id = ? AND status = 'pending'",
                (now, now, job_id),
            )
            db.execute(
                "UPDATE jobs SET cancel_requested = 1, updated_at = ?"
                " WHERE id = ? AND status = 'processing'",
                (now, job_id),
            )
        return self.get(job_id)

    def recover_interrupted(self, reason: str, worker: str | None = None) -> list[str]:
        """Jobs left 'processing' by a dead process become errors with `reason`."""
        now = time.time()
        query = (
            "UPDATE jobs SET status = 'error', error = ?, error_code = 500, updated_at = ?,"
            " finished_at = ? WHERE status = 'processing'"
        )
        args: tuple = (reason, now, now)
        if worker is not None:
            query += " AND worker = ?"
            args += (worker,)
        with self._connect() as db:
            rows = db.execute(query + " RETURNING id", args).fetchall()
        return [r["id"] for r in rows]

    def count(self, statuses: tuple[str, ...]) -> int:
        marks = ",".join("?" * len(statuses))
        with self._connect() as db:
            row = db.execute(
                f"SELECT COUNT(*) AS n FROM jobs WHERE status IN ({marks})", statuses
            ).fetchone()
        return int(row["n"])

    def expired(self, before: float) -> list[str]:
        """Finished jobs last touched before `before` (never a pending or running one)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id FROM jobs WHERE status IN ('complete', 'error', 'cancelled')"
                " AND updated_at < ?",
                (before,),
            ).fetchall()
        return [r["id"] for r in rows]

    def ids(self) -> set[str]:
        with self._connect() as db:
            return {r["id"] for r in db.execute("SELECT id FROM jobs").fetchall()}

    def delete(self, job_id: str) -> None:
        with self._connect() as db:
            db.execute(
                "DELETE FROM jobs WHERE id = ? AND status IN ('complete', 'error', 'cancelled')",
                (job_id,),
            )
