"""Session state in both job stores (real SQLite, real redis-server) and its cleanup."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vtrack.config import Settings
from vtrack.jobs.cleanup import cleanup_expired_sessions
from vtrack.jobs.factory import JobBackend, open_store
from vtrack.testing.services import REDIS_SERVER, RedisServer


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (CI: apt-get install redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> JobBackend:
    url = None
    if request.param == "redis":
        url = request.getfixturevalue("redis_server").url
        import redis

        redis.Redis.from_url(url).flushdb()
    return open_store(Settings(data_dir=tmp_path / "data", queue_url=url))


def test_items_are_written_one_by_one(store: JobBackend) -> None:
    store.create_session("s1", {"frame_count": 3})
    assert store.set_session_item("s1", "prompt:1:0", {"frame_idx": 0, "points": []})
    assert store.set_session_item("s1", "prompt:1:5", {"frame_idx": 5})
    assert store.set_session_item("s1", "prompt:12:5", {"frame_idx": 5})
    assert store.set_session_item("s1", "object:1", {"name": "cat"})
    assert store.set_session_item("s1", "object:1", {"name": "dog"})  # replaced
    assert not store.set_session_item("nope", "object:1", {"name": "x"})
    row = store.get_session("s1")
    assert row is not None and row.meta == {"frame_count": 3}
    assert row.items == {
        "prompt:1:0": {"frame_idx": 0, "points": []},
        "prompt:1:5": {"frame_idx": 5},
        "prompt:12:5": {"frame_idx": 5},
        "object:1": {"name": "dog"},
    }
    # an object's prompts go, another object's with a longer id stay (prefix "prompt:1:")
    store.delete_session_items("s1", "prompt:1:")
    store.set_session_item("s1", "object:1", None)
    assert set(store.get_session("s1").items) == {"prompt:12:5"}
    assert store.session_ids() == {"s1"}
    store.delete_session("s1")
    assert store.get_session("s1") is None and store.session_ids() == set()


def test_cleanup_keeps_busy_and_fresh_sessions(store: JobBackend, tmp_path: Path) -> None:
    sessions_dir = tmp_path / "sessions"
    for sid in ("old", "busy", "fresh"):
        store.create_session(sid, {})
        (sessions_dir / sid).mkdir(parents=True)
    stray = sessions_dir / "stray"
    stray.mkdir()
    old_time = time.time() - 3600

    os.utime(stray, (old_time, old_time))
    job = store.create("session_propagate", {}, [])
    store.set_session_item("busy", f"busy:{job.id}", {"task_id": job.id, "kind": "x"})
    time.sleep(0.3)
    touched = time.time()
    store.set_session_item("fresh", "object:1", {})  # touched: its clock starts again
    removed = cleanup_expired_sessions(store, sessions_dir, 0.1, now=touched + 0.05)
    assert sorted(removed) == ["old", "stray"]
    assert store.session_ids() == {"busy", "fresh"}
    assert sorted(p.name for p in sessions_dir.iterdir()) == ["busy", "fresh"]
    # once its task ends, the busy session expires like the others
    store.request_cancel(job.id)
    later = time.time() + 3600
    assert sorted(cleanup_expired_sessions(store, sessions_dir, 60, now=later)) == [
        "busy",
        "fresh",
    ]
