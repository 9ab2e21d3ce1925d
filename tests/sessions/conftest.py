"""Sessions through the real app: real worker thread, real SQLite (or Redis), real clips."""

from __future__ import annotations

import json
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


def open_session(client: TestClient, path: Path) -> dict:
    with open(path, "rb") as fh:
        response = client.post("/api/sessions", files={"video": (path.name, fh, "video/mp4")})
    assert response.status_code == 201, response.text
    return response.json()


def click(
    client: TestClient,
    session_id: str,
    points: list[tuple[float, float, bool]],
    frame_idx: int = 0,
    object_id: int = 1,
):
    """POST prompts with relative (x, y, positive) clicks; returns the response."""
    body = {
        "frame_idx": frame_idx,
        "object_id": object_id,
        "points": [{"x": x * 100, "y": y * 100, "positive": p} for x, y, p in points],
    }
    return client.post(f"/api/sessions/{session_id}/prompts", json=body)


def wait_task(client: TestClient, task_id: str, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/api/task/{task_id}").json()
        if body["status"] in ("complete", "error", "cancelled"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} did not finish in {timeout_s} s")


def read_events(client: TestClient, task_id: str) -> tuple[list[dict], list[dict]]:
    """The task's SSE stream until it ends: (frame events, task events)."""
    frames: list[dict] = []
    updates: list[dict] = []
    event = "message"
    with client.stream("GET", f"/api/task/{task_id}/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = json.loads(line.removeprefix("data: "))
                (frames if event == "frame" else updates).append(data)
                event = "message"
    return frames, updates


def propagate(client: TestClient, session_id: str, **body) -> dict:
    response = client.post(f"/api/sessions/{session_id}/propagate", json=body)
    assert response.status_code == 202, response.text
    return response.json()
