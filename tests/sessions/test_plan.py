"""Each frame follows the latest prompted frame at or before it: spans and passes of a propagation."""

from __future__ import annotations

import pytest

from vtrack.errors import InvalidInput
from vtrack.sessions.model import Prompt, Session, SessionRow, prompt_key
from vtrack.sessions.propagate import governed_spans, plan


def make_session(prompts: dict[int, list[int]], frame_count: int = 100) -> Session:
    meta = {
        "frame_count": frame_count,
        "fps": 25.0,
        "width": 64,
        "height": 48,
        "duration_s": frame_count / 25,
        "has_audio": False,
        "filename": "x.mp4",
        "source": "input.mp4",
    }
    items = {
        prompt_key(oid, f): Prompt(frame_idx=f, points=[{"x": 50, "y": 50}]).model_dump()
        for oid, frames in prompts.items()
        for f in frames
    }
    return Session.from_row(SessionRow(id="s", meta=meta, items=items))


def test_spans_run_from_each_prompt_to_the_next() -> None:
    assert governed_spans([0], 100) == {0: (0, 99)}
    assert governed_spans([40], 100) == {40: (0, 99)}
    assert governed_spans([50, 0], 100) == {0: (0, 49), 50: (50, 99)}
    # the frames before the first prompted frame follow it
    assert governed_spans([10, 20, 90], 100) == {10: (0, 19), 20: (20, 89), 90: (90, 99)}


def test_plan_covers_every_frame_once_per_object() -> None:
    session = make_session({1: [0, 60], 2: [30]})
    passes = plan(session, [1, 2], None, "both")
    for oid in (1, 2):
        covered = [
            f for p in passes if oid in p.spans for f in range(p.spans[oid][0], p.spans[oid][1] + 1)
        ]
        assert sorted(covered) == list(range(100))
    assert [(p.frame, p.direction) for p in passes] == [
        (0, "forward"),
        (30, "forward"),
        (30, "backward"),
        (60, "forward"),
    ]


def test_a_correction_reruns_only_its_own_frames() -> None:
    session = make_session({1: [0, 60]})
    passes = plan(session, [1], 60, "both")
    # a correction re-tracks the frames that follow it; those before it stay frame 0's
    assert [(p.frame, p.direction, p.spans) for p in passes] == [(60, "forward", {1: (60, 99)})]
    forward = plan(session, [1], 60, "forward")
    assert [(p.direction, p.spans) for p in forward] == [("forward", {1: (60, 99)})]
    backward = plan(session, [1], 60, "backward")
    assert [(p.direction, p.spans) for p in backward] == [("backward", {1: (60, 60)})]
    # the first prompted frame also governs the frames before it
    early = plan(make_session({1: [20, 60]}), [1], 20, "both")
    assert [(p.direction, p.spans) for p in early] == [
        ("forward", {1: (20, 59)}),
        ("backward", {1: (0, 19)}),
    ]


def test_a_start_frame_without_prompts_is_refused() -> None:
    with pytest.raises(InvalidInput, match="frame 7"):
        plan(make_session({1: [0]}), [1], 7, "both")
