"""A real scaled-out studio for the reliability suite: redis-server, an API and two workers, each
its own process on loopback, sharing one data dir; the counts are printed at the end of the run."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from vtrack.testing.make_clip import write_scene
from vtrack.testing.scenes import composite_scene
from vtrack.testing.services import (
    REDIS_SERVER,
    RedisServer,
    VtrackProcess,
    start_api,
    start_worker,
)

SUMMARY: dict[str, str] = {}
CORS_ORIGIN = "http://studio.example"
HEARTBEAT_TIMEOUT_S = 2.0


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 - pytest hook
    if SUMMARY:
        terminalreporter.section("reliability summary")
        for name, line in SUMMARY.items():
            terminalreporter.write_line(f"{name}: {line}")


@pytest.fixture(scope="session")
def summary() -> dict[str, str]:
    return SUMMARY


@dataclass
class Cluster:
    """API + workers on one Redis; `data_dir` is the shared storage every process points at."""

    tmp: Path
    redis: RedisServer
    data_dir: Path
    env: dict[str, str]
    api: VtrackProcess | None = None
    base: str = ""
    workers: list[VtrackProcess] = field(default_factory=list)
    _n: int = 0

    @property
    def uploads(self) -> Path:
        return self.data_dir / "uploads"

    def start_worker(self) -> VtrackProcess:
        self._n += 1
        worker = start_worker(self.env, self.tmp / f"worker{self._n}.log")
        self.workers.append(worker)
        return worker

    def ensure_workers(self, n: int = 2) -> None:
        self.workers = [w for w in self.workers if w.proc.poll() is None]
        while len(self.workers) < n:
            self.start_worker()

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.base, **{"timeout": 30, **kwargs})

    def wait(self, client: httpx.Client, task_id: str, timeout_s: float = 90) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            body = client.get(f"/api/task/{task_id}").json()
            if body["status"] in ("complete", "error", "cancelled"):
                return body
            time.sleep(0.2)
        raise AssertionError(f"task {task_id} did not finish in {timeout_s} s")

    def stop(self) -> None:
        for proc in [*self.workers, *([self.api] if self.api else [])]:
            proc.stop()
        self.redis.stop()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (CI: apt-get install redis-server)")
    tmp = tmp_path_factory.mktemp("cluster")
    redis = RedisServer(tmp / "redis")
    data_dir = tmp / "shared-data"
    env = {
        "VTRACK_DATA_DIR": str(data_dir),
        "VTRACK_QUEUE_URL": redis.url,
        "VTRACK_HEARTBEAT_TIMEOUT_S": str(HEARTBEAT_TIMEOUT_S),
        "VTRACK_MAX_ATTEMPTS": "2",
        "VTRACK_UPLOAD_IDLE_TIMEOUT_S": "1",
        "VTRACK_UPLOAD_TOTAL_TIMEOUT_S": "4",
        "VTRACK_MAX_QUEUED_JOBS": "64",
        # The hostile-upload cases sit just past these limits (101 MB, 11 s, 1440 frames).
        "VTRACK_MAX_UPLOAD_MB": "100",
        "VTRACK_MAX_DURATION_S": "10",
        "VTRACK_MAX_FRAMES": "1200",
        "VTRACK_CLEANUP_INTERVAL_S": "3600",
        "VTRACK_CORS_ORIGINS": json.dumps([CORS_ORIGIN]),
        "VTRACK_VISION_ENGINE": "embedded",
    }
    running = Cluster(tmp=tmp, redis=redis, data_dir=data_dir, env=env)
    try:
        running.api, running.base = start_api(env, tmp / "api.log", ["--no-workers"])
        running.ensure_workers(2)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """160x120, 12 frames: a job that takes well under a second of CPU."""
    scene = composite_scene("tiny", n_frames=12, size=(160, 120), pan_px=8, seed=3)
    return write_scene(scene, tmp_path_factory.mktemp("rclips") / "tiny.mp4", audio=False)


@pytest.fixture(scope="session")
def slow_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clip whose job runs for a few seconds, long enough to kill its worker mid-way."""
    scene = composite_scene("slow", n_frames=60, size=(320, 240), pan_px=40, seed=5)
    return write_scene(scene, tmp_path_factory.mktemp("rclips") / "slow.mp4")


def submit(client: httpx.Client, path: Path, **fields: str) -> httpx.Response:
    """Submit a track-point job and get its handle at once (202), as the studio's UI does."""
    fields = {"x": "50", "y": "50", **fields}
    with open(path, "rb") as fh:
        return client.post(
            "/api/track-point",
            files={"video": (path.name, fh, "video/mp4")},
            data=fields,
            headers={"Prefer": "respond-async"},
        )
