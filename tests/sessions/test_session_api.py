"""A session end to end over HTTP: upload once, click, propagate with streamed frames, read the
masks back; quality measured against the scene's exact ground truth."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import cv2
import numpy as np
from fastapi.testclient import TestClient

from vtrack.sessions import rle
from vtrack.testing.scenes import Scene
from vtrack.vision.metrics import jaccard

from .conftest import click, open_session, propagate, read_events, wait_task


def test_click_preview_propagate_stream_and_masks(
    client: TestClient, moving_clip: Path, moving_scene: Scene
) -> None:
    info = open_session(client, moving_clip)
    sid = info["session_id"]
    n = len(moving_scene.frames)
    assert info["status"] == "ready"
    assert (info["frame_count"], info["width"], info["height"]) == (n, 320, 240)
    assert info["has_audio"] is True and info["fps"] == 24
    assert info["expires_at"] > info["created_at"]

    # the preview: that object's mask on that frame, right away
    x, y = moving_scene.click
    answer = click(client, sid, [(x, y, True)])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["object_id"], body["frame_idx"], body["corrects"]) == (1, 0, False)
    preview = rle.decode(body["mask"])
    assert preview.shape == (240, 320) and body["area"] == preview.sum()
    assert jaccard(preview, moving_scene.masks[0]) > 0.85

    task = propagate(client, sid)
    assert task["kind"] == "session_propagate" and task["events_url"].endswith("/events")
    frames, updates = read_events(client, task["task_id"])
    assert updates[-1]["status"] == "complete"
    assert sorted(f["frame_idx"] for f in frames) == list(range(n))
    streamed = {f["frame_idx"]: rle.decode(f["masks"]["1"]) for f in frames}
    assert np.array_equal(streamed[0], preview)  # the prompted frame keeps the preview
    scores = [jaccard(streamed[i], moving_scene.masks[i]) for i in range(n)]
    assert np.mean(scores) > 0.8 and min(scores) > 0.5

    detail = client.get(f"/api/sessions/{sid}").json()
    (obj,) = detail["objects"]
    assert obj["object_id"] == 1 and obj["propagated"] and not obj["propagating"]
    assert obj["prompts"] == [
        {
            "frame_idx": 0,
            "points": [{"x": x * 100, "y": y * 100, "positive": True}],
            "box": None,
            "corrects": False,
        }
    ]
    one = client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": 30}).json()
    assert np.array_equal(rle.decode(one["masks"]["1"]), streamed[30])

    archive = client.get(f"/api/sessions/{sid}/masks.zip")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zf:
        assert len(zf.namelist()) == n
        png = cv2.imdecode(np.frombuffer(zf.read("00030.png"), np.uint8), cv2.IMREAD_UNCHANGED)
    assert set(np.unique(png)) <= {0, 255}  # one object: 0/255
    assert np.array_equal(png == 255, streamed[30])

    frame = client.get(f"/api/sessions/{sid}/frames/30")
    assert frame.headers["content-type"] == "image/jpeg"
    picture = cv2.imdecode(np.frombuffer(frame.content, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape == (240, 320, 3)
    expected = cv2.cvtColor(moving_scene.frames[30], cv2.COLOR_RGB2BGR).astype(float)
    assert np.abs(picture.astype(float) - expected).mean() < 8  # H.264 + JPEG, same picture


def test_points_replace_and_objects_are_separate(
    client: TestClient, moving_clip: Path, moving_scene: Scene
) -> None:
    sid = open_session(client, moving_clip)["session_id"]
    x, y = moving_scene.click
    first = rle.decode(click(client, sid, [(x, y, True)]).json()["mask"])
    # a background click as a second object
    other = click(client, sid, [(0.05, 0.05, True)], object_id=2).json()
    assert other["object_id"] == 2
    # resending the full list replaces the earlier clicks: a negative click on the object then
    # the same single click again gives back the first mask exactly
    cut = click(client, sid, [(x, y, True), (x, y + 0.08, False)]).json()
    assert not rle.decode(cut["mask"])[int((y + 0.08) * 240), int(x * 320)]
    again = rle.decode(click(client, sid, [(x, y, True)]).json()["mask"])
    assert np.array_equal(again, first)
    detail = client.get(f"/api/sessions/{sid}").json()
    assert [o["object_id"] for o in detail["objects"]] == [1, 2]
    assert [len(o["prompts"][0]["points"]) for o in detail["objects"]] == [1, 1]
    assert not any(o["propagated"] for o in detail["objects"])

    renamed = client.patch(
        f"/api/sessions/{sid}/objects/2", json={"name": "sky", "color": "#00ff00"}
    )
    assert renamed.status_code == 200
    assert renamed.json()["objects"][1]["name"] == "sky"
    gone = client.delete(f"/api/sessions/{sid}/objects/2")
    assert [o["object_id"] for o in gone.json()["objects"]] == [1]
    masks = client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": 0}).json()["masks"]
    assert list(masks) == ["1"]


def test_eight_objects_and_delete_session(client: TestClient, moving_clip: Path) -> None:
    sid = open_session(client, moving_clip)["session_id"]
    for oid in range(1, 9):
        x = 0.1 + 0.1 * (oid - 1)
        assert click(client, sid, [(x, 0.5, True)], object_id=oid).status_code == 200
    task = propagate(client, sid, direction="forward")
    done = wait_task(client, task["task_id"])
    assert done["status"] == "complete" and done["result"]["frames_tracked"] == 48
    one = client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": 47}).json()
    assert sorted(int(k) for k in one["masks"]) == list(range(1, 9))
    with zipfile.ZipFile(io.BytesIO(client.get(f"/api/sessions/{sid}/masks.zip").content)) as zf:
        labels = cv2.imdecode(np.frombuffer(zf.read("00000.png"), np.uint8), -1)
    assert set(np.unique(labels)) - {0} <= set(range(1, 9)) and len(np.unique(labels)) > 4

    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    assert client.get(f"/api/sessions/{sid}").status_code == 404
    assert not (client.app.state.vtrack.settings.sessions_dir / sid).exists()


def test_upload_prepares_frame_zero_for_the_first_click(
    client: TestClient, moving_clip: Path, moving_scene: Scene
) -> None:
    """The upload's answer comes once frame 0's engine session holds the click-independent
    cues, and the first click there uses that engine session, not a new one."""
    from vtrack.sessions.engine_sessions import engine_sessions

    info = open_session(client, moving_clip)
    sid = info["session_id"]
    cache = engine_sessions(client.app.state.vtrack.engines)
    with cache.borrow((sid, 0), lambda: None) as entry:  # type: ignore[arg-type,return-value]
        engine = entry.session
        shared = engine._clicks[0]
        assert shared.looks is not None and shared.cues is not None
    x, y = moving_scene.click
    assert click(client, sid, [(x, y, True)]).status_code == 200
    with cache.borrow((sid, 0), lambda: None) as entry:  # type: ignore[arg-type,return-value]
        assert entry.session is engine and entry.session._clicks[0] is shared
