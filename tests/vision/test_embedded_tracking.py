"""The embedded engine end to end: click, propagate both ways, score against exact/human masks."""

from __future__ import annotations

import numpy as np
import pytest

from vtrack.errors import InvalidInput
from vtrack.media.frames import FrameSequence
from vtrack.testing.scenes import (
    composite_scene,
    farthest_interior_point,
    standard_scenes,
    visibility_scenes,
)
from vtrack.vision.base import BoxPrompt, PointPrompt
from vtrack.vision.embedded import EmbeddedSegmenter
from vtrack.vision.metrics import jaccard, sequence_scores

# Floors sit well under the measured scores (bench/RESULTS_tracking.md) so noise cannot flap them:
# measured 0.99 (cat, cup), 0.89 (lucia 30 frames), 0.82 (bear 30 frames).
JF_FLOOR = 0.75


def _track(
    engine: EmbeddedSegmenter,
    video: FrameSequence,
    gts: np.ndarray,
    start: int = 0,
    out: list | None = None,
):
    x, y = farthest_interior_point(gts[start])
    session = engine.start_session(video)
    first = session.add_points(start, 1, [PointPrompt(x, y)])
    assert first.masks[1].shape == gts[0].shape and first.masks[1].dtype == bool
    progress: list[float] = []
    preds: dict[int, np.ndarray] = {}
    scores: dict[int, float] = {}
    for fm in session.propagate(direction="both", progress=progress.append):
        assert fm.frame_index not in preds, "a frame was yielded twice"
        preds[fm.frame_index] = fm.masks[1]
        scores[fm.frame_index] = fm.scores[1]
    assert sorted(preds) == list(range(len(video)))
    assert progress and progress[-1] == pytest.approx(1.0)
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    ordered = [preds[i] for i in range(len(video))]
    if out is not None:
        out.extend(ordered)
    empty = [
        i for i, (p, g) in enumerate(zip(ordered, gts, strict=True)) if g.any() and not p.any()
    ]
    return sequence_scores(ordered, list(gts)), empty


@pytest.fixture(scope="module")
def engine() -> EmbeddedSegmenter:
    return EmbeddedSegmenter()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(name="cat_over_rocket", sprite="chelsea", background="rocket", pan_px=-40, seed=4),
        dict(name="cup_over_hubble", sprite="coffee", background="hubble_deep_field", pan_px=30,
             scale_range=(0.35, 0.5), seed=5),
    ],
    ids=["cat_over_rocket", "cup_over_hubble"],
)  # fmt: skip
def test_generated_scene_tracks_from_one_click(engine: EmbeddedSegmenter, kwargs: dict) -> None:
    scene = composite_scene(n_frames=24, **kwargs)
    video = FrameSequence.from_arrays(list(scene.frames))
    # the cat is prompted mid-clip so both directions are exercised
    start = 12 if kwargs["name"] == "cat_over_rocket" else 0
    scores, empty = _track(engine, video, scene.masks, start=start)
    assert scores["JF"] >= JF_FLOOR, scores["JF"]
    assert not empty


@pytest.mark.parametrize(
    ("index", "floor"),
    [(0, 0.85), (2, 0.65)],  # measured 0.98 and 0.75 on 24 frames
    ids=["astronaut_static", "astronaut_pan_occluded"],
)
def test_first_mask_and_occlusion(engine: EmbeddedSegmenter, index: int, floor: float) -> None:
    # astronaut_static once started from the wrong selfie component (frame-0 J 0.07); the
    # occluded scene passes behind a pole and must be picked up again on the other side
    scene = standard_scenes(n_frames=24)[index]
    video = FrameSequence.from_arrays(list(scene.frames))
    scores, empty = _track(engine, video, scene.masks)
    assert scores["J_frames"][0] >= 0.9, scores["J_frames"][0]
    assert scores["JF"] >= floor, scores["JF"]
    assert not empty


class _CountedFlow:
    """A DIS flow engine that counts the pixels it computes flow for."""

    pixels = 0

    def __init__(self, engine) -> None:
        self._engine = engine

    def calc(self, first: np.ndarray, second: np.ndarray, flow):
        _CountedFlow.pixels += first.shape[0] * first.shape[1]
        return self._engine.calc(first, second, flow)

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


