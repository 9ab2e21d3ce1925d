"""The seed's own web client, call for call, against a real server with default settings.

It posts one multipart form per workflow with no headers of its own (the browser adds `Origin`,
its dev server being on http://localhost:8080), reads the result URLs and `ai_response` straight
from the POST's answer and fetches them at once; it never polls. Every URL it reads must work
the moment it reads it. The studio's own UI instead asks for the job handle with
`Prefer: respond-async` and follows the task; that flow is checked the same way.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from vtrack.testing.make_clip import write_scene
from vtrack.testing.scenes import Scene, composite_scene
from vtrack.testing.services import VtrackProcess, start_api

SEED_ORIGIN = "http://localhost:8080"  # the seed client's dev server (its vite.config.ts)
MEDIA = {".mp4": "video/mp4", ".wav": "audio/wav", ".zip": "application/zip"}


@pytest.fixture(scope="module")
def seed_scene() -> Scene:
    """Small (1 s, 192x144) but real: H.264 + AAC, a photo sprite over a panning photo."""
    return composite_scene("seed", n_frames=24, size=(192, 144), pan_px=16, seed=11)


@pytest.fixture(scope="module")
def seed_clip(seed_scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scene(seed_scene, tmp_path_factory.mktemp("seed-clip") / "clip.mp4")


@pytest.fixture(scope="module")
def server_and_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`vtrack serve` with nothing configured but where to keep its data."""
    tmp = tmp_path_factory.mktemp("seed-server")
    proc: VtrackProcess
    proc, base = start_api({"VTRACK_DATA_DIR": str(tmp / "data")}, tmp / "api.log")
    try:
        yield base, tmp / "data"
    finally:
        proc.stop()


@pytest.fixture(scope="module")
def server(server_and_data: tuple[str, Path]) -> str:
    return server_and_data[0]


def seed_post(client: httpx.Client, endpoint: str, clip: Path, **fields: str) -> httpx.Response:
    """What the seed's `api.ts` sends: FormData (video + string fields), no headers of its own."""
    with open(clip, "rb") as fh:
        return client.post(
            endpoint, files={"video": (clip.name, fh, "video/mp4")}, data=fields, timeout=300
        )


def assert_served(client: httpx.Client, url: str | None) -> None:
    """The URL works now: 200, the right media type, a non-empty body, readable cross-origin."""
    assert isinstance(url, str) and url.startswith("/uploads/"), url
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:200])
    assert response.headers["content-type"] == MEDIA[Path(url).suffix], url
    assert len(response.content) > 100, url
    assert response.headers.get("access-control-allow-origin") == SEED_ORIGIN


def assert_seed_answer(body: dict) -> None:
    """What the seed's Index.tsx relies on: steps complete (else no progress panel)."""
    steps = body["processing_steps"]
    assert steps and all(s["status"] in ("complete", "skipped") for s in steps), steps
    assert any(s["status"] == "complete" for s in steps)
    assert body["status"] == "complete"


def test_seed_client_sequence_with_default_settings(
    server: str, seed_clip: Path, seed_scene: Scene
) -> None:
    x, y = (f"{v * 100:.2f}" for v in seed_scene.click)
    with httpx.Client(base_url=server, headers={"Origin": SEED_ORIGIN}) as client:
        health = client.get("/api/health")
        assert health.status_code == 200
        assert health.headers["access-control-allow-origin"] == SEED_ORIGIN
        assert isinstance(health.json()["device"], str)  # the header badge

        track = seed_post(
            client, "/api/track-point", seed_clip, x=x, y=y, frame_idx="0", mode="fast"
        )
        assert track.status_code == 200, track.text
        assert track.headers["access-control-allow-origin"] == SEED_ORIGIN
        body = track.json()
        assert_seed_answer(body)
        assert_served(client, body["masked_video_url"])

        text = seed_post(client, "/api/text-to-video", seed_clip, prompt="drummer", mode="fast")
        assert text.status_code == 200, text.text
        body = text.json()
        assert_seed_answer(body)
        assert isinstance(body["ai_response"], str) and body["ai_response"].strip()
        assert_served(client, body["highlighted_video_url"])
        assert_served(client, body["audio_url"])  # getFileUrl(audio_url) has no null check

        # A prompt that names no sound: audio_url still plays (the seed's "other" fallback).
        visual = seed_post(client, "/api/text-to-video", seed_clip, prompt="the moving object")
        assert visual.status_code == 200, visual.text
        assert visual.json()["audio_url"].endswith("/other.wav")
        assert_served(client, visual.json()["audio_url"])

        remove = seed_post(
            client, "/api/remove-object", seed_clip, x=x, y=y, frame_idx="0", mode="fast"
        )
        assert remove.status_code == 200, remove.text
        assert_seed_answer(remove.json())
        assert_served(client, remove.json()["inpainted_video_url"])

        # Errors: the seed shows error.detail as is, so it must be one readable string.
        bad = seed_post(client, "/api/track-point", seed_clip, x="500", y="50")
        assert bad.status_code == 400 and "between 0 and 100" in bad.json()["detail"]


