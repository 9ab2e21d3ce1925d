"""kill -9 a worker mid-job: the job runs again elsewhere or fails with a reason, never half-served."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from vtrack.jobs.redis_store import RedisJobStore
from vtrack.jobs.store import JobStore
from vtrack.media.probe import probe_video
from vtrack.testing.services import start_api, start_worker

from .conftest import HEARTBEAT_TIMEOUT_S, Cluster, submit

pytestmark = pytest.mark.reliability
RESULT = "masked_video.mp4"


def wait_running(store, task_id: str, attempt: int, timeout_s: float = 60):
    """Until the job runs its `attempt`-th time and has reported some progress."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = store.get(task_id)
        if job.status == "processing" and job.attempts == attempt and job.progress > 0.05:
            return job
        assert not job.terminal, f"job ended before the kill: {job.status} {job.error}"
        time.sleep(0.05)
    raise AssertionError(f"job {task_id} never ran attempt {attempt}")


def kill_owner(cluster: Cluster, worker_name: str) -> None:
    pid = int(worker_name.split(":")[1])
    victim = next(w for w in cluster.workers if w.pid == pid)
    victim.kill9()
    cluster.workers.remove(victim)


def assert_not_served(client: httpx.Client, task_id: str) -> None:
    body = client.get(f"/api/task/{task_id}").json()
    assert body["status"] != "complete"
    assert client.get(f"/uploads/{task_id}/{RESULT}").status_code == 404


def test_killed_worker_job_is_retried_elsewhere(
    cluster: Cluster, slow_clip: Path, summary: dict[str, str]
) -> None:
    cluster.ensure_workers(2)
    store = RedisJobStore(cluster.redis.url)
    with cluster.client() as client:
        response = submit(client, slow_clip)
        assert response.status_code == 202, response.text
        task_id = response.json()["task_id"]
        job = wait_running(store, task_id, attempt=1)
        kill_owner(cluster, job.worker)
        killed_at = time.monotonic()
        assert_not_served(client, task_id)
        body = cluster.wait(client, task_id)
        recovered_s = time.monotonic() - killed_at
        assert body["status"] == "complete", body
        assert any("started again (attempt 2 of 2)" in n for n in body["notices"])
        assert store.get(task_id).attempts == 2
        video = client.get(f"/uploads/{task_id}/{RESULT}")
        assert video.status_code == 200
        out = cluster.tmp / "retried.mp4"
        out.write_bytes(video.content)
        assert probe_video(out).frame_count == probe_video(slow_clip).frame_count
    summary["crash (retry)"] = (
        f"worker kill -9 at {job.progress:.0%}: job requeued and completed on the other worker "
        f"({recovered_s:.1f} s after the kill, heartbeat timeout {HEARTBEAT_TIMEOUT_S:g} s), "
        "output complete"
    )


def test_job_killed_on_every_attempt_fails_with_reason(
    cluster: Cluster, slow_clip: Path, summary: dict[str, str]
) -> None:
    cluster.ensure_workers(2)
    store = RedisJobStore(cluster.redis.url)
    with cluster.client() as client:
        task_id = submit(client, slow_clip).json()["task_id"]
        kill_owner(cluster, wait_running(store, task_id, attempt=1).worker)
        assert_not_served(client, task_id)
        kill_owner(cluster, wait_running(store, task_id, attempt=2).worker)
        assert_not_served(client, task_id)
        # No worker is left: the API's own reaper must end the job.
        body = cluster.wait(client, task_id, timeout_s=30)
        assert body["status"] == "error"
        assert "stopped (crashed or was killed) 2 time(s)" in body["error"]
        assert client.get(f"/uploads/{task_id}/{RESULT}").status_code == 404
        assert sorted(p.name for p in (cluster.uploads / task_id).iterdir()) == ["input.mp4"]
    cluster.ensure_workers(2)
    summary["crash (exhausted)"] = (
        "worker killed on both attempts: job marked error with reason, partial outputs removed, "
        "404 on its result URL"
    )


def test_sqlite_worker_killed_while_api_runs(
    tmp_path: Path, slow_clip: Path, summary: dict[str, str]
) -> None:
    """The embedded store too: a separate `vtrack worker` dies, the API requeues its job."""
    env = {
        "VTRACK_DATA_DIR": str(tmp_path / "data"),
        "VTRACK_HEARTBEAT_TIMEOUT_S": str(HEARTBEAT_TIMEOUT_S),
        "VTRACK_VISION_ENGINE": "embedded",
    }
    api, base = start_api(env, tmp_path / "api.log", ["--no-workers"])
    first = start_worker(env, tmp_path / "w1.log")
    second = None
    try:
        store = JobStore(tmp_path / "data" / "jobs.sqlite3")
        with httpx.Client(base_url=base, timeout=30) as client:
            task_id = submit(client, slow_clip).json()["task_id"]
            wait_running(store, task_id, attempt=1)
            first.kill9()
            deadline = time.monotonic() + 20
            while store.get(task_id).status == "processing" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert store.get(task_id).status == "pending"  # requeued by the API's reaper
            second = start_worker(env, tmp_path / "w2.log")
            deadline = time.monotonic() + 90
            while not store.get(task_id).terminal and time.monotonic() < deadline:
                time.sleep(0.2)
            assert store.get(task_id).status == "complete"
            assert client.get(f"/uploads/{task_id}/{RESULT}").status_code == 200
    finally:
        for proc in (first, second, api):
            if proc is not None:
                proc.stop()
    summary["crash (sqlite)"] = (
        "separate worker kill -9: API requeued the job, next worker completed it"
    )
