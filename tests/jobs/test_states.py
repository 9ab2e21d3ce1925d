"""The job state machine: both stores make exactly the moves the transition table allows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vtrack.config import Settings
from vtrack.jobs.factory import JobBackend, open_store
from vtrack.jobs.states import TRANSITIONS, JobStatus, Transition
from vtrack.testing.services import REDIS_SERVER, RedisServer

needs_redis = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")
STATUSES = list(JobStatus)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path_factory.mktemp("redis-states"))
    yield server.url
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=needs_redis)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> JobBackend:
    url = None
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(url).flushdb()
    return open_store(Settings(data_dir=tmp_path / "data", queue_url=url))


def job_in(store: JobBackend, status: JobStatus) -> str:
    """A job brought to `status` through the store's own operations (worker "w")."""
    job = store.create("track_point", {"video": "input.mp4"}, [])
    if status == JobStatus.PENDING:
        return job.id
    if status == JobStatus.CANCELLED:
        store.request_cancel(job.id)
        return job.id
    assert store.claim_next("w").id == job.id
    if status == JobStatus.COMPLETE:
        store.finish(job.id, {"files": {}}, [], [], worker="w")
    elif status == JobStatus.ERROR:
        store.fail(job.id, "broken", 500, worker="w")
    return job.id


# Each operation of the store interface that makes a transition, and the transition it makes.
OPERATIONS: dict[str, tuple[Transition, Callable[[JobBackend, str], None]]] = {
    "claim": (TRANSITIONS["claim"], lambda s, _: s.claim_next("w2")),
    "finish": (TRANSITIONS["finish"], lambda s, i: s.finish(i, {"files": {}}, [], [], worker="w")),
    "fail": (TRANSITIONS["fail"], lambda s, i: s.fail(i, "x", 500, worker="w")),
    "stop": (TRANSITIONS["stop"], lambda s, i: s.fail(i, "x", 409, status="cancelled", worker="w")),
    "cancel": (TRANSITIONS["cancel"], lambda s, i: s.request_cancel(i)),
    "requeue": (TRANSITIONS["requeue"], lambda s, _: s.reap_stale(-1.0, 5, "gone")),
    "abandon": (TRANSITIONS["abandon"], lambda s, _: s.reap_stale(-1.0, 1, "gone")),
    "recover": (TRANSITIONS["abandon"], lambda s, _: s.recover_interrupted("restarted")),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("start", STATUSES, ids=str)
def test_every_move_is_one_the_table_allows(store: JobBackend, operation: str, start) -> None:
    transition, apply = OPERATIONS[operation]
    job_id = job_in(store, start)
    apply(store, job_id)
    now = store.get(job_id).status
    expected = transition.target if start in transition.sources else start
    assert now == expected, f"{operation} from {start}: {now}, the table says {expected}"
    # The status sets (what counts and the queue read) agree with the job itself.
    for status in STATUSES:
        assert store.count((status,)) == int(status == now), status


def test_a_workers_write_applies_only_while_it_runs_the_job(store: JobBackend) -> None:
    job_id = job_in(store, JobStatus.PROCESSING)
    store.finish(job_id, {"files": {}}, [], [], worker="someone-else")
    store.fail(job_id, "x", 500, worker="someone-else")
    assert store.get(job_id).status == JobStatus.PROCESSING
    store.finish(job_id, {"files": {}}, [], [], worker="w")
    assert store.get(job_id).status == JobStatus.COMPLETE


def test_cancel_of_a_running_job_is_a_request_it_reads_at_its_next_report(store) -> None:
    job_id = job_in(store, JobStatus.PROCESSING)
    assert store.request_cancel(job_id).status == JobStatus.PROCESSING
    assert store.update_progress(job_id, [], 0.5, [], worker="w") is True  # "stop now"
    store.fail(job_id, "Cancelled by the user.", 409, status="cancelled", worker="w")
    assert store.get(job_id).status == JobStatus.CANCELLED


def test_a_requeued_job_is_claimed_again(store: JobBackend) -> None:
    job_id = job_in(store, JobStatus.PROCESSING)
    assert store.reap_stale(-1.0, 5, "gone") == ([job_id], [])
    again = store.claim_next("w2")
    assert again.id == job_id and again.attempts == 2 and again.worker == "w2"
