"""Frame 0's preparation on real footage: the first click finds its GrabCut done, same mask."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.config import Settings
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.base import PointPrompt
from vtrack.vision.embedded.davis import davis_available, load_davis


def _cuts(session) -> int:
    looks = session._clicks[0].looks
    return sum(1 for key in looks._memo if isinstance(key, tuple) and key[0] == "grabcut")


@pytest.mark.skipif(not davis_available("bear"), reason="DAVIS data not present")
def test_a_prepared_salient_object_is_not_cut_again_and_its_mask_is_unchanged() -> None:
    """The bear is the selfie map's salient component (not a person): preparing frame 0 cuts
    it, a click at its deepest point reuses that cut, and the mask is the one an unprepared
    session gives for the same click."""
    video, gts = load_davis("bear", max_frames=9)
    engine = EngineCache(Settings()).segmenter()
    click = [PointPrompt(*farthest_interior_point(gts[0]), True)]

    prepared = engine.start_session(video)
    prepared.prepare_frame(0)
    cut_ahead = _cuts(prepared)
    assert cut_ahead >= 1
    mask = prepared.add_points(0, 1, click).masks[1]
    assert prepared.objects[1].kind == "salient"
    assert _cuts(prepared) == cut_ahead  # the click's selfie cut was the prepared one

    fresh = engine.start_session(video)
    expected = fresh.add_points(0, 1, click).masks[1]
    assert np.array_equal(mask, expected)
    inter = np.count_nonzero(mask & gts[0])
    assert inter / np.count_nonzero(mask | gts[0]) > 0.7  # and it is the bear
    prepared.close()
    fresh.close()
