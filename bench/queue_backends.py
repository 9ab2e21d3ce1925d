"""The job queues bench/bench_queues.py compares, behind one small interface: enqueue a job,
say where it stands, read its progress, cancel it, and run a worker process for it."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

HEARTBEAT_S = 2.0  # ours: heartbeat timeout; RQ: worker TTL and maintenance interval alike
# RQ finds a job whose worker died only once the job's own timeout has passed (default 180 s):
# give it a tight one (the longest job here runs 6 s), or it would not be found in this run.
RQ_JOB_TIMEOUT_S = 10


def touch(folder: str, tag: str) -> None:
    Path(folder, f"started-{tag}").touch()


def work(seconds: float, steps: int, report) -> None:  # noqa: ANN001 - any callable
    for i in range(steps):
        time.sleep(seconds / steps)
        report((i + 1) / steps)


class Ours:
    """vtrack.jobs: JobStore (SQLite) or RedisJobStore, WorkerPool workers, the reaper."""

    def __init__(self, tmp: Path, redis_url: str | None) -> None:
        from vtrack.config import Settings
        from vtrack.jobs.factory import open_store

        self.name = "vtrack redis" if redis_url else "vtrack sqlite"
        self.settings = Settings(
            data_dir=tmp / "data",
            queue_url=redis_url,
            heartbeat_timeout_s=HEARTBEAT_S,
            max_attempts=2,
            preload_engines=False,
        )
        self.store = open_store(self.settings)
        self.tmp = tmp

    def enqueue(self, seconds: float, steps: int, tag: str) -> str:
        params = {"seconds": seconds, "steps": steps, "tag": tag, "folder": str(self.tmp)}
        return self.store.create("bench_work", params, [{"id": "w", "label": "W"}]).id

    def state(self, job_id: str) -> str:
        return str(self.store.get(job_id).status)

    def progress(self, job_id: str) -> float | None:
        return self.store.get(job_id).progress

    def cancel(self, job_id: str) -> None:
        self.store.request_cancel(job_id)

    def worker_args(self) -> list[str]:
        return ["ours", str(self.tmp), self.settings.queue_url or ""]


def run_our_worker(tmp: str, redis_url: str) -> None:
    from vtrack.config import Settings
    from vtrack.jobs.factory import open_store
    from vtrack.jobs.kinds import JobKind, register
    from vtrack.jobs.worker import WorkerPool
    from vtrack.pipelines.engine_cache import EngineCache
    from vtrack.pipelines.progress import Step

    def run(params, task_dir, engines, settings, progress) -> dict:  # noqa: ANN001
        touch(params["folder"], params["tag"])
        progress.start("w")
        progress.min_interval_s = 0.0
        work(params["seconds"], params["steps"], progress.callback("w"))
        progress.complete("w")
        return {}

    register(JobKind("bench_work", lambda: [Step("w", "Work")], run))
    settings = Settings(
        data_dir=Path(tmp) / "data",
        queue_url=redis_url or None,
        heartbeat_timeout_s=HEARTBEAT_S,
        max_attempts=2,
    )
    WorkerPool(open_store(settings), settings, EngineCache(settings), 1).start()
    signal.pause()


def huey_task(spec: str):  # noqa: ANN201 - (huey.Huey, its task)
    """The same Huey and task on both sides ("redis:URL" or "sqlite:PATH")."""
    from huey import RedisHuey, SqliteHuey

    kind, _, where = spec.partition(":")
    huey = RedisHuey("bench", url=where) if kind == "redis" else SqliteHuey(filename=where)

    def huey_work(seconds: float, steps: int, tag: str, folder: str) -> str:
        touch(folder, tag)
        work(seconds, steps, lambda _fraction: None)  # Huey has no progress channel
        return "done"

    return huey, huey.task(name="bench_work")(huey_work)


class Huey:
    """Huey: a task queue with SQLite and Redis storage behind one API."""

    def __init__(self, tmp: Path, redis_url: str | None) -> None:
        self.name = "huey redis" if redis_url else "huey sqlite"
        self.spec = f"redis:{redis_url}" if redis_url else f"sqlite:{tmp / 'huey.db'}"
        self.huey, self.task = huey_task(self.spec)
        self.tmp = tmp

    def enqueue(self, seconds: float, steps: int, tag: str) -> Any:
        return self.task(seconds, steps, tag, str(self.tmp)), tag

    def state(self, handle: Any) -> str:
        result, tag = handle
        if self.huey.result(result.id, preserve=True) is not None:
            return "complete"
        return "processing" if Path(self.tmp, f"started-{tag}").exists() else "pending"

    def progress(self, handle: Any) -> float | None:
        return None

    def cancel(self, handle: Any) -> None:
        handle[0].revoke()

    def worker_args(self) -> list[str]:
        return ["huey", self.spec]


def run_huey_worker(spec: str) -> None:
    from huey.consumer import Consumer

    huey, _ = huey_task(spec)
    Consumer(huey, workers=1, worker_type="thread", initial_delay=0.01, max_delay=0.1).run()


def rq_work(seconds: float, steps: int, tag: str, folder: str) -> str:
    from rq import get_current_job

    job = get_current_job()
    touch(folder, tag)

    def report(fraction: float) -> None:
        job.meta["progress"] = fraction
        job.save_meta()

    work(seconds, steps, report)
    return "done"


class RQ:
    """RQ: Redis only; a worker forks a work-horse per job."""

    def __init__(self, tmp: Path, redis_url: str) -> None:
        import redis
        from rq import Queue

        self.name = "rq redis"
        self.url = redis_url
        self.redis = redis.Redis.from_url(redis_url)
        self.queue = Queue("bench", connection=self.redis)
        self.tmp = tmp

    def enqueue(self, seconds: float, steps: int, tag: str) -> str:
        from rq import Retry

        job = self.queue.enqueue(
            "queue_backends.rq_work",
            seconds,
            steps,
            tag,
            str(self.tmp),
            retry=Retry(max=1),
            job_timeout=RQ_JOB_TIMEOUT_S,
        )
        return job.id

    def state(self, job_id: str) -> str:
        from rq.job import Job

        status = Job.fetch(job_id, connection=self.redis).get_status()
        status = str(getattr(status, "value", status))
        return {"finished": "complete", "started": "processing", "queued": "pending"}.get(
            status, status
        )

    def progress(self, job_id: str) -> float | None:
        from rq.job import Job

        return Job.fetch(job_id, connection=self.redis).get_meta().get("progress")

    def cancel(self, job_id: str) -> None:
        from rq.command import send_stop_job_command

        send_stop_job_command(self.redis, job_id)

    def worker_args(self) -> list[str]:
        return ["rq", self.url]


def run_rq_worker(url: str) -> None:
    import redis
    from rq import Queue, Worker

    connection = redis.Redis.from_url(url)
    interval = int(HEARTBEAT_S)
    Worker(
        [Queue("bench", connection=connection)],
        connection=connection,
        maintenance_interval=interval,
        worker_ttl=interval * 2,
        job_monitoring_interval=interval,
    ).work(logging_level="ERROR")


def done_counter(backend: Any):  # noqa: ANN202 - () -> int
    if isinstance(backend, Ours):
        return lambda: backend.store.count(("complete",))
    if isinstance(backend, Huey):
        return backend.huey.result_count
    from rq.registry import FinishedJobRegistry

    registry = FinishedJobRegistry(queue=backend.queue)
    return lambda: registry.count
