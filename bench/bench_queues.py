"""Job queues side by side: the studio's own stores (SQLite, Redis) against Huey (SQLite, Redis)
and RQ (Redis), on what the studio needs from a job: throughput, a worker killed mid-job,
cancelling a running job, progress another process can read.

    pip install huey rq   # not dependencies of the studio; only this comparison needs them
    python bench/bench_queues.py [--jobs 200] [--json out.json]

Every worker is its own process (killed with SIGKILL, it and its children, as when a machine
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
sys.path.insert(0, str(HERE))
from queue_backends import (  # noqa: E402 - beside this script
    RQ,
    Huey,
    Ours,
    done_counter,
    run_huey_worker,
    run_our_worker,
    run_rq_worker,
)

CRASH_WAIT_S = 100.0


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
    done = done_counter(backend)
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