def test_propagation_costs_a_few_flow_computations(
    engine: EmbeddedSegmenter, davis_clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Optical flow is the tracker's largest cost that grows with the frame: count how much of
    it a propagated frame computes (a count, not a clock; speed itself is measured by
    bench/eval_tracking.py --speed). Measured on bear (an animal: the camera-motion cue adds a
    flow to the tracker's own): 1.8 half-working-resolution flows a frame; a person (lucia)
    1.0."""
    import cv2

    from vtrack.vision.embedded.imageops import work_size

    create = cv2.DISOpticalFlow_create
    monkeypatch.setattr(cv2, "DISOpticalFlow_create", lambda *a: _CountedFlow(create(*a)))
    video, gts = davis_clip("bear", 30)
    session = engine.start_session(video)
    x, y = farthest_interior_point(gts[0])
    session.add_points(0, 1, [PointPrompt(x, y)])
    _CountedFlow.pixels = 0
    n = sum(1 for _ in session.propagate())
    w, h = work_size(video.width, video.height)
    half_flows = _CountedFlow.pixels / n / ((w // 2) * (h // 2))
    assert n == 30 and 0.5 <= half_flows <= 3.0, half_flows


@pytest.mark.parametrize("seq", ["lucia", "bear"])
def test_davis_tracks_from_one_click(engine: EmbeddedSegmenter, davis_clip, seq: str) -> None:
    video, gts = davis_clip(seq, 30)
    scores, empty = _track(engine, video, gts)
    assert scores["JF"] >= JF_FLOOR, scores["JF"]
    assert not empty


def test_negative_click_shrinks_the_mask() -> None:
    scene = composite_scene(n_frames=2, sprite="chelsea", background="rocket", pan_px=0, seed=4)
    video = FrameSequence.from_arrays(list(scene.frames))
    session = EmbeddedSegmenter(use_mediapipe=False).start_session(video)
    x, y = scene.click
    before = session.add_points(0, 1, [PointPrompt(x, y)]).masks[1]
    assert before.any()
    # a negative click on the object's lower part, away from the positive one
    ys, xs = np.nonzero(before)
    ny = int(np.percentile(ys, 90))
    nx = int(np.median(xs[ys == ny]))
    h, w = before.shape
    after = session.add_points(0, 1, [PointPrompt((nx + 0.5) / w, (ny + 0.5) / h, False)])
    mask = after.masks[1]
    assert mask.sum() < before.sum()
    assert not mask[ny, nx]
    assert mask.any()


def test_box_prompt_and_two_objects_without_mediapipe() -> None:
    scene = composite_scene(n_frames=12, sprite="coffee", background="hubble_deep_field", seed=5)
    video = FrameSequence.from_arrays(list(scene.frames))
    session = EmbeddedSegmenter(use_mediapipe=False).start_session(video)
    ys, xs = np.nonzero(scene.masks[0])
    h, w = scene.masks[0].shape
    box = BoxPrompt(
        xs.min() / w - 0.03, ys.min() / h - 0.03, xs.max() / w + 0.03, ys.max() / h + 0.03
    )
    fm = session.add_box(0, 1, box)
    assert jaccard(fm.masks[1], scene.masks[0]) > 0.7
    # a second object: a background patch in a corner, clicked
    session.add_points(0, 2, [PointPrompt(0.9, 0.1)])
    frames = list(session.propagate())
    assert len(frames) == len(video)
    for fm in frames:
        assert set(fm.masks) == {1, 2}
    session.remove_object(2)
    assert set(next(iter(session.propagate())).masks) == {1}


def test_bad_prompts_are_invalid_input(engine: EmbeddedSegmenter) -> None:
    video = FrameSequence.from_arrays([np.zeros((24, 32, 3), np.uint8)] * 2)
    session = engine.start_session(video)
    with pytest.raises(InvalidInput):
        session.add_points(5, 1, [PointPrompt(0.5, 0.5)])
    with pytest.raises(InvalidInput):
        session.add_points(0, 1, [PointPrompt(0.5, 0.5, positive=False)])


def test_click_mask_is_pruned_by_motion(engine: EmbeddedSegmenter, davis_clip) -> None:
    # rhino: colour and GrabCut alone took the rocks and grass around the animal (frame-0 J
    # 0.52); what moves with the camera between frames 0 and 4 is cut away (measured 0.78)
    video, gts = davis_clip("rhino", 8)
    x, y = farthest_interior_point(gts[0])
    session = engine.start_session(video)
    mask = session.add_points(0, 1, [PointPrompt(x, y)]).masks[1]
    assert jaccard(mask, gts[0]) >= 0.7, jaccard(mask, gts[0])


def test_reflection_in_water_is_cut_from_the_click_mask(
    engine: EmbeddedSegmenter, davis_clip
) -> None:
    # boat: the selfie component was the boat's front half plus its reflection (frame-0 J
    # 0.39); the reflection is cut at the mirror axis and the motion cue restores the stern
    # (measured 0.62)
    video, gts = davis_clip("boat", 8)
    x, y = farthest_interior_point(gts[0])
    session = engine.start_session(video)
    mask = session.add_points(0, 1, [PointPrompt(x, y)]).masks[1]
    assert jaccard(mask, gts[0]) >= 0.55, jaccard(mask, gts[0])


def test_slow_object_does_not_drift(engine: EmbeddedSegmenter, davis_clip) -> None:
    # rhino walks slowly in front of dirt the camera pans over: frame to frame the two motions
    # differ by < 1 px, so the mask used to spread onto the dirt (J 0.78 on frame 0 -> 0.48 by
    # frame 85, J&F 0.557); the motion cue over 4 frames holds it (measured J&F 0.657, J over
    # the last 10 frames 0.69)
    video, gts = davis_clip("rhino", 90)
    x, y = farthest_interior_point(gts[0])
    session = engine.start_session(video)
    session.add_points(0, 1, [PointPrompt(x, y)])
    by_frame = {fm.frame_index: fm.masks[1] for fm in session.propagate(direction="both")}
    scores = sequence_scores([by_frame[i] for i in range(len(video))], list(gts))
    assert scores["JF"] >= 0.6, scores["JF"]
    late = float(np.mean(scores["J_frames"][-10:]))
    assert late >= 0.6, late


def test_person_limbs_follow_the_pose_cue(davis_clip) -> None:
    # tennis: legs, arms and racket move faster than the body's affine and colour alone drops
    # them (J&F 0.733 before the occluder/pose cues); the pose model's person mask every 4th
    # frame, carried by the flow in between, brings the limbs back (measured J&F 0.797)
    from vtrack.vision.embedded.person_segmenter import mediapipe_available

    if not mediapipe_available()[0]:
        pytest.skip("mediapipe unavailable: the pose cue is off")
    video, gts = davis_clip("tennis", 70)
    # quality "best" runs the pose cue every 4th frame ("fast": every 8th, J&F 0.783)
    scores, empty = _track(EmbeddedSegmenter(quality="best"), video, gts)
    assert scores["JF"] >= 0.77, scores["JF"]
    assert not empty


@pytest.mark.parametrize(
    ("index", "start", "floor", "found_floor"),
    [(0, 0, 0.8, 0.85), (1, 63, 0.75, 0.85)],  # measured J&F 0.91 and 0.86
    ids=["leaves_and_returns", "hidden_behind_wall_tracked_backwards"],
)
def test_object_out_of_view_is_absent_then_found_again(
    engine: EmbeddedSegmenter, index: int, start: int, floor: float, found_floor: float
) -> None:
    # The object leaves the frame (or goes wholly behind a wall) and comes back. While it is out
    # of view the mask must be empty (not a look-alike patch of background: the tracker used to
    # settle on one and never let go), and once it is back it must be found.
    scene = visibility_scenes()[index]
    video = FrameSequence.from_arrays(list(scene.frames))
    preds: list[np.ndarray] = []
    scores, _ = _track(engine, video, scene.masks, start=start, out=preds)
    out_of_view = [i for i, g in enumerate(scene.masks) if not g.any()]
    assert len(out_of_view) >= 5  # the scene really hides the object
    ghosts = [i for i in out_of_view if preds[i].any()]
    assert not ghosts, f"mask while the object is out of view on frames {ghosts}"
    # found again: the frames at the far end from the prompt, where it is in full view again
    # (measured J 0.98-0.99 there for both)
    far_end = range(0, 5) if start > 0 else range(len(video) - 5, len(video))
    found = [scores["J_frames"][i] for i in far_end]
    assert min(found) >= found_floor, found
    assert scores["JF"] >= floor, scores["JF"]


def test_collapse_behind_a_sweeping_occluder_is_repaired(
    engine: EmbeddedSegmenter, davis_clip
) -> None:
    # swing: the pole sweeps across the child twice; going forward the mask collapses (J 0.13 /
    # 0.01 at frames 10-11 and 53-55) because what emerges on the pole's far side has no prior.
    # Re-tracking the collapsed stretch backwards from the recovered frame, and joining the two
    # passes where both are partial, keeps the child (measured J&F 0.719, J >= 0.57 on every frame;
    # 0.647 before)
    video, gts = davis_clip("swing", 60)
    scores, empty = _track(engine, video, gts)
    assert scores["JF"] >= 0.69, scores["JF"]
    assert min(scores["J_frames"]) >= 0.4, min(scores["J_frames"])
    assert not empty
