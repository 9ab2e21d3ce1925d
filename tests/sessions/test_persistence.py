"""A session survives a restart: prompts in the job store (real SQLite, real redis-server), frames
and masks in the data dir; the engine session is a cache rebuilt by replaying the prompts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vtrack.api.app import create_app
from vtrack.config import Settings
from vtrack.testing.scenes import Scene
from vtrack.testing.services import REDIS_SERVER, RedisServer

from .conftest import click, open_session, propagate, wait_task


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (CI: apt-get install redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def durable_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "sqlite":
        return settings
    server: RedisServer = request.getfixturevalue("redis_server")
    import redis

    redis.Redis.from_url(server.url).flushdb()
    return settings.model_copy(update={"queue_url": server.url})


def all_masks(client: TestClient, sid: str, n: int) -> list[dict]:
    return [
        client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": i}).json()["masks"]
        for i in range(n)
    ]


def test_a_session_survives_a_restart(
    durable_settings: Settings, moving_clip: Path, moving_scene: Scene
) -> None:
    n = len(moving_scene.frames)
    x, y = moving_scene.click
    with TestClient(create_app(durable_settings)) as before:
        sid = open_session(before, moving_clip)["session_id"]
        first = click(before, sid, [(x, y, True)]).json()["mask"]
        assert click(before, sid, [(0.06, 0.06, True)], object_id=2).status_code == 200
        task = propagate(before, sid, object_ids=[1])
        assert wait_task(before, task["task_id"])["status"] == "complete"
        state = before.get(f"/api/sessions/{sid}").json()
        masks = all_masks(before, sid, n)

    # a new process: no engine session survives, only the durable state
    with TestClient(create_app(durable_settings)) as after:
        restored = after.get(f"/api/sessions/{sid}").json()
        assert restored.pop("expires_at") >= state.pop("expires_at")
        assert restored == state
        assert all_masks(after, sid, n) == masks
        # the same clicks again: the engine is rebuilt by replay and gives the same mask
        assert click(after, sid, [(x, y, True)]).json()["mask"] == first
        # propagating again from a rebuilt engine session gives the same masks
        task = propagate(after, sid, object_ids=[1])
        assert wait_task(after, task["task_id"])["status"] == "complete"
        assert all_masks(after, sid, n) == masks
        assert after.delete(f"/api/sessions/{sid}").status_code == 204
