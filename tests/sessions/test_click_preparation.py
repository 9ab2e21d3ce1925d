"""Frame 0's preparation on real footage: the first click there computes no frame look, and its
mask is the one an unprepared session gives."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.config import Settings
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.base import PointPrompt
from vtrack.vision.embedded.davis import davis_available, load_davis


@pytest.mark.skipif(not davis_available("bear"), reason="DAVIS data not present")
def test_a_prepared_frame_gives_the_first_click_everything_it_looks_at() -> None:
    """The bear is the selfie map's salient object (not a person): its click looks at the pose,
    the selfie maps, the person instances and the camera motion, all prepared, and the mask is
    the same as without the preparation (and it is the bear)."""
    video, gts = load_davis("bear", max_frames=9)
    engine = EngineCache(Settings()).segmenter()
    click = [PointPrompt(*farthest_interior_point(gts[0]), True)]

    prepared = engine.start_session(video)
    prepared.prepare_frame(0)
    looks = prepared._clicks[0].looks
    ready = set(looks._memo)
    assert {"pose", "person_probability", "people_probability", "people"} <= ready
    mask = prepared.add_points(0, 1, click).masks[1]
    assert prepared.objects[1].kind == "salient"
    assert set(looks._memo) == ready  # the click computed no look of its own

    fresh = engine.start_session(video)
    expected = fresh.add_points(0, 1, click).masks[1]
    assert np.array_equal(mask, expected)
    assert np.count_nonzero(mask & gts[0]) / np.count_nonzero(mask | gts[0]) > 0.7
    prepared.close()
    fresh.close()
