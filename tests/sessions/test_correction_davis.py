"""A correction on real footage helps: the robot user of bench/bench_sessions.py through the app
(3 clicks on frame 0, propagate, one corrective click on the worst frame, propagate from it).

Before the correction was taken click by click and re-tracked with the memory of frame 0's
prompt, it made J&F worse on 13 of 20 DAVIS tune sequences; soccerball was the worst of them
(0.878 -> 0.468: a negative click at the edge of the small ball made the re-cut drop most of
it, and the fresh re-track went on from there). The floors have margins well above the last
digit that other tracking work moves.
"""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from vtrack.sessions import rle
from vtrack.testing.robot_clicks import corrective_click
from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.embedded.davis import davis_available, davis_dir, load_davis
from vtrack.vision.metrics import jaccard, sequence_scores

from .conftest import click, open_session, propagate, wait_task

# the frames right after the corrected one, where a re-track from the correction shows first
_FOLLOWING = 8


def _masks(client: TestClient, sid: str, n: int) -> list[np.ndarray]:
    return [
        rle.decode(
            client.get(f"/api/sessions/{sid}/masks", params={"frame_idx": i}).json()["masks"]["1"]
        )
        for i in range(n)
    ]


def _robot(client: TestClient, seq: str) -> dict[str, float]:
    _, gts = load_davis(seq)
    n = len(gts)
    sid = open_session(client, davis_dir() / f"{seq}.mp4")["session_id"]
    points = [(*farthest_interior_point(gts[0]), True)]
    for _ in range(3):
        answer = click(client, sid, points)
        assert answer.status_code == 200, answer.text
        nxt = corrective_click(rle.decode(answer.json()["mask"]), gts[0])
        if len(points) == 3 or nxt is None:
            break
        points.append((nxt.x, nxt.y, nxt.positive))
    assert wait_task(client, propagate(client, sid)["task_id"])["status"] == "complete"
    before = _masks(client, sid, n)
    scores = sequence_scores(before, list(gts))
    worst = int(np.argmin(scores["J_frames"][1:])) + 1
    fix = corrective_click(before[worst], gts[worst])
    assert fix is not None
    answer = click(client, sid, [(fix.x, fix.y, fix.positive)], frame_idx=worst)
    assert answer.status_code == 200, answer.text
    corrected = rle.decode(answer.json()["mask"])
    task = propagate(client, sid, start_frame_idx=worst)
    assert wait_task(client, task["task_id"])["status"] == "complete"
    after = _masks(client, sid, n)
    assert all(np.array_equal(a, b) for a, b in zip(after[:worst], before[:worst], strict=True))
    scores_after = sequence_scores(after, list(gts))
    following = slice(worst + 1, worst + 1 + _FOLLOWING)
    return {
        "JF_before": scores["JF"],
        "JF_after": scores_after["JF"],
        "J_following_before": float(np.mean(scores["J_frames"][following])),
        "J_following_after": float(np.mean(scores_after["J_frames"][following])),
        "J_worst_before": scores["J_frames"][worst],
        "J_worst_after": jaccard(corrected, gts[worst]),
    }


@pytest.mark.skipif(not davis_available("breakdance-flare"), reason="DAVIS data not present")
def test_a_correction_on_a_holdout_clip_helps(client: TestClient) -> None:
    # measured: the corrected frame (28, the supporting leg missed) 0.46 -> 0.66, the 8 frames
    # after it 0.628 -> 0.666, J&F 0.697 -> 0.709. The first track is good here (0.697; 0.607
    # before detached unlike parts were dropped, when the worst frame was 16 and J&F rose to
    # 0.646): even the true mask on frame 28 re-tracked gives only 0.701 (bench/
    # eval_correction.py --part ceiling), so the J&F floor is "not worse". Before a re-search's
    # placement had to look like the object (`relocate.py`), the re-track moved the mask onto
    # the wall stones at frame 31: the 8 frames 0.628 -> 0.519, J&F 0.697 -> 0.661.
    got = _robot(client, "breakdance-flare")
    assert got["J_worst_after"] >= got["J_worst_before"] + 0.1, got
    assert got["J_following_after"] >= got["J_following_before"] + 0.015, got
    assert got["JF_after"] >= got["JF_before"], got


@pytest.mark.skipif(not davis_available("soccerball"), reason="DAVIS data not present")
def test_a_negative_click_at_a_small_objects_edge_does_not_lose_it(client: TestClient) -> None:
    # measured: the corrected frame 0.65 -> 0.66, J&F 0.878 -> 0.878 (before: 0.21 and 0.468)
    got = _robot(client, "soccerball")
    assert got["J_worst_after"] >= got["J_worst_before"] - 0.02, got
    assert got["JF_after"] >= got["JF_before"] - 0.01, got


@pytest.mark.skipif(not davis_available("flamingo"), reason="DAVIS data not present")
def test_a_negative_click_on_a_leak_removes_the_piece_that_moves_apart(client: TestClient) -> None:
    # measured: the corrected frame (42: the track took a second flamingo) 0.50 -> 0.78, J&F
    # 0.664 -> 0.769; before the motion split the click only carved a spot (0.50, 0.664)
    got = _robot(client, "flamingo")
    assert got["J_worst_after"] >= got["J_worst_before"] + 0.15, got
    assert got["JF_after"] >= got["JF_before"] + 0.05, got
