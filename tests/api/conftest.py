"""A real app (real worker thread, real SQLite) on a temporary data dir."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vtrack.api.app import create_app
from vtrack.config import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def upload(
    client: TestClient,
    path: Path,
    endpoint: str,
    name: str | None = None,
    prefer: str | None = None,
    **fields: str,
):
    """POST a workflow; by default the answer comes when the job is done (the seed's shape),
    with `prefer="respond-async"` at once (202, the job handle)."""
    headers = {"Prefer": prefer} if prefer else {}
    with open(path, "rb") as fh:
        return client.post(
            endpoint,
            files={"video": (name or path.name, fh, "video/mp4")},
            data=fields,
            headers=headers,
        )


def wait_done(client: TestClient, task_id: str, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/api/task/{task_id}").json()
        if body["status"] in ("complete", "error", "cancelled"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"task {task_id} did not finish in {timeout_s} s")
