"""Point-to-track end to end through the API: contract, mask quality, playable output."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from vtrack.testing.scenes import Scene
from vtrack.vision.metrics import jaccard

from .conftest import upload, wait_done

STEP = {"id": str, "label": str, "status": str}


def assert_steps(steps: list[dict], ids: list[str]) -> None:
    assert [s["id"] for s in steps] == ids
    for step in steps:
        assert {k: type(v) for k, v in step.items()} == STEP


def read_masks(data: bytes) -> dict[int, np.ndarray]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {
            int(Path(n).stem): cv2.imdecode(np.frombuffer(zf.read(n), np.uint8), 0) > 127
            for n in zf.namelist()
        }


def test_track_point_contract_quality_and_output(
    client: TestClient, moving_clip: Path, moving_scene: Scene, settings
) -> None:
    x, y = moving_scene.click
    response = upload(
        client,
        moving_clip,
        "/api/track-point",
        prefer="respond-async",
        x=str(x * 100),
        y=str(y * 100),
        frame_idx="0",
    )
    assert response.status_code == 202, response.text
    body = response.json()
    task_id = body["task_id"]
    assert response.headers["location"] == f"/api/task/{task_id}"
    assert isinstance(task_id, str) and len(task_id) == 32
    assert body["masked_video_url"] == f"/uploads/{task_id}/masked_video.mp4"
    assert body["masks_url"] == f"/uploads/{task_id}/masks.zip"
    assert body["status"] in ("pending", "processing", "complete")
    assert_steps(body["processing_steps"], ["sam3", "track", "mask"])

    task = wait_done(client, task_id)
    assert task["status"] == "complete", task
    assert task["progress"] == 1.0 and task["error"] is None
    assert_steps(task["steps"], ["sam3", "track", "mask"])
    assert all(s["status"] == "complete" for s in task["steps"])
    # The label names the engine that really ran (never "SAM3" on a machine without it).
    assert task["steps"][0]["label"].startswith("Embedded")
    assert task["result"]["masked_video_url"] == body["masked_video_url"]

    masks = read_masks(client.get(body["masks_url"]).content)
    assert sorted(masks) == list(range(48))
    ious = [jaccard(masks[i], moving_scene.masks[i]) for i in range(48)]
    assert float(np.mean(ious)) >= 0.6, ious
    assert all(masks[i].any() for i in range(48))

    video = client.get(body["masked_video_url"])
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    path = settings.data_dir / "check.mp4"
    path.write_bytes(video.content)
    with av.open(str(path)) as container:
        v, a = container.streams.video[0], container.streams.audio[0]
        assert v.codec_context.name == "h264" and v.codec_context.pix_fmt == "yuv420p"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        assert len(frames) == 48
        video_s = float(v.duration * v.time_base)
        audio_s = float(a.duration * a.time_base)
        assert audio_s == pytest.approx(video_s, abs=0.05)
    # Red overlay: inside the object the red channel dominates.
    inside = frames[10][moving_scene.masks[10]].astype(int)
    assert (inside[:, 0] - inside[:, 1]).mean() > 60


@pytest.mark.parametrize(
    ("query", "prefer"),
    [("", None), ("?wait=true", None), ("?wait=true", "respond-async"), ("", "wait=5")],
)
def test_default_and_wait_true_give_the_synchronous_shape(
    client: TestClient, moving_clip: Path, moving_scene: Scene, query: str, prefer: str | None
) -> None:
    """No preference (the seed's client), or ?wait=true (which wins over the header): the
    answer comes when the job is done, every step complete and every URL live."""
    x, y = moving_scene.click
    response = upload(
        client,
        moving_clip,
        f"/api/track-point{query}",
        prefer=prefer,
        x=str(x * 100),
        y=str(y * 100),
        frame_idx="20",
    )
    assert response.status_code == 200, response.text
    assert "location" not in response.headers and "Prefer" in response.headers["vary"]
    body = response.json()
    assert body["status"] == "complete" and body["progress"] == 1.0
    assert all(s["status"] == "complete" for s in body["processing_steps"])
    assert client.get(body["masked_video_url"]).status_code == 200
    assert client.get(body["masks_url"]).status_code == 200
    assert body["frame_count"] == 48 and body["frames_with_object"] == 48


def test_wait_false_answers_at_once(client: TestClient, moving_clip: Path) -> None:
    response = upload(client, moving_clip, "/api/track-point?wait=false", x="50", y="50")
    assert response.status_code == 202
    assert "preference-applied" not in response.headers  # no Prefer header was sent
    assert wait_done(client, response.json()["task_id"])["status"] == "complete"


def test_sync_failure_is_an_http_error_with_the_reason(
    client: TestClient, moving_clip: Path
) -> None:
    """A job that fails answers the synchronous POST with the error's status and sentence."""
    response = upload(client, moving_clip, "/api/text-to-video", prompt="the giraffe")
    assert response.status_code == 422
    assert "giraffe" in response.json()["detail"]


def test_results_are_not_served_before_completion(client: TestClient, moving_clip: Path) -> None:
    body = upload(client, moving_clip, "/api/track-point", prefer="respond-async", x="50", y="50")
    body = body.json()
    # Cancel at once: the job never completes, so its URL must never serve a file.
    client.post(f"/api/task/{body['task_id']}/cancel")
    final = wait_done(client, body["task_id"])
    assert final["status"] in ("cancelled", "complete")
    if final["status"] == "cancelled":
        assert client.get(body["masked_video_url"]).status_code == 404


def test_events_stream_ends_with_terminal_state(
    client: TestClient, moving_clip: Path, moving_scene: Scene
) -> None:
    x, y = moving_scene.click
    body = upload(
        client,
        moving_clip,
        "/api/track-point",
        prefer="respond-async",
        x=str(x * 100),
        y=str(y * 100),
    ).json()
    import json

    seen = []
    with client.stream("GET", f"/api/task/{body['task_id']}/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
    assert seen[-1]["status"] == "complete"
    progress = [s["progress"] for s in seen]
    assert progress == sorted(progress)


def test_object_leaving_the_frame_has_no_mask_there_and_a_notice(
    client: TestClient, tmp_path: Path
) -> None:
    from vtrack.testing.make_clip import write_scene
    from vtrack.testing.scenes import visibility_scenes

    scene = visibility_scenes()[0]  # leaves through the right edge, comes back
    clip = write_scene(scene, tmp_path / "exit_return.mp4")
    x, y = scene.click
    body = upload(client, clip, "/api/track-point", x=str(x * 100), y=str(y * 100)).json()
    task = wait_done(client, body["task_id"])
    assert task["status"] == "complete", task
    masks = read_masks(client.get(body["masks_url"]).content)
    out = [i for i in range(len(scene.masks)) if not scene.masks[i].any()]
    assert out and not any(masks[i].any() for i in out), "a mask while the object is gone"
    assert all(masks[i].any() for i in range(len(masks) - 5, len(masks))), "not found again"
    assert task["result"]["frames_with_object"] < len(masks)
    notice = [n for n in task["notices"] if "out of view" in n]
    assert len(notice) == 1, task["notices"]
    # the gap named is the one in the masks (it starts when the last sliver of the object goes)
    first_gap = next(i for i in range(len(masks)) if not masks[i].any())
    assert abs(first_gap - out[0]) <= 2 and f"frames {first_gap}-" in notice[0], notice
