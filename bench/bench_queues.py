"""Job queues side by side: the studio's own stores (SQLite, Redis) against Huey (SQLite, Redis)
and RQ (Redis), on what the studio needs from a job: throughput, a worker killed mid-job,
cancelling a running job, progress another process can read.

    pip install huey rq   # not dependencies of the studio; only this comparison needs them
    python bench/bench_queues.py [--jobs 200] [--json out.json]

Every worker is its own process (killed with SIGKILL to its process group, as when a machine
goes away). A job sleeps `seconds` in `steps` slices and reports progress after each.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HEARTBEAT_S = 2.0  # ours: heartbeat timeout; RQ: worker TTL and maintenance interval alike
# RQ finds a job whose worker died only once the job's own timeout has passed (default 180 s):
# give it a tight one (the longest job here runs 6 s), or it would not be found in this run.
RQ_JOB_TIMEOUT_S = 10
CRASH_WAIT_S = 100.0


def touch(folder: str, tag: str) -> None:
    Path(folder, f"started-{tag}").touch()


def work(seconds: float, steps: int, report) -> None:  # noqa: ANN001 - any callable
    for i in range(steps):
        time.sleep(seconds / steps)
        report((i + 1) / steps)


# ---- the back ends: each can enqueue, say where a job stands, cancel it, run a worker ---------


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
            "bench_queues.rq_work",
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


def _done_counter(backend: Any):  # noqa: ANN202 - () -> int
    if isinstance(backend, Ours):
        return lambda: backend.store.count(("complete",))
    if isinstance(backend, Huey):
        return backend.huey.result_count
    from rq.registry import FinishedJobRegistry

    registry = FinishedJobRegistry(queue=backend.queue)
    return lambda: registry.count


# ---- the scenarios -------------------------------------------------------------------------------


def start_worker(backend: Any, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, str(HERE / "bench_queues.py"), "--worker", *backend.worker_args()]
    with open(log, "ab") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def descendants(pid: int) -> list[int]:
    """Child processes, their children, ... (RQ's work-horse runs in a session of its own)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL to the worker and every process under it, as when its machine goes away."""
    for pid in [proc.pid, *descendants(proc.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


def wait_for(predicate, timeout_s: float, step_s: float = 0.02) -> float | None:  # noqa: ANN001
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if predicate():
            return time.monotonic() - start
        time.sleep(step_s)
    return None


def started(backend: Any, tag: str) -> bool:
    return Path(backend.tmp, f"started-{tag}").exists()


def throughput(backend: Any, n: int, log: Path) -> dict[str, Any]:
    """n no-op jobs on 2 worker processes, from the first enqueue to the last completion."""
    workers = [start_worker(backend, log) for _ in range(2)]
    done = _done_counter(backend)
    try:
        for i in range(2):  # warm-up: both workers up and taking jobs
            backend.enqueue(0.0, 1, f"warm{i}")
        assert wait_for(lambda: done() >= 2, 60), f"{backend.name}: workers did not start"
        begin = time.monotonic()
        for i in range(n):
            backend.enqueue(0.0, 1, f"t{i}")
        assert wait_for(lambda: done() >= n + 2, 300, 0.01), f"{backend.name}: jobs unfinished"
        seconds = time.monotonic() - begin
    finally:
        for worker in workers:
            kill(worker)
    return {"jobs": n, "seconds": round(seconds, 2), "jobs_per_s": round(n / seconds, 1)}


def crash(backend: Any, log: Path) -> dict[str, Any]:
    """Kill -9 the worker 0.5 s into a 4 s job; start another worker; what becomes of the job?"""
    first = start_worker(backend, log)
    handle = backend.enqueue(4.0, 20, "crash")
    assert wait_for(lambda: started(backend, "crash"), 60), f"{backend.name}: job never started"
    time.sleep(0.5)
    kill(first)
    second = start_worker(backend, log)
    try:
        waited = wait_for(
            lambda: backend.state(handle) not in ("pending", "processing"), CRASH_WAIT_S
        )
        state = backend.state(handle)
    finally:
        kill(second)
    if waited is None:
        return {
            "outcome": f"lost: still {state!r} {CRASH_WAIT_S:g} s after the kill",
            "seconds": None,
        }
    return {"outcome": state, "seconds": round(waited, 1)}


def cancel_running(backend: Any, log: Path) -> dict[str, Any]:
    """A 6 s job reporting progress 10x a second: read its progress, then cancel it at 1 s."""
    worker = start_worker(backend, log)
    handle = backend.enqueue(6.0, 60, "cancel")
    try:
        assert wait_for(lambda: started(backend, "cancel"), 60), f"{backend.name}: not started"
        seen = set()
        for _ in range(10):
            time.sleep(0.1)
            seen.add(backend.progress(handle))
        backend.cancel(handle)
        waited = wait_for(lambda: backend.state(handle) not in ("pending", "processing"), 15)
        state = backend.state(handle)
    finally:
        kill(worker)
    readable = len(seen - {None, 0.0})
    return {
        "progress_values_seen": readable,
        "after_cancel": state,
        "stopped_after_s": round(waited, 2) if waited is not None else None,
    }


BACKENDS = {
    "vtrack-sqlite": lambda tmp, url: Ours(tmp, None),
    "vtrack-redis": lambda tmp, url: Ours(tmp, url),
    "huey-sqlite": lambda tmp, url: Huey(tmp, None),
    "huey-redis": lambda tmp, url: Huey(tmp, url),
    "rq-redis": lambda tmp, url: RQ(tmp, url),
}


def compare(n: int, names: list[str]) -> list[dict[str, Any]]:
    from vtrack.testing.services import RedisServer

    rows = []
    with tempfile.TemporaryDirectory(prefix="vtrack-queues-") as tmp:
        redis = RedisServer(Path(tmp) / "redis")
        try:
            for make in (BACKENDS[name] for name in names):
                import redis as redis_py

                redis_py.Redis.from_url(redis.url).flushdb()
                for scenario in ("throughput", "crash", "cancel"):
                    folder = Path(tempfile.mkdtemp(dir=tmp))
                    backend = make(folder, redis.url)
                    log = folder / "worker.log"
                    if scenario == "throughput":
                        result = throughput(backend, n, log)
                    elif scenario == "crash":
                        result = crash(backend, log)
                    else:
                        result = cancel_running(backend, log)
                    rows.append({"backend": backend.name, "scenario": scenario, **result})
                    print(json.dumps(rows[-1]), flush=True)
        finally:
            redis.stop()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--json", help="write the rows here")
    parser.add_argument("--backends", nargs="+", choices=sorted(BACKENDS), default=list(BACKENDS))
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        {"ours": run_our_worker, "huey": run_huey_worker, "rq": run_rq_worker}[kind](*rest)
        return 0
    rows = compare(args.jobs, args.backends)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
