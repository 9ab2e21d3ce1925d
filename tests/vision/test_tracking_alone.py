"""Tracking alone (the true first-frame mask as the prompt) on footage the tracker was not tuned
on: DAVIS holdout clips, scored, never tuned against (floors well under the measured); and one
tune clip that guards a mechanism chosen on it."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.vision.embedded import EmbeddedSegmenter
from vtrack.vision.metrics import sequence_scores


def _track_from_true_mask(davis_clip, seq: str, n: int) -> tuple[float, list[int]]:
    """J&F of tracking the first `n` frames forward from frame 0's true mask, and the frames
    where the mask is empty while the object is in view."""
    video, gts = davis_clip(seq, n)
    session = EmbeddedSegmenter().start_session(video)
    session.add_mask(0, 1, gts[0])
    preds = {fm.frame_index: fm.masks[1] for fm in session.propagate(direction="forward")}
    ordered: list[np.ndarray] = [preds[i] for i in range(len(video))]
    absent = [
        i for i, (p, g) in enumerate(zip(ordered, gts, strict=True)) if g.any() and not p.any()
    ]
    return sequence_scores(ordered, list(gts))["JF"], absent


@pytest.mark.parametrize(
    ("seq", "floor"),
    # measured J&F 0.83 and 0.87 over 30 frames; drift-turn (a small car under a fast pan,
    # where the flow drags the prior behind it) 0.64, 0.27 before the long-range re-search;
    # scooter-gray (the mask stays on a sign post the scooter passes) 0.58, 0.35 before the
    # keyframe re-check caught the drift
    [("car-turn", 0.75), ("stroller", 0.75), ("drift-turn", 0.45), ("scooter-gray", 0.45)],
)
def test_tracking_from_the_true_mask_holds_on_unseen_clips(
    davis_clip, seq: str, floor: float
) -> None:
    score, absent = _track_from_true_mask(davis_clip, seq, 30)
    assert score >= floor, score
    assert not absent, f"reported absent while in view on frames {absent}"


def test_a_mask_does_not_keep_growing_into_the_objects_reflection(davis_clip) -> None:
    """Tune boat (where the leak control by appearance was chosen, so in-sample): the mask grew
    into the reflection under the hull (J&F 0.53 over 30 frames); cut back to its clean view,
    0.64 (`clean_view.py`)."""
    score, _ = _track_from_true_mask(davis_clip, "boat", 30)
    assert score >= 0.58, score
