"""People as separate instances on real footage: touching people split, a click gets one person."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.testing.crowd import touching_pair
from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.embedded.people import find_people, person_at
from vtrack.vision.embedded.person_segmenter import shared_person_segmenter
from vtrack.vision.metrics import jaccard


@pytest.fixture(scope="module")
def person():
    segmenter = shared_person_segmenter()
    if not segmenter.available:
        pytest.skip(f"mediapipe is not installed: {segmenter.reason}")
    return segmenter


@pytest.fixture(scope="module")
def pair(davis_clip):
    """Two real people who overlap: DAVIS tennis's player pasted against lucia's walker."""
    lucia, lucia_gt = davis_clip("lucia", 1)
    tennis, tennis_gt = davis_clip("tennis", 1)
    return touching_pair(
        (np.asarray(lucia[0]), lucia_gt[0]), (np.asarray(tennis[0]), tennis_gt[0]), 0.2
    )


def _share(mask: np.ndarray, of: np.ndarray) -> float:
    return float((mask & of).sum()) / max(1, int(of.sum()))


def test_touching_people_are_two_instances(person, pair) -> None:
    people = find_people(person, pair.image)
    assert len(people) == 2
    for inst, gt, other in zip(people, pair.masks, pair.masks[::-1], strict=True):
        assert jaccard(inst.mask, gt) > 0.75  # measured 0.86 and 0.88
        assert _share(inst.mask, other) < 0.05  # never spreads onto the neighbour
        assert inst.landmarks is not None and inst.scale > 10
    assert not (people[0].mask & people[1].mask).any()


def test_click_on_one_person_gives_that_person_only(person, pair) -> None:
    h, w = pair.image.shape[:2]
    for gt, other in zip(pair.masks, pair.masks[::-1], strict=True):
        x, y = farthest_interior_point(gt)
        clicked = person_at(person, pair.image, int(x * w), int(y * h))
        assert clicked is not None
        assert jaccard(clicked.mask, gt) > 0.75
        assert _share(clicked.mask, other) < 0.05


def test_click_beside_people_is_no_person(person, pair) -> None:
    h, w = pair.image.shape[:2]
    assert person_at(person, pair.image, 5, h - 5) is None  # the path in the corner


def test_every_person_of_a_real_frame(person, davis_clip) -> None:
    video, gts = davis_clip("hockey", 1)
    image = np.asarray(video[0])[::2, ::2].copy()
    people = find_people(person, image)
    assert len(people) == 1
    assert jaccard(people[0].mask, gts[0][::2, ::2]) > 0.6
