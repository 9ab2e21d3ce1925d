"""Corrective clicks change the error they were aimed at, not the rest of the mask."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.testing.robot_clicks import corrective_click
from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.base import PointPrompt
from vtrack.vision.embedded.click_sequence import corrected
from vtrack.vision.embedded.davis import davis_available, load_davis
from vtrack.vision.metrics import jaccard


def _object_with_blob() -> tuple[np.ndarray, np.ndarray]:
    """(the true object: a 60x60 square, the mask: the square plus a 20x20 blob below it)."""
    truth = np.zeros((200, 200), bool)
    truth[40:100, 70:130] = True
    mask = truth.copy()
    mask[100:120, 90:110] = True
    return truth, mask


def test_a_negative_click_removes_the_blob_not_half_the_object() -> None:
    truth, mask = _object_with_blob()
    # a candidate that overdoes it: it drops the blob and the lower half of the object, as one
    # connected piece with the blob
    candidate = truth.copy()
    candidate[70:100] = False
    out = corrected(mask, candidate, (100, 110, False))
    assert not out[110, 100]  # the click's spot is background now
    assert jaccard(out, truth) > 0.9, jaccard(out, truth)
    assert jaccard(candidate, truth) < 0.6  # what recomputing from all clicks gave


def test_a_positive_click_adds_the_missed_part_only() -> None:
    truth, _ = _object_with_blob()
    previous = truth.copy()
    previous[:, 100:] = False  # the right half was missed
    candidate = np.zeros_like(truth)
    candidate[20:180, 60:190] = True  # the new candidate floods far into the background
    out = corrected(previous, candidate, (115, 70, True))
    assert out[70, 115]
    assert out.sum() < 1.6 * truth.sum(), out.sum()
    assert jaccard(out, truth) > jaccard(candidate, truth)


def test_a_click_that_agrees_with_the_mask_changes_nothing() -> None:
    truth, mask = _object_with_blob()
    assert np.array_equal(corrected(mask, truth, (100, 70, True)), mask)
    assert np.array_equal(corrected(mask, truth, (10, 10, False)), mask)


@pytest.mark.skipif(not davis_available("bear"), reason="DAVIS data not present")
def test_corrective_clicks_on_real_footage_do_not_undo_the_first() -> None:
    """DAVIS bear and train, frame 0: before, the robot's negative second click took half the
    animal with it (J 0.88 -> 0.52, 0.81 -> 0.35)."""
    from vtrack.vision.embedded import EmbeddedSegmenter

    engine = EmbeddedSegmenter()
    for seq in ("bear", "train"):
        video, gts = load_davis(seq, max_frames=12)
        session = engine.start_session(video)
        x, y = farthest_interior_point(gts[0])
        pred = session.add_points(0, 1, [PointPrompt(x, y, True)]).masks[1]
        first = jaccard(pred, gts[0])
        for _ in range(2):
            pred = session.add_points(0, 1, [corrective_click(pred, gts[0])]).masks[1]
            assert jaccard(pred, gts[0]) > first - 0.05, seq
        session.close()


@pytest.mark.parametrize(("seq", "kind"), [("lucia", "person"), ("bear", "object")])
def test_a_corrected_person_stays_a_person(davis_clip, seq: str, kind: str) -> None:
    """A propagated mask given back to be corrected (no label) is recognised as the pose
    model's person when it is one, so the re-track keeps the person cues; an animal is not."""
    from vtrack.vision.embedded.person_segmenter import shared_person_segmenter
    from vtrack.vision.embedded.session import EmbeddedSession

    person = shared_person_segmenter()
    if not person.available:
        pytest.skip("mediapipe is not available here")
    video, gts = davis_clip(seq, 12)
    session = EmbeddedSession(video, person)
    session.add_mask(10, 1, gts[10])
    assert session.objects[1].kind == kind
    x, y = farthest_interior_point(gts[10])
    session.add_points(10, 1, [PointPrompt(x, y, True)])  # a correction click keeps the kind
    assert session.objects[1].kind == kind
