"""RedisJobStore against a real redis-server, side by side with the SQLite JobStore."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vtrack.config import Settings
from vtrack.jobs.factory import JobBackend, open_store
from vtrack.jobs.kinds import KINDS, JobKind
from vtrack.jobs.store import JobStore
from vtrack.jobs.worker import WorkerPool, reap_dead_workers
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.progress import Step
from vtrack.testing.services import REDIS_SERVER, RedisServer

needs_redis = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (CI: apt-get install redis-server)"
)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (CI: apt-get install redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=needs_redis)])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[JobBackend, Settings]]:
    url = None
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        url = server.url
        import redis

        redis.Redis.from_url(url).flushdb()
    settings = Settings(data_dir=tmp_path / "data", queue_url=url, heartbeat_timeout_s=0.4)
    yield open_store(settings), settings


def new_job(store: JobBackend, settings: Settings, kind: str = "track_point") -> str:
    job = store.create(
        kind, {"video": "input.mp4"}, [{"id": "a", "label": "A", "status": "pending"}]
    )
    (settings.uploads_dir / job.id).mkdir(parents=True, exist_ok=True)
    (settings.uploads_dir / job.id / "input.mp4").write_bytes(b"x")
    return job.id


def test_open_store_picks_backend(backend: tuple[JobBackend, Settings]) -> None:
    store, settings = backend
    assert isinstance(store, JobStore) == (settings.queue_url is None)


def test_claim_is_exclusive_ordered_and_counted(backend) -> None:
    store, settings = backend
    first, second = new_job(store, settings), new_job(store, settings)
    assert store.count(("pending",)) == 2
    job = store.claim_next("w1")
    assert job is not None and job.id == first
    assert (job.status, job.worker, job.attempts) == ("processing", "w1", 1)
    assert store.claim_next("w2").id == second
    assert store.claim_next("w3") is None
    assert store.count(("pending",)) == 0 and store.count(("processing",)) == 2
    assert store.ids() == {first, second}


def test_concurrent_claims_never_double_run(backend) -> None:
    store, settings = backend
    made = {new_job(store, settings) for _ in range(30)}
    claimed: list[str] = []

    def take(name: str) -> None:
        while (job := store.claim_next(name)) is not None:
            claimed.append(job.id)

    threads = [threading.Thread(target=take, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(claimed) == sorted(made)


def test_progress_cancel_and_result_are_visible_from_another_store(backend) -> None:
    store, settings = backend
    other = open_store(settings)  # what a second API process would hold
    job_id = new_job(store, settings)
    job = store.claim_next("w1")
    steps = [{"id": "a", "label": "A", "status": "running"}]
    assert store.update_progress(job_id, steps, 0.5, ["n"], worker="w1") is False
    seen = other.get(job_id)
    assert seen.progress == 0.5 and seen.steps == steps and seen.notices == ["n"]
    assert other.request_cancel(job_id).cancel_requested
    assert store.update_progress(job_id, steps, 0.6, [], worker=job.worker) is True
    store.fail(job_id, "Cancelled by the user.", 409, steps, status="cancelled", worker="w1")
    assert other.get(job_id).status == "cancelled"
    assert other.count(("cancelled",)) == 1 and other.count(("processing",)) == 0


def test_cancel_pending_leaves_the_queue(backend) -> None:
    store, settings = backend
    job_id = new_job(store, settings)
    job = store.request_cancel(job_id)
    assert job.status == "cancelled" and job.error_code == 409
    assert store.claim_next("w") is None
    assert store.count(("pending",)) == 0


def test_finish_and_result_round_trip(backend) -> None:
    store, settings = backend
    job_id = new_job(store, settings)
    store.claim_next("w1")
    store.finish(job_id, {"files": {"masked_video_url": "m.mp4"}, "n": 3}, [], [], worker="w1")
    job = open_store(settings).get(job_id)
    assert job.status == "complete" and job.progress == 1.0 and job.result["n"] == 3
    assert job.finished_at is not None and job.terminal


def test_stale_job_is_requeued_then_failed_and_old_worker_cannot_write(backend) -> None:
    store, settings = backend
    job_id = new_job(store, settings)
    store.claim_next("dead-1")
    (settings.uploads_dir / job_id / "partial.mp4").write_bytes(b"half")
    time.sleep(0.5)
    requeued, ended = reap_dead_workers(store, settings)
    assert (requeued, ended) == ([job_id], [])
    job = store.get(job_id)
    assert job.status == "pending" and job.worker is None
    assert "started again (attempt 2 of 2)" in job.notices[-1]
    # The first run was only frozen, not dead: its late writes must not land.
    assert store.update_progress(job_id, [], 0.9, [], worker="dead-1") is True
    store.finish(job_id, {"files": {}}, [], [], worker="dead-1")
    assert store.get(job_id).status == "pending"

    assert store.claim_next("dead-2").attempts == 2
    time.sleep(0.5)
    assert reap_dead_workers(store, settings) == ([], [job_id])
    job = store.get(job_id)
    assert job.status == "error" and "stopped (crashed or was killed)" in job.error
    # Partial outputs of the dead run are gone; the upload stays.
    assert sorted(p.name for p in (settings.uploads_dir / job_id).iterdir()) == ["input.mp4"]


def test_heartbeat_keeps_a_live_job(backend) -> None:
    store, settings = backend
    job_id = new_job(store, settings)
    store.claim_next("alive")
    for _ in range(4):
        time.sleep(0.15)
        store.heartbeat([job_id], "alive")
    assert reap_dead_workers(store, settings) == ([], [])
    assert store.get(job_id).status == "processing"


def test_stale_cancelled_job_ends_cancelled(backend) -> None:
    store, settings = backend
    job_id = new_job(store, settings)
    store.claim_next("w")
    store.request_cancel(job_id)
    time.sleep(0.5)
    assert reap_dead_workers(store, settings) == ([], [job_id])
    assert store.get(job_id).status == "cancelled"


def test_expired_and_delete_spare_running_jobs(backend) -> None:
    store, settings = backend
    done, running = new_job(store, settings), new_job(store, settings)
    store.claim_next("w")
    store.finish(done, {"files": {}}, [], [], worker="w")
    store.claim_next("w")
    assert store.expired(time.time() + 10) == [done]
    store.delete(running)  # refused: still running
    store.delete(done)
    assert store.get(done) is None and store.get(running) is not None
    assert store.ids() == {running}


def _sleepy(params, task_dir, engines, settings, progress):
    for _ in range(int(params.get("ticks", 200))):
        time.sleep(0.02)
        progress.update("a", 0.5)
    (task_dir / "out.txt").write_text("done")
    return {"files": {"out": "out.txt"}}


@pytest.fixture
def sleepy_kind() -> Iterator[str]:
    KINDS["test_sleepy"] = JobKind("test_sleepy", lambda: [Step("a", "A")], _sleepy)
    yield "test_sleepy"
    KINDS.pop("test_sleepy", None)


def _wait_terminal(store: JobBackend, job_id: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job.terminal:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} stayed {store.get(job_id).status}")


def test_worker_pool_runs_cancels_and_times_out(backend, sleepy_kind: str) -> None:
    store, settings = backend
    settings = settings.model_copy(update={"job_timeout_s": 1.0, "heartbeat_timeout_s": 2.0})
    pool = WorkerPool(open_store(settings), settings, EngineCache(settings), n=2)
    pool.start()
    try:
        quick = store.create(sleepy_kind, {"video": "in.mp4", "ticks": 5}, [], job_id="q1" * 8)
        (settings.uploads_dir / quick.id).mkdir(parents=True)
        slow = store.create(sleepy_kind, {"video": "in.mp4", "ticks": 400}, [], job_id="s1" * 8)
        (settings.uploads_dir / slow.id).mkdir(parents=True)
        assert _wait_terminal(store, quick.id).status == "complete"
        timed_out = _wait_terminal(store, slow.id)
        assert timed_out.status == "error" and timed_out.error_code == 504
        assert "longer than 1 s" in timed_out.error
        assert not (settings.uploads_dir / slow.id / "out.txt").exists()

        cancel = store.create(sleepy_kind, {"video": "in.mp4", "ticks": 400}, [], job_id="c1" * 8)
        (settings.uploads_dir / cancel.id).mkdir(parents=True)
        deadline = time.monotonic() + 10
        while store.get(cancel.id).status != "processing" and time.monotonic() < deadline:
            time.sleep(0.02)
        store.request_cancel(cancel.id)
        assert _wait_terminal(store, cancel.id).status == "cancelled"
    finally:
        pool.stop()
