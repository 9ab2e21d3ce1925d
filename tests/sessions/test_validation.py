"""Bad input to the session endpoints: 404 for what does not exist, 400 with a sentence for what
is out of range, 409 for a prompt on an object being propagated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vtrack.api.app import create_app
from vtrack.config import Settings

from .conftest import click, open_session

GONE = "No such session (it may have expired and been cleaned up)."


@pytest.fixture
def idle_client(settings: Settings) -> Iterator[TestClient]:
    """No workers: a submitted task stays pending (running) for as long as the test needs."""
    with TestClient(create_app(settings, run_workers=False)) as test_client:
        yield test_client


@pytest.fixture
def sid(idle_client: TestClient, moving_clip: Path) -> str:
    return open_session(idle_client, moving_clip)["session_id"]


def prompt(client: TestClient, sid: str, **body):
    return client.post(f"/api/sessions/{sid}/prompts", json=body)


def detail(response) -> str:
    return response.json()["detail"]


def test_unknown_session_and_object_are_404(idle_client: TestClient, sid: str) -> None:
    for path in ("", "/masks?frame_idx=0", "/masks.zip", "/frames/0"):
        response = idle_client.get(f"/api/sessions/{'0' * 32}{path}")
        assert response.status_code == 404 and detail(response) == GONE
    point = {"frame_idx": 0, "object_id": 1, "points": [{"x": 50, "y": 50}]}
    assert prompt(idle_client, "../etc", **point).status_code == 404
    assert idle_client.delete(f"/api/sessions/{sid}/objects/3").status_code == 404
    assert detail(idle_client.delete(f"/api/sessions/{sid}/objects/3")) == (
        "No object 3 in this session."
    )
    response = idle_client.post(f"/api/sessions/{sid}/propagate", json={"object_ids": [4]})
    assert response.status_code == 404
    assert idle_client.delete(f"/api/sessions/{'0' * 32}").status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"frame_idx": 48, "object_id": 1, "points": [{"x": 50, "y": 50}]},
            "frame_idx 48 is outside the video (frames 0-47).",
        ),
        ({"frame_idx": 0, "object_id": 1, "points": [{"x": 101, "y": 50}]}, "'points' must be"),
        ({"frame_idx": 0, "object_id": 1, "points": [{"x": 5, "y": -1}]}, "'points' must be"),
        ({"frame_idx": 0, "object_id": 1, "points": []}, "Send at least one point"),
        ({"frame_idx": 0, "object_id": 1}, "Send at least one point"),
        (
            {"frame_idx": 0, "object_id": 1, "points": [{"x": 1, "y": 1}] * 33},
            "list of 1 to 32 clicks",
        ),
        (
            {"frame_idx": 0, "object_id": 0, "points": [{"x": 1, "y": 1}]},
            "'object_id' must be a whole number from 1 to 255.",
        ),
        (
            {"frame_idx": 0, "object_id": 1, "points": [{"x": 9, "y": 9, "positive": False}]},
            "The first click on an object must be a positive one",
        ),
        (
            {"frame_idx": 0, "object_id": 1, "box": [50, 50, 10, 60]},
            "The box must have x1 > x0 and y1 > y0.",
        ),
        ({"frame_idx": 0, "object_id": 1, "points": [], "colour": 1}, "Unknown field 'colour'."),
    ],
)
def test_out_of_range_prompts_are_400_with_a_sentence(
    idle_client: TestClient, sid: str, body: dict, message: str
) -> None:
    response = prompt(idle_client, sid, **body)
    assert response.status_code == 400, response.text
    assert message in detail(response)
    assert detail(response).endswith(".")


def test_bodies_that_are_not_json_objects(idle_client: TestClient, sid: str) -> None:
    url = f"/api/sessions/{sid}/prompts"
    assert detail(idle_client.post(url, content=b"{nope")) == "The request body is not valid JSON."
    assert detail(idle_client.post(url, json=[1])) == "The request body must be a JSON object."
    bad = idle_client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": 99})
    assert bad.status_code == 400 and "outside the video" in detail(bad)
    nothing = idle_client.post(f"/api/sessions/{sid}/propagate")
    assert nothing.status_code == 400
    assert detail(nothing) == "There is nothing to propagate yet: click an object first."


def test_prompt_while_propagating_is_409(idle_client: TestClient, sid: str) -> None:
    assert click(idle_client, sid, [(0.5, 0.5, True)]).status_code == 200
    assert click(idle_client, sid, [(0.1, 0.1, True)], object_id=2).status_code == 200
    task = idle_client.post(f"/api/sessions/{sid}/propagate", json={"object_ids": [1]})
    assert task.status_code == 202
    busy = click(idle_client, sid, [(0.5, 0.5, True)], frame_idx=10)
    assert busy.status_code == 409
    assert detail(busy).startswith("Object 1 is being propagated")
    again = idle_client.post(f"/api/sessions/{sid}/propagate", json={"object_ids": [1]})
    assert again.status_code == 409
    assert idle_client.delete(f"/api/sessions/{sid}/objects/1").status_code == 409
    assert idle_client.delete(f"/api/sessions/{sid}").status_code == 409
    # another object is free, and the session says who is busy
    assert click(idle_client, sid, [(0.1, 0.1, True)], object_id=2).status_code == 200
    state = idle_client.get(f"/api/sessions/{sid}").json()
    assert [o["propagating"] for o in state["objects"]] == [True, False]
    assert state["tasks"][0]["task_id"] == task.json()["task_id"]
    # once the task ends (cancelled while pending), the object takes prompts again
    idle_client.post(f"/api/task/{task.json()['task_id']}/cancel")
    assert click(idle_client, sid, [(0.5, 0.5, True)], frame_idx=10).status_code == 200


def test_a_start_frame_without_prompts_and_bad_render_fields(
    idle_client: TestClient, sid: str
) -> None:
    assert click(idle_client, sid, [(0.5, 0.5, True)]).status_code == 200
    url = f"/api/sessions/{sid}"
    bad_start = idle_client.post(f"{url}/propagate", json={"start_frame_idx": 5})
    assert bad_start.status_code == 400 and "frame 5" in detail(bad_start)
    bad_way = idle_client.post(f"{url}/propagate", json={"direction": "sideways"})
    assert bad_way.status_code == 400
    for body, message in (
        ({"effect": "sparkle"}, "'effect'"),
        ({"audio": "louder"}, "'audio'"),
        ({"effect": "background", "background": "red"}, "'background'"),
    ):
        response = idle_client.post(f"{url}/render", json=body)
        assert response.status_code == 400 and message in detail(response), response.text


def test_objects_per_session_are_capped(settings: Settings, moving_clip: Path) -> None:
    capped = settings.model_copy(update={"session_max_objects": 2})
    with TestClient(create_app(capped, run_workers=False)) as client:
        sid = open_session(client, moving_clip)["session_id"]
        codes = [
            click(client, sid, [(0.5, 0.5, True)], object_id=oid).status_code for oid in (1, 2, 3)
        ]
        assert codes == [200, 200, 400]
        # an existing object still takes prompts
        assert click(client, sid, [(0.4, 0.5, True)], object_id=2).status_code == 200


def test_uploads_are_validated_like_the_workflows(idle_client: TestClient, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with open(junk, "rb") as fh:
        response = idle_client.post("/api/sessions", files={"video": ("junk.mp4", fh, "video/mp4")})
    assert response.status_code == 415
    sessions_dir = idle_client.app.state.vtrack.settings.sessions_dir
    assert list(sessions_dir.iterdir()) == []  # nothing left behind
    empty = idle_client.post("/api/sessions", files={"other": ("a.txt", b"x", "text/plain")})
    assert empty.status_code == 400
