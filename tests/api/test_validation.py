"""Every kind of bad request gets a clear 4xx and leaves nothing behind on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from vtrack.api.app import create_app
from vtrack.config import Settings
from vtrack.media.encode import VideoWriter
from vtrack.testing.make_clip import damage_end

from .conftest import upload


def task_dirs(settings: Settings) -> list[Path]:
    return list(settings.uploads_dir.iterdir()) if settings.uploads_dir.exists() else []


def write_video(path: Path, width: int, height: int, frames: int, fps: float = 24) -> Path:
    with VideoWriter(path, width, height, fps) as writer:
        for i in range(frames):
            writer.write(np.full((height, width, 3), i % 255, np.uint8))
    return path


@pytest.mark.parametrize(
    ("content", "name", "status", "words"),
    [
        (b"", "empty.mp4", 400, "No video was uploaded"),
        (b"just some text, not a video at all\n" * 30, "notes.mp4", 415, "not a video"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "picture.png", 415, "not a video"),
    ],
)
def test_non_videos_are_rejected(
    client: TestClient,
    settings: Settings,
    tmp_path: Path,
    content: bytes,
    name: str,
    status: int,
    words: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    response = upload(client, path, "/api/track-point", x="50", y="50")
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert task_dirs(settings) == []


def test_truncated_mp4_is_rejected(
    client: TestClient, settings: Settings, moving_clip: Path, tmp_path: Path
) -> None:
    data = moving_clip.read_bytes()
    # Cut before the moov atom: the container cannot be opened, and its boxes show why.
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: data.index(b"moov") - 8])
    response = upload(client, cut, "/api/track-point", x="50", y="50")
    assert response.status_code == 400
    assert "cut off" in response.json()["detail"]
    assert task_dirs(settings) == []


def test_cut_off_upload_is_refused_or_taken_for_what_it_is(
    client: TestClient, settings: Settings, moving_clip: Path, tmp_path: Path
) -> None:
    """The first third of a faststart MP4: the index lists all 48 frames, the data stops."""
    data = moving_clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])
    response = upload(client, cut, "/api/track-point", x="50", y="50")
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert "cut off after 0:00." in detail and "upload the whole file" in detail, detail
    assert task_dirs(settings) == []
    # Asked for, the part that is there is processed, and the answer says what is missing.
    taken = upload(client, cut, "/api/track-point", x="50", y="50", accept_cut_off="true")
    assert taken.status_code == 200, taken.text
    body = taken.json()
    assert 8 <= body["frame_count"] <= 20, body["frame_count"]
    assert any("cut off after" in n and "of its 0:02" in n for n in body["notices"])
    masks = client.get(body["masks_url"])
    assert masks.status_code == 200


def test_damaged_end_is_refused_with_a_sentence(
    client: TestClient, moving_clip: Path, tmp_path: Path
) -> None:
    """Every packet is there, the last tenth of the data is garbage: refused, not frozen."""
    bad = tmp_path / "bad_end.mp4"
    bad.write_bytes(damage_end(moving_clip.read_bytes(), 0.1))
    response = upload(client, bad, "/api/track-point", x="50", y="50")
    assert 400 <= response.status_code < 500, response.text
    assert "damaged data" in response.json()["detail"]
    taken = upload(client, bad, "/api/track-point", x="50", y="50", accept_cut_off="true")
    assert taken.status_code == 200, taken.text
    assert taken.json()["frame_count"] == 48


def test_too_long_video_is_rejected_quickly(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    settings.max_duration_s = 10
    path = write_video(tmp_path / "long.mp4", 32, 32, 12 * 24)  # 12 s
    response = upload(client, path, "/api/track-point", x="50", y="50")
    assert response.status_code == 400
    assert "12.0 s long; the limit is 10 s" in response.json()["detail"]
    assert "VTRACK_MAX_DURATION_S" in response.json()["detail"]
    assert task_dirs(settings) == []


def test_upload_over_size_limit_is_413_and_cleaned(tmp_path: Path, moving_clip: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d", max_upload_mb=0.05)
    with TestClient(create_app(settings)) as client:
        response = upload(client, moving_clip, "/api/track-point", x="50", y="50")
        assert response.status_code == 413
        assert "limit" in response.json()["detail"]
        assert "VTRACK_MAX_UPLOAD_MB" in response.json()["detail"]
        assert task_dirs(settings) == []


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"x": "50"}, "'y' is required"),
        ({"x": "abc", "y": "50"}, "'x' must be a number"),
        ({"x": "150", "y": "50"}, "between 0 and 100"),
        ({"x": "50", "y": "-1"}, "between 0 and 100"),
        ({"x": "nan", "y": "50"}, "between 0 and 100"),
        ({"x": "50", "y": "50", "frame_idx": "999"}, "outside the video (frames 0-47)"),
        ({"x": "50", "y": "50", "frame_idx": "one"}, "whole number"),
        ({"points": "not json"}, "JSON list"),
        ({"points": '[{"x": 10, "y": 10, "positive": false}]'}, "positive click"),
    ],
)
def test_bad_fields_are_400(
    client: TestClient, settings: Settings, moving_clip: Path, fields: dict, words: str
) -> None:
    response = upload(client, moving_clip, "/api/track-point", **fields)
    assert response.status_code == 400, response.text
    assert words in response.json()["detail"]
    assert task_dirs(settings) == []


def test_not_multipart_is_415(client: TestClient) -> None:
    response = client.post(
        "/api/track-point", content=b"{}", headers={"content-type": "application/json"}
    )
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


def test_hostile_filename_never_becomes_a_path(
    client: TestClient, settings: Settings, moving_clip: Path
) -> None:
    response = upload(
        client, moving_clip, "/api/track-point", name="../../etc/pässwd\u202e.mp4", x="50", y="50"
    )
    assert response.status_code == 200
    task_dir = settings.uploads_dir / response.json()["task_id"]
    assert [p.name for p in task_dir.iterdir() if p.name.startswith("input")] == ["input.mp4"]
    assert not (settings.data_dir.parent / "etc").exists()


def test_frames_over_the_output_limit_are_rendered_at_it_with_a_notice(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    settings.output_max_width, settings.output_max_height = 640, 360
    path = write_video(tmp_path / "hd.mp4", 1280, 720, 6)
    response = upload(client, path, "/api/track-point", x="50", y="50")
    assert response.status_code == 200
    assert any("rendered at 640x360" in n for n in response.json()["notices"])


def test_unknown_task_and_file_paths_are_404(client: TestClient) -> None:
    assert client.get("/api/task/nope").status_code == 404
    for path in [
        "/uploads/abc/../../jobs.sqlite3",
        "/uploads/abc/%2e%2e%2fjobs.sqlite3",
        "/uploads/" + "a" * 32 + "/input.mp4",
        "/uploads/..%2f/x",
    ]:
        assert client.get(path).status_code == 404, path
