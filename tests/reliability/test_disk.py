"""Cleanup on shared storage removes expired tasks and leftovers, never a queued or running one."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from vtrack.jobs.cleanup import cleanup_expired
from vtrack.jobs.redis_store import RedisJobStore

from .conftest import Cluster, submit

pytestmark = pytest.mark.reliability


def test_cleanup_never_removes_a_running_job(
    cluster: Cluster, tiny_clip: Path, slow_clip: Path, summary: dict[str, str]
) -> None:
    cluster.ensure_workers(2)
    store = RedisJobStore(cluster.redis.url)
    with cluster.client() as client:
        done = submit(client, tiny_clip).json()["task_id"]
        assert cluster.wait(client, done)["status"] == "complete"
        running = submit(client, slow_clip).json()["task_id"]
        deadline = time.monotonic() + 30
        while store.get(running).status != "processing" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.get(running).status == "processing"
        stray = cluster.uploads / "leftover-from-a-crash"
        stray.mkdir()
        old = time.time() - 3 * 86400
        os.utime(stray, (old, old))

        # Two days on: everything finished is past the 24 h retention.
        removed = cleanup_expired(store, cluster.uploads, 24 * 3600, now=time.time() + 2 * 86400)
        assert done in removed and stray.name in removed and running not in removed
        assert not (cluster.uploads / done).exists() and store.get(done) is None
        assert client.get(f"/api/task/{done}").status_code == 404
        assert (cluster.uploads / running / "input.mp4").exists()

        final = cluster.wait(client, running)
        assert final["status"] == "complete"
        assert client.get(final["result"]["masked_video_url"]).status_code == 200
    summary["disk"] = (
        f"cleanup removed {len(removed) - 1} expired task(s) and 1 leftover folder; "
        "the running job kept its files and completed"
    )
