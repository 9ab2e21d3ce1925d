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

from vtrack.jobs.session_tables import SqliteSessions, init_session_tables
from vtrack.jobs.states import (
    ABANDON,
    CANCEL,
    CLAIM,
    FINISH,
    REAP_CANCELLED,
    REQUEUE,
    TERMINAL,
    JobStatus,
    Transition,
    ending,
)

CANCELLED_BY_USER = "Cancelled by the user."


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
            status=JobStatus.PENDING,
            steps=steps,
            progress=0.0,
            params=params,
            notices=list(notices or []),
            created_at=now,
            updated_at=now,
        )


def _failed(error: str, code: int, now: float) -> dict[str, Any]:
    return {"error": error, "error_code": code, "updated_at": now, "finished_at": now}


def _cancelled(now: float) -> dict[str, Any]:
    return _failed(CANCELLED_BY_USER, 409, now)


def _row_to_job(row: sqlite3.Row) -> Job:
    data = dict(row)
    for key in ("steps", "params", "result", "notices"):
        data[key] = json.loads(data[key])
    data["cancel_requested"] = bool(data["cancel_requested"])
    return Job(**data)


class JobStore(SqliteSessions):
    """All job state; every method opens its own short connection, so it is thread- and process-safe."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            init_session_tables(db)

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

    @staticmethod
    def _move(
        db: sqlite3.Connection,
        transition: Transition,
        job_id: str,
        fields: dict[str, Any],
        worker: str | None = None,
    ) -> bool:
        """Apply `transition` to the job if it is in one of its source states (and, for a
        worker's own write with `worker` given, still run by that worker). One UPDATE: atomic."""
        assert all(name in Job.__dataclass_fields__ for name in fields), fields
        assigns = ", ".join(["status = ?", *(f"{name} = ?" for name in fields)])
        marks = ",".join("?" * len(transition.sources))
        query = f"UPDATE jobs SET {assigns} WHERE id = ? AND status IN ({marks})"
        args: list[Any] = [str(transition.target), *fields.values(), job_id]
        args += [str(s) for s in transition.sources]
        if transition.by_worker and worker is not None:
            query += " AND worker = ?"
            args.append(worker)
        return db.execute(query, args).rowcount > 0

    def claim_next(self, worker: str) -> Job | None:
        """Atomically move the oldest pending job to processing and return it."""
        now = time.time()
        marks = ",".join("?" * len(CLAIM.sources))
        sources = tuple(str(s) for s in CLAIM.sources)
        with self._connect() as db:
            row = db.execute(
                "UPDATE jobs SET status = ?, worker = ?, attempts = attempts + 1,"
                " started_at = ?, updated_at = ?, heartbeat_at = ?"
                f" WHERE id = (SELECT id FROM jobs WHERE status IN ({marks})"
                f"             ORDER BY created_at LIMIT 1) AND status IN ({marks})"
                " RETURNING *",
                (str(CLAIM.target), worker, now, now, now, *sources, *sources),
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
                " heartbeat_at = ? WHERE id = ? AND status = ?"
                " AND (? IS NULL OR worker = ?) RETURNING cancel_requested",
                (json.dumps(steps), progress, json.dumps(notices), now, now, job_id)
                + (str(JobStatus.PROCESSING), worker, worker),
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
                " AND status = ? AND worker = ?",
                (now, *job_ids, str(JobStatus.PROCESSING), worker),
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
                    " WHERE status = ? AND COALESCE(heartbeat_at, 0) < ?",
                    (str(JobStatus.PROCESSING), now - timeout_s),
                ).fetchall()
                for row in rows:
                    job_id = row["id"]
                    if row["cancel_requested"]:
                        self._move(db, REAP_CANCELLED, job_id, _cancelled(now))
                        ended.append(job_id)
                    elif row["attempts"] < max_attempts:
                        notice = retry_notice(row["attempts"] + 1, max_attempts)
                        fields = {
                            "worker": None,
                            "progress": 0.0,
                            "notices": json.dumps(json.loads(row["notices"]) + [notice]),
                            "heartbeat_at": None,
                            "updated_at": now,
                        }
                        self._move(db, REQUEUE, job_id, fields)
                        requeued.append(job_id)
                    else:
                        self._move(db, ABANDON, job_id, _failed(reason, 500, now))
                        ended.append(job_id)
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
        fields = {
            "result": json.dumps(result),
            "steps": json.dumps(steps),
            "notices": json.dumps(notices),
            "progress": 1.0,
            "updated_at": now,
            "finished_at": now,
        }
        with self._connect() as db:
            self._move(db, FINISH, job_id, fields, worker)

    def fail(
        self,
        job_id: str,
        error: str,
        code: int = 500,
        steps: list[dict[str, str]] | None = None,
        status: str = "error",
        worker: str | None = None,
    ) -> None:
        """End the running job as `status` (error or cancelled) with `error`; with `worker`,
        only if that worker still owns it."""
        fields = _failed(error, code, time.time())
        if steps is not None:
            fields["steps"] = json.dumps(steps)
        with self._connect() as db:
            self._move(db, ending(status), job_id, fields, worker)

    def request_cancel(self, job_id: str) -> Job | None:
        """Pending jobs are cancelled at once; running ones stop at their next progress report."""
        now = time.time()
        with self._connect() as db:
            if not self._move(db, CANCEL, job_id, {**_cancelled(now), "cancel_requested": 1}):
                db.execute(
                    "UPDATE jobs SET cancel_requested = 1, updated_at = ?"
                    " WHERE id = ? AND status = ?",
                    (now, job_id, str(JobStatus.PROCESSING)),
                )
        return self.get(job_id)

    def recover_interrupted(self, reason: str, worker: str | None = None) -> list[str]:
        """Jobs left 'processing' by a dead process become errors with `reason`."""
        query = "SELECT id FROM jobs WHERE status = ?"
        args: tuple = (str(JobStatus.PROCESSING),)
        if worker is not None:
            query += " AND worker = ?"
            args += (worker,)
        with self._connect() as db:
            ids = [r["id"] for r in db.execute(query, args).fetchall()]
            now = time.time()
            return [i for i in ids if self._move(db, ABANDON, i, _failed(reason, 500, now))]

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
                f"SELECT id FROM jobs WHERE status IN ({','.join('?' * len(TERMINAL))})"
                " AND updated_at < ?",
                (*[str(s) for s in TERMINAL], before),
            ).fetchall()
        return [r["id"] for r in rows]

    def ids(self) -> set[str]:
        with self._connect() as db:
            return {r["id"] for r in db.execute("SELECT id FROM jobs").fetchall()}

    def delete(self, job_id: str) -> None:
        with self._connect() as db:
            db.execute(
                f"DELETE FROM jobs WHERE id = ? AND status IN ({','.join('?' * len(TERMINAL))})",
                (job_id, *[str(s) for s in TERMINAL]),
            )
