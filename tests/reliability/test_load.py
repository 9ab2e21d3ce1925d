"""20 concurrent jobs on two workers: all complete, the API stays responsive, any API sees them;
a full queue answers 503 with a clear message."""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from vtrack.testing.services import start_api

from .conftest import Cluster, submit

pytestmark = pytest.mark.reliability
N_JOBS = 20


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def test_twenty_concurrent_jobs(cluster: Cluster, tiny_clip: Path, summary: dict[str, str]) -> None:
    cluster.ensure_workers(2)
    latencies: list[float] = []
    errors: list[str] = []
    stop = threading.Event()

    def probe_health() -> None:
        with cluster.client(timeout=5) as client:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get("/api/health").status_code == 200
                except httpx.HTTPError as exc:
                    ok = False
                    errors.append(repr(exc))
                latencies.append((time.perf_counter() - started) * 1000)
                if not ok:
                    errors.append("health not 200")
                stop.wait(0.05)

    prober = threading.Thread(target=probe_health, daemon=True)
    prober.start()
    started = time.monotonic()
    try:
        with cluster.client() as client, ThreadPoolExecutor(N_JOBS) as pool:
            responses = list(pool.map(lambda _: submit(client, tiny_clip), range(N_JOBS)))
            assert [r.status_code for r in responses] == [202] * N_JOBS, responses[0].text
            ids = [r.json()["task_id"] for r in responses]
            queued_peak = max(r.json().get("status") == "pending" for r in responses)
            finals = [cluster.wait(client, task_id, timeout_s=150) for task_id in ids]
    finally:
        stop.set()
        prober.join(10)
    elapsed = time.monotonic() - started
    statuses = [f["status"] for f in finals]
    complete = statuses.count("complete")
    assert complete == N_JOBS, [(f["status"], f["error"]) for f in finals if f["error"]]
    assert not errors, errors[:5]
    health_p95 = p95(latencies)
    assert health_p95 < 200, f"health p95 {health_p95:.0f} ms"

    # Any API process sees the same state and serves the same results (shared Redis + storage).
    other, other_base = start_api(cluster.env, cluster.tmp / "api-2.log", ["--no-workers"])
    try:
        with httpx.Client(base_url=other_base, timeout=30) as client2:
            seen = [client2.get(f"/api/task/{task_id}").json()["status"] for task_id in ids]
            assert seen == ["complete"] * N_JOBS
            url = finals[0]["result"]["masked_video_url"]
            assert client2.get(url).status_code == 200
    finally:
        other.stop()
    summary["load"] = (
        f"{complete}/{N_JOBS} complete in {elapsed:.1f} s on 2 workers "
        f"(submitted at once, {'some' if queued_peak else 'none'} queued first); "
        f"health p95 {health_p95:.0f} ms, median {statistics.median(latencies):.0f} ms, "
        f"max {max(latencies):.0f} ms over {len(latencies)} probes; "
        "a second API process saw all 20 and served their files"
    )


def test_full_queue_is_503_with_a_clear_message(
    cluster: Cluster, tiny_clip: Path, summary: dict[str, str]
) -> None:
    # Its own Redis database and no workers, so jobs stay queued.
    env = {
        **cluster.env,
        "VTRACK_QUEUE_URL": cluster.redis.url[:-1] + "1",
        "VTRACK_DATA_DIR": str(cluster.tmp / "bounded-data"),
        "VTRACK_MAX_QUEUED_JOBS": "3",
    }
    api, base = start_api(env, cluster.tmp / "api-bounded.log", ["--no-workers"])
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            accepted = [submit(client, tiny_clip) for _ in range(3)]
            assert [r.status_code for r in accepted] == [202] * 3
            full = submit(client, tiny_clip)
            assert full.status_code == 503
            assert "too many jobs are waiting" in full.json()["detail"]
            assert len(list((cluster.tmp / "bounded-data" / "uploads").iterdir())) == 3
            # Cancelling a queued job frees its place.
            cancelled = client.post(f"/api/task/{accepted[0].json()['task_id']}/cancel").json()
            assert cancelled["status"] == "cancelled"
            assert submit(client, tiny_clip).status_code == 202
    finally:
        api.stop()
    summary["bounded queue"] = "limit 3: 4th submit 503 'too many jobs are waiting', no file kept"
