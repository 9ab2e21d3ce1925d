"""Click -> whole object: the superpixel graph, the motion field, the model, and floors on DAVIS."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.testing.robot_clicks import corrective_click
from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.base import PointPrompt
from vtrack.vision.embedded import EmbeddedSegmenter
from vtrack.vision.embedded.motion_field import motion_field
from vtrack.vision.embedded.objectness import MODEL_PATH, TreeEnsemble, load_trees
from vtrack.vision.embedded.objectness_features import FEATURES, click_features, frame_cues
from vtrack.vision.embedded.superpixels import region_graph, slic_labels
from vtrack.vision.metrics import jaccard


def test_region_graph_adjacency_and_geodesic() -> None:
    # three vertical stripes 0 | 1 | 2: only 0-1 and 1-2 touch
    labels = np.repeat(np.repeat(np.arange(3, dtype=np.int32)[None, :], 4, axis=1), 5, axis=0)
    g = region_graph(labels)
    assert g.n == 3
    assert g.pairs.tolist() == [[0, 1], [1, 2]]
    assert g.shared.tolist() == [5, 5]  # five rows of pixel pairs across each border
    assert np.allclose(g.area, 20)
    dist = g.geodesic(np.array([1.0, 2.0]), [0])
    assert np.allclose(dist, [0.0, 1.0, 3.0])
    assert np.allclose(g.mean(labels.astype(np.float32)), [0, 1, 2])


def test_motion_field_finds_what_moves_on_its_own() -> None:
    import cv2

    rng = np.random.default_rng(0)
    # smooth textures: optical flow needs gradients, not pixel noise
    background = cv2.GaussianBlur((rng.random((120, 160, 3)) * 255).astype(np.uint8), (0, 0), 2)
    background = cv2.normalize(background, None, 0, 255, cv2.NORM_MINMAX)
    square = cv2.GaussianBlur((rng.random((30, 30, 3)) * 255).astype(np.uint8), (0, 0), 2)
    square = cv2.normalize(square, None, 0, 255, cv2.NORM_MINMAX)
    a, b = background.copy(), background.copy()
    a[40:70, 40:70] = square
    b[40:70, 46:76] = square  # the square moves 6 px right, the "camera" stays
    field = motion_field(a, b)
    assert field is not None
    residual = np.linalg.norm(field.residual, axis=-1)
    assert np.median(residual[45:65, 45:65]) > 4.0
    assert np.median(residual[:, 100:]) < 1.0


def test_trees_evaluate_like_a_hand_built_stump() -> None:
    # one stump: feature 1 <= 0.5 -> leaf 1 (-2), else leaf 2 (+2); baseline 0.5
    stump = TreeEnsemble(
        baseline=0.5,
        feature=np.array([[1, 0, 0]]),
        threshold=np.array([[0.5, 0, 0]]),
        left=np.array([[1, 0, 0]]),
        right=np.array([[2, 0, 0]]),
        leaf=np.array([[False, True, True]]),
        value=np.array([[0.0, -2.0, 2.0]]),
        depth=1,
    )
    p = stump.probability(np.array([[9.0, 0.2], [9.0, 0.9]]))
    assert np.allclose(p, 1 / (1 + np.exp(-np.array([-1.5, 2.5]))))


def test_model_file_is_small_and_matches_the_features() -> None:
    assert MODEL_PATH.stat().st_size < 10 * 2**20
    trees = load_trees()
    assert trees is not None, "the click model must load with this code's feature list"
    image = np.zeros((60, 80, 3), np.uint8)
    image[20:40, 30:50] = (200, 40, 40)
    cues = frame_cues(image, region_graph(slic_labels(image)), [], None)
    seed = np.zeros(image.shape[:2], bool)
    seed[20:40, 30:50] = True
    x = click_features(cues, [(40, 30)], seed)
    assert x.shape == (cues.graph.n, len(FEATURES))
    assert np.isfinite(x).all()
    prob = trees.probability(x)
    inside = cues.graph.labels[30, 40]
    corner = cues.graph.labels[2, 2]
    assert prob[inside] > 0.5 > prob[corner]


def _click_j(seq: str, davis_clip, clicks: int = 1) -> list[float]:
    video, gts = davis_clip(seq, 12)
    session = EmbeddedSegmenter().start_session(video)
    x, y = farthest_interior_point(gts[0])
    pred = session.add_points(0, 1, [PointPrompt(x, y)]).masks[1]
    js = [jaccard(pred, gts[0])]
    for _ in range(clicks - 1):
        nxt = corrective_click(pred, gts[0])
        if nxt is None:
            break
        pred = session.add_points(0, 1, [nxt]).masks[1]
        js.append(jaccard(pred, gts[0]))
    session.close()
    return js


# frame-0 J from one click, measured 0.813 (train: the first mask is one carriage of five) and
# 0.876 (bear) with bench/eval_click.py; the floors leave room for noise
@pytest.mark.parametrize(("seq", "floor"), [("train", 0.70), ("bear", 0.78)])
def test_one_click_gives_the_whole_object(davis_clip, seq: str, floor: float) -> None:
    assert _click_j(seq, davis_clip)[0] >= floor


# A person the whole-frame pose call misses (holdout scooter-gray: a small rider beside the
# frame's edge) is found as an instance of the windowed selfie map: measured 0.650 (0.389 when
# the click fell to the rectangle search). A duck that the pose model, run on an enlarged crop,
# draws a lying skeleton on (hips unseen) is not taken for a person: 0.760 (0.516 if it were).
@pytest.mark.parametrize(("seq", "floor"), [("scooter-gray", 0.55), ("mallard-water", 0.68)])
def test_one_click_on_a_small_person_gives_that_person(davis_clip, seq: str, floor: float) -> None:
    assert _click_j(seq, davis_clip)[0] >= floor


def test_corrective_clicks_improve_the_mask(davis_clip) -> None:
    # flamingo: the first click gives the pink body without the white neck and the legs;
    # measured 0.63 -> 0.76 after three robot clicks (bench/eval_click.py)
    js = _click_j("flamingo", davis_clip, clicks=3)
    assert js[-1] >= js[0] + 0.08, js


class _CountingPerson:
    """The real person segmenter, counting the calls made to it."""

    def __init__(self) -> None:
        from vtrack.vision.embedded.person_segmenter import shared_person_segmenter

        self.real = shared_person_segmenter()
        self.calls: dict[str, int] = {}

    @property
    def available(self) -> bool:
        return self.real.available

    def __getattr__(self, name: str):
        method = getattr(self.real, name)

        def counted(*args, **kwargs):
            self.calls[name] = self.calls.get(name, 0) + 1
            return method(*args, **kwargs)

        return counted


def test_clicks_on_one_frame_share_its_pose_and_motion(davis_clip, monkeypatch) -> None:
    """Three objects clicked on one frame: the pose, the selfie map and the flow towards each
    partner frame are computed once for the frame, not once per click."""
    from vtrack.vision.embedded import click_segmentation
    from vtrack.vision.embedded import motion_field as motion
    from vtrack.vision.embedded.session import EmbeddedSession

    video, gts = davis_clip("bmx-bumps", 12)
    person = _CountingPerson()
    if not person.available:
        pytest.skip("mediapipe is not available here")
    flows = []
    real_flow = motion.dense_flow
    monkeypatch.setattr(motion, "dense_flow", lambda a, b: flows.append(1) or real_flow(a, b))
    session = EmbeddedSession(video, person)  # type: ignore[arg-type]
    ys, xs = np.nonzero(gts[0])
    h, w = gts[0].shape
    for k, i in enumerate((0, len(xs) // 2, len(xs) - 1)):
        session.add_points(0, k + 1, [PointPrompt((xs[i] + 0.5) / w, (ys[i] + 0.5) / h, True)])
    assert person.calls.get("pose", 0) == 1
    assert person.calls.get("person_probability", 0) <= 1
    # at most one flow per partner frame: the motion prune's and the objectness cues'
    steps = {click_segmentation.PRUNE_STEP, *click_segmentation.OBJECTNESS_STEPS}
    assert 1 <= len(flows) <= len(steps)


def test_search_cuts_large_rectangles_on_a_smaller_frame() -> None:
    """A rectangle around a click is cut at full search size when small, on a smaller frame
    when large (its short side spans about the same number of pixels either way)."""
    from vtrack.vision.embedded import grabcut_candidates as g

    rects = g._search_rects(854, 480, [(400, 240)])
    sides = [g._level_for(r, g._SEARCH_LONG_SIDE, 854) for r in rects]
    assert sides[0] == g._SEARCH_LONG_SIDE  # the smallest keeps every pixel it has
    assert sides[-1] == min(g._LEVELS)  # the largest is cut from the fewest
    # the same aspect one size up is never cut on a larger frame
    assert all(a >= b for a, b in zip(sides[:-3], sides[3:], strict=True))
