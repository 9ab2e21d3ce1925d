"""Pick the job store: Redis when a queue URL is configured, else the embedded SQLite file."""

from __future__ import annotations

from typing import Any, Protocol

from vtrack.config import Settings
from vtrack.jobs.store import Job, JobStore
from vtrack.sessions.model import SessionRow


class JobBackend(Protocol):
    """What the API and the workers need from a job store (JobStore and RedisJobStore)."""

    def create(
        self,
        kind: str,
        params: dict[str, Any],
        steps: list[dict[str, str]],
        notices: list[str] | None = None,
        job_id: str | None = None,
    ) -> Job: ...
    def get(self, job_id: str) -> Job | None: ...
    def claim_next(self, worker: str) -> Job | None: ...
    def update_progress(
        self,
        job_id: str,
        steps: list[dict[str, str]],
        progress: float,
        notices: list[str],
        worker: str | None = None,
    ) -> bool: ...
    def heartbeat(self, job_ids: list[str], worker: str) -> None: ...
    def reap_stale(
        self, timeout_s: float, max_attempts: int, reason: str
    ) -> tuple[list[str], list[str]]: ...
    def finish(
        self,
        job_id: str,
        result: dict[str, Any],
        steps: list[dict[str, str]],
        notices: list[str],
        worker: str | None = None,
    ) -> None: ...
    def fail(
        self,
        job_id: str,
        error: str,
        code: int = 500,
        steps: list[dict[str, str]] | None = None,
        status: str = "error",
        worker: str | None = None,
    ) -> None: ...
    def request_cancel(self, job_id: str) -> Job | None: ...
    def recover_interrupted(self, reason: str, worker: str | None = None) -> list[str]: ...
    def count(self, statuses: tuple[str, ...]) -> int: ...
    def expired(self, before: float) -> list[str]: ...
    def ids(self) -> set[str]: ...
    def delete(self, job_id: str) -> None: ...
    # Sessions (vtrack.sessions): meta plus small items, each written on its own.
    def create_session(self, session_id: str, meta: dict[str, Any]) -> None: ...
    def get_session(self, session_id: str) -> SessionRow | None: ...
    def set_session_item(self, session_id: str, key: str, value: dict[str, Any] | None) -> bool: ...
    def delete_session_items(self, session_id: str, prefix: str) -> None: ...
    def delete_session(self, session_id: str) -> None: ...
    def expired_sessions(self, before: float) -> list[str]: ...
    def session_ids(self) -> set[str]: ...


def open_store(settings: Settings) -> JobBackend:
    """Redis (`settings.queue_url`, redis:// or rediss://) or SQLite under the data dir."""
    url = settings.queue_url
    if url:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"Unsupported queue URL '{url}': use redis://host:port/db.")
        from vtrack.jobs.redis_store import RedisJobStore  # redis is an optional dependency

        return RedisJobStore(url)
    return JobStore(settings.db_path)


def describe(settings: Settings) -> str:
    return (
        f"redis queue {settings.queue_url}" if settings.queue_url else f"sqlite {settings.db_path}"
    )
