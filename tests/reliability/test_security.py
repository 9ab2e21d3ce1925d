"""Multi-user basics: files only through their task's id and only inside its folder, the API key,
CORS locked to the configured origins."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from vtrack.api.app import create_app
from vtrack.config import Settings
from vtrack.jobs.redis_store import RedisJobStore

from .conftest import CORS_ORIGIN, Cluster, submit

pytestmark = pytest.mark.reliability


def raw_get(base: str, target: str) -> tuple[int, bytes]:
    """GET with the request target exactly as written (clients would normalise `..` away)."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data[9:12]), data.split(b"\r\n\r\n", 1)[-1]


def test_uploads_serve_nothing_outside_a_task(
    cluster: Cluster, tiny_clip: Path, tmp_path: Path, summary: dict[str, str]
) -> None:
    cluster.ensure_workers(2)
    with cluster.client() as client:
        body = submit(client, tiny_clip).json()
        task_id = body["task_id"]
        assert len(task_id) == 32 and int(task_id, 16) >= 0  # uuid4: 122 random bits
        assert cluster.wait(client, task_id)["status"] == "complete"
    good = f"/uploads/{task_id}/masked_video.mp4"
    assert raw_get(cluster.base, good)[0] == 200

    # A finished job whose folder is a symlink to somewhere else, and a result that is a symlink.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.mp4").write_bytes(b"root:x:0:0 secret")
    store = RedisJobStore(cluster.redis.url)
    linked = store.create("track_point", {"video": "input.mp4"}, [])
    store.claim_next("test")
    store.finish(linked.id, {"files": {"masked_video_url": "secret.mp4"}}, [], [], worker="test")
    (cluster.uploads / linked.id).symlink_to(outside, target_is_directory=True)
    (cluster.uploads / task_id / "passwd.mp4").symlink_to("/etc/passwd")

    attacks = [
        f"/uploads/{linked.id}/secret.mp4",
        f"/uploads/{task_id}/passwd.mp4",
        f"/uploads/{task_id}/input.mp4",  # the upload itself is not a result
        f"/uploads/{task_id}/../../../../etc/passwd",
        f"/uploads/{task_id}/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        f"/uploads/{task_id}/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"/uploads/{task_id}/%252e%252e%252fetc%252fpasswd",
        f"/uploads/{task_id}/..%5c..%5c..%5cetc%5cpasswd",
        f"/uploads/{task_id}%2F..%2F..%2Fetc/passwd",
        "/uploads/..%2F..%2F..%2Fetc/passwd",
        "/uploads/../../etc/passwd",
        f"/uploads/{task_id}/masked_video.mp4%00.txt",
        f"/uploads/{task_id}/.%2Fmasked_video.mp4",
        f"/uploads/{task_id.upper()}/masked_video.mp4",
        # a guessed id one digit away from the real one (never the real one itself)
        f"/uploads/{task_id[:-1]}{'1' if task_id.endswith('0') else '0'}/masked_video.mp4",
        "/uploads/%2e%2e/jobs.sqlite3",
        f"/uploads/{task_id}/",
        "/uploads/",
    ]
    served = []
    for target in attacks:
        status, content = raw_get(cluster.base, target)
        if status < 400 or b"root:" in content or b"secret" in content:
            served.append((target, status))
    assert served == []
    summary["uploads path tricks"] = (
        f"{len(attacks)} tricks (.., encoded and double-encoded slashes, backslashes, NUL, "
        "symlinked file, symlinked task folder, guessed ids): 0 served"
    )


@pytest.fixture
def keyed(tmp_path: Path) -> TestClient:
    settings = Settings(
        data_dir=tmp_path / "d",
        api_key="s3cret-key",
        cors_origins=[CORS_ORIGIN],
        cleanup_interval_s=3600,
    )
    with TestClient(create_app(settings, run_workers=False)) as client:
        yield client


def test_api_key_required_when_configured(
    keyed: TestClient, tiny_clip: Path, summary: dict[str, str]
) -> None:
    def post(**headers: str):
        with open(tiny_clip, "rb") as fh:
            return keyed.post(
                "/api/track-point",
                files={"video": ("a.mp4", fh, "video/mp4")},
                data={"x": "50", "y": "50"},
                headers={"Prefer": "respond-async", **headers},  # no workers in this app
            )

    assert post().status_code == 401
    assert post(**{"X-API-Key": "wrong"}).status_code == 401
    assert "API key" in post().json()["detail"]
    uploads = keyed.app.state.vtrack.settings.uploads_dir
    assert list(uploads.iterdir()) == []  # refused before a byte was stored
    assert post(**{"X-API-Key": "s3cret-key"}).status_code == 202
    assert post(Authorization="Bearer s3cret-key").status_code == 202
    assert keyed.get("/api/task/abc").status_code == 401
    assert keyed.get("/api/task/abc", headers={"X-API-Key": "s3cret-key"}).status_code == 404
    assert keyed.get("/uploads/abc/x.mp4").status_code == 401
    assert keyed.get("/api/health").status_code == 200  # for load balancers
    summary["api key"] = (
        "401 without/with a wrong key (nothing stored), 202 (accepted) with X-API-Key or Bearer"
    )


def test_cors_only_for_configured_origins(keyed: TestClient, summary: dict[str, str]) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "X-API-Key": "s3cret-key"}
    allowed = keyed.options("/api/track-point", headers={"Origin": CORS_ORIGIN, **preflight})
    assert allowed.headers.get("access-control-allow-origin") == CORS_ORIGIN
    other = keyed.options(
        "/api/track-point", headers={"Origin": "http://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in other.headers
    simple = keyed.get("/api/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in simple.headers
    summary["cors"] = (
        "preflight from the configured origin allowed; an unlisted origin gets no allow-origin"
    )
