"""A text prompt in a session: each instance found becomes an object whose mask is its prompt on
that frame, so clicks there correct it and propagation tracks it like a clicked one."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from fastapi.testclient import TestClient

from vtrack.sessions import rle
from vtrack.testing.robot_clicks import corrective_click
from vtrack.testing.scenes import Scene
from vtrack.vision.metrics import jaccard

from .conftest import click, open_session, propagate, read_events


def text(client: TestClient, sid: str, prompt: str, **body):
    return client.post(f"/api/sessions/{sid}/text", json={"prompt": prompt, **body})


def test_text_prompt_creates_objects_that_clicks_correct_and_propagation_tracks(
    client: TestClient, moving_clip: Path, moving_scene: Scene
) -> None:
    sid = open_session(client, moving_clip)["session_id"]
    answer = text(client, sid, "the moving object")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["audio"] is None  # it names no sound
    (found,) = body["objects"]  # the scene holds one moving thing
    k = body["frame_idx"]
    mask = rle.decode(found["mask"])
    assert found["object_id"] == 1 and found["frame_idx"] == k and found["area"] == mask.sum()
    # the embedded "moving" cue finds the object roughly (J 0.41 here): what the clicks are for
    found_j = jaccard(mask, moving_scene.masks[k])
    assert found_j > 0.3

    # the object is in the session with its mask as its prompt on that frame
    (obj,) = client.get(f"/api/sessions/{sid}").json()["objects"]
    assert obj["name"] == found["name"] and not obj["propagated"]
    assert obj["prompts"] == [{"frame_idx": k, "points": [], "box": None, "corrects": True}]
    stored = client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": k}).json()
    assert stored["masks"]["1"] == found["mask"]

    # the robot's click (deepest point of the largest error) corrects the text result there
    gt = moving_scene.masks[k]
    robot = corrective_click(mask, gt)
    assert robot is not None
    corrected = click(client, sid, [(robot.x, robot.y, robot.positive)], frame_idx=k)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["corrects"] is True
    # the engine changed the text mask (how well is the engine's business: on this scene its
    # correction of the text blob does not raise J)
    assert not np.array_equal(rle.decode(corrected.json()["mask"]), mask)

    # and a positive click just outside the shown mask grows it there
    ring = cv2.dilate(mask.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool) & ~mask
    ys, xs = np.nonzero(ring)
    px, py = xs[len(xs) // 2], ys[len(ys) // 2]
    points = [(robot.x, robot.y, robot.positive), ((px + 0.5) / 320, (py + 0.5) / 240, True)]
    grown_answer = click(client, sid, points, frame_idx=k)
    assert grown_answer.status_code == 200, grown_answer.text
    grown = rle.decode(grown_answer.json()["mask"])
    assert grown[py, px]

    frames, updates = read_events(client, propagate(client, sid)["task_id"])
    assert updates[-1]["status"] == "complete"
    assert sorted(f["frame_idx"] for f in frames) == list(range(len(moving_scene.frames)))
    assert np.array_equal(
        rle.decode(next(f for f in frames if f["frame_idx"] == k)["masks"]["1"]), grown
    )


def test_text_prompt_names_the_sound_to_render(client: TestClient, moving_clip: Path) -> None:
    sid = open_session(client, moving_clip)["session_id"]
    # found or not (the scene has no drummer), the prompt's sound is the render's audio
    drums = text(client, sid, "isolate drums")
    assert drums.status_code == 200 and drums.json()["audio"] == "stem:drums"
    assert "drums" in drums.json()["ai_response"]
    for obj in drums.json()["objects"]:
        client.delete(f"/api/sessions/{sid}/objects/{obj['object_id']}")
    body = text(client, sid, "karaoke").json()
    assert (body["objects"], body["audio"], body["frame_idx"]) == ([], "without:vocals", None)
    assert client.get(f"/api/sessions/{sid}").json()["objects"] == []


def test_text_prompt_bad_input(client: TestClient, moving_clip: Path, silent_clip: Path) -> None:
    sid = open_session(client, moving_clip)["session_id"]
    unknown = text(client, sid, "a unicorn")
    assert unknown.status_code == 422
    assert "unicorn" in unknown.json()["detail"] and unknown.json()["suggestions"]
    assert client.get(f"/api/sessions/{sid}").json()["objects"] == []
    assert text(client, sid, "").status_code == 400
    far = text(client, sid, "the person", frame_idx=10_000)
    assert far.status_code == 400 and "outside the video" in far.json()["detail"]
    assert text(client, "0" * 32, "the person").status_code == 404
    # no sound: a prompt that only names a sound has nothing to find
    quiet = open_session(client, silent_clip)["session_id"]
    nothing = text(client, quiet, "karaoke")
    assert nothing.status_code == 400 and "nothing to find" in nothing.json()["detail"]
