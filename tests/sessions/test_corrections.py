"""A correction on frame k: its clicks correct the mask shown there, and propagating from k
rewrites only the frames k governs (from k on: each frame follows the latest prompted frame
at or before it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from vtrack.sessions import rle
from vtrack.testing.scenes import Scene
from vtrack.vision.metrics import jaccard

from .conftest import click, open_session, propagate, read_events, wait_task


def masks_of(client: TestClient, sid: str, n: int) -> list[dict]:
    return [
        client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": i}).json()["masks"]["1"]
        for i in range(n)
    ]


def test_correction_changes_only_the_frames_it_governs(
    client: TestClient, moving_clip: Path, moving_scene: Scene
) -> None:
    n = len(moving_scene.frames)
    sid = open_session(client, moving_clip)["session_id"]
    x, y = moving_scene.click
    assert click(client, sid, [(x, y, True)]).status_code == 200
    assert wait_task(client, propagate(client, sid)["task_id"])["status"] == "complete"
    before = masks_of(client, sid, n)

    # a negative click on frame 30, inside the shown mask near its lower edge: a correction
    k = 30
    shown = rle.decode(before[k])
    ys, xs = np.nonzero(shown)
    low = ys.max() - 4
    cx = int(np.median(xs[ys == low]))
    answer = click(client, sid, [(cx / 320, low / 240, False)], frame_idx=k)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["corrects"] is True
    corrected = rle.decode(body["mask"])
    assert not corrected[low, cx]  # the negative click is honoured
    assert jaccard(corrected, shown) > 0.7  # the rest of the shown mask stays
    state = client.get(f"/api/sessions/{sid}").json()["objects"][0]
    assert [p["frame_idx"] for p in state["prompts"]] == [0, k]
    assert state["prompts"][1]["corrects"] is True and state["propagated"] is False

    task = propagate(client, sid, start_frame_idx=k)
    frames, updates = read_events(client, task["task_id"])
    assert updates[-1]["status"] == "complete"
    # frames 30-47 follow the correction; 0-29 still follow frame 0's click
    assert sorted(f["frame_idx"] for f in frames) == list(range(k, n))
    after = masks_of(client, sid, n)
    assert after[:k] == before[:k]  # governed by frame 0: untouched
    assert np.array_equal(rle.decode(after[k]), corrected)
    assert client.get(f"/api/sessions/{sid}").json()["objects"][0]["propagated"] is True
