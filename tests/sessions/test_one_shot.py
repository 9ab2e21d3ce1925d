"""The seed's one-shot point-to-track is a session opened, prompted and propagated in one call:
its masks are the very masks a session makes from the same click, and they fit the truth."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from vtrack.testing.scenes import Scene, farthest_interior_point
from vtrack.vision.metrics import jaccard

from .conftest import click, open_session, propagate, wait_task


def _zip_masks(data: bytes) -> dict[int, np.ndarray]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {
            int(Path(name).stem): cv2.imdecode(np.frombuffer(zf.read(name), np.uint8), 0) > 127
            for name in zf.namelist()
        }


def _one_shot(client: TestClient, clip: Path, x: float, y: float, frame_idx: int) -> dict:
    with open(clip, "rb") as fh:
        answer = client.post(
            "/api/track-point",
            files={"video": (clip.name, fh, "video/mp4")},
            data={"x": str(x * 100), "y": str(y * 100), "frame_idx": str(frame_idx)},
        )
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("frame_idx", [0, 20])
def test_one_shot_masks_equal_a_sessions_masks(
    client: TestClient, moving_clip: Path, moving_scene: Scene, frame_idx: int
) -> None:
    n = len(moving_scene.frames)
    x, y = farthest_interior_point(moving_scene.masks[frame_idx])
    shot = _one_shot(client, moving_clip, x, y, frame_idx)
    assert shot["frame_count"] == n
    one_shot = _zip_masks(client.get(shot["masks_url"]).content)

    sid = open_session(client, moving_clip)["session_id"]
    assert click(client, sid, [(x, y, True)], frame_idx=frame_idx).status_code == 200
    task = propagate(client, sid)
    assert wait_task(client, task["task_id"])["status"] == "complete"
    session = _zip_masks(client.get(f"/api/sessions/{sid}/masks.zip").content)

    assert sorted(one_shot) == sorted(session) == list(range(n))
    differing = [i for i in range(n) if not np.array_equal(one_shot[i], session[i])]
    assert differing == []
    scores = [jaccard(one_shot[i], moving_scene.masks[i]) for i in range(n)]
    assert np.mean(scores) > 0.8 and min(scores) > 0.5
