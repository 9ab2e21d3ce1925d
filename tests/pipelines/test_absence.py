"""The out-of-view notice names the frames where the tracked object has no mask."""

from __future__ import annotations

import numpy as np

from vtrack.pipelines.absence import out_of_view_notice
from vtrack.pipelines.mask_store import MaskStore


def _store(visible: list[bool]) -> MaskStore:
    store = MaskStore(len(visible), 4, 4)
    for i, seen in enumerate(visible):
        mask = np.zeros((4, 4), bool)
        mask[1, 1] = seen
        store.set(i, mask)
    return store


def test_empty_runs_cover_unset_and_empty_frames() -> None:
    store = _store([True, False, False, True, False])
    assert store.empty_runs() == [(1, 2), (4, 4)]
    assert MaskStore(3, 2, 2).empty_runs() == [(0, 2)]  # never set reads back as empty


def test_notice_lists_the_gaps_with_times() -> None:
    visible = [True] * 10 + [False] * 25 + [True] * 5 + [False] + [True] * 9
    notice = out_of_view_notice(_store(visible), fps=25.0)
    assert notice is not None
    assert "out of view on 26 of 50 frames" in notice
    assert "frames 10-34 (0:00.4-0:01.4)" in notice and "frame 40" in notice


def test_no_notice_when_always_visible_and_a_hint_when_never() -> None:
    assert out_of_view_notice(_store([True] * 5), fps=24.0) is None
    never = out_of_view_notice(_store([False] * 5), fps=24.0)
    assert never is not None and "not found on any frame" in never


def test_many_gaps_are_counted_not_listed() -> None:
    visible = [True, False] * 6
    notice = out_of_view_notice(_store(visible), fps=24.0)
    assert notice is not None and "and 3 more gaps" in notice