def test_async_flow_with_prefer_respond_async(server: str, seed_clip: Path, moving_scene) -> None:
    x, y = (f"{v * 100:.2f}" for v in moving_scene.click)
    headers = {"Origin": SEED_ORIGIN}
    with httpx.Client(base_url=server, headers=headers, timeout=30) as client:
        # A browser asks first whether it may send the Prefer header.
        preflight = client.options(
            "/api/track-point",
            headers={
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "prefer",
            },
        )
        assert preflight.status_code == 200
        assert "prefer" in preflight.headers["access-control-allow-headers"].lower()

        for endpoint, fields, keys in [
            ("/api/track-point", {"x": x, "y": y}, ("masked_video_url", "masks_url")),
            ("/api/text-to-video", {"prompt": "isolate drums"}, ("highlighted_video_url",)),
            ("/api/remove-object", {"x": x, "y": y}, ("inpainted_video_url",)),
        ]:
            with open(seed_clip, "rb") as fh:
                response = client.post(
                    endpoint,
                    files={"video": (seed_clip.name, fh, "video/mp4")},
                    data=fields,
                    headers={"Prefer": "respond-async"},
                )
            assert response.status_code == 202, response.text
            assert response.headers["preference-applied"] == "respond-async"
            body = response.json()
            location = response.headers["location"]
            assert location == f"/api/task/{body['task_id']}" == body["task_url"]
            assert "location" in response.headers["access-control-expose-headers"].lower()
            assert body["status"] in ("pending", "processing")
            # The URLs are announced up front but not served before the job is complete.
            for key in keys:
                assert body[key].startswith(f"/uploads/{body['task_id']}/")
            task = follow(client, location)
            assert task["status"] == "complete", task
            for key in keys:
                assert task["result"][key] == body[key]
                assert_served(client, task["result"][key])
            if endpoint == "/api/text-to-video":
                assert_served(client, task["result"]["audio_url"])


def follow(client: httpx.Client, location: str, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    task_id = location.rsplit("/", 1)[1]
    while time.monotonic() < deadline:
        # Not served before the task is complete, even though the name is known: a file that
        # answers means the task (read after it) is complete.
        early = client.get(f"/uploads/{task_id}/masks.zip").status_code
        task = client.get(location).json()
        assert early == 404 or task["status"] == "complete", (early, task["status"])
        if task["status"] in ("complete", "error", "cancelled"):
            return task
        time.sleep(0.2)
    raise AssertionError(f"{location} did not finish in {timeout_s} s")


def test_a_synchronous_client_that_hangs_up_cancels_its_job(
    server_and_data: tuple[str, Path], seed_clip: Path, seed_scene: Scene
) -> None:
    """It never learned the task id, so nobody could collect the result: the worker is freed."""
    import socket
    from urllib.parse import urlsplit

    from vtrack.jobs.store import JobStore

    base, data_dir = server_and_data
    store = JobStore(data_dir / "jobs.sqlite3")
    before = store.ids()
    x, y = (f"{v * 100:.2f}" for v in seed_scene.click)
    body = httpx.Request(
        "POST",
        base + "/api/remove-object",
        files={"video": ("clip.mp4", seed_clip.read_bytes(), "video/mp4")},
        data={"x": x, "y": y},
    )
    payload = body.read()
    url = urlsplit(base)
    head = (
        f"POST /api/remove-object HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Content-Type: {body.headers['content-type']}\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(head.encode() + payload)
        deadline = time.monotonic() + 30
        while not (store.ids() - before) and time.monotonic() < deadline:
            time.sleep(0.05)  # the job exists: the upload was taken
    (job_id,) = store.ids() - before
    deadline = time.monotonic() + 60
    while not store.get(job_id).terminal and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.get(job_id).status == "cancelled", store.get(job_id)
