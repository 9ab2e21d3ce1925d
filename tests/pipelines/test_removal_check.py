"""The removal's mask check: a mask that lost the object, or jumped onto something else, is
moved back onto it by the object's keypoints, and the pipeline says so."""

from __future__ import annotations

import numpy as np

from vtrack.inpaint.embedded.masks import dilate
from vtrack.pipelines.mask_store import MaskStore
from vtrack.pipelines.removal_check import check_masks
from vtrack.testing.scenes import Scene


def _store(masks: list[np.ndarray]) -> MaskStore:
    store = MaskStore(len(masks), *masks[0].shape)
    for i, mask in enumerate(masks):
        store.set(i, mask)
    return store


def _missed(scene: Scene, store: MaskStore) -> list[int]:
    """Frames where more than a tenth of the object lies outside the (grown) mask."""
    out = []
    for i, truth in enumerate(scene.masks):
        left = truth & ~dilate(store.get(i), 6)
        if left.sum() > 0.1 * truth.sum():
            out.append(i)
    return out


def test_right_masks_are_left_alone(moving_scene: Scene) -> None:
    store = _store(list(moving_scene.masks))
    check = check_masks(list(moving_scene.frames), store, 0, 6)
    assert check.judged and check.moved == [] and check.notice() is None
    for i, truth in enumerate(moving_scene.masks):
        assert np.array_equal(store.get(i), truth)


def test_lost_and_jumped_masks_are_moved_onto_the_object(moving_scene: Scene) -> None:
    n = len(moving_scene.frames)
    h, w = moving_scene.masks[0].shape
    elsewhere = np.zeros((h, w), bool)
    elsewhere[: h // 5, : w // 5] = True  # a corner the object never visits
    masks = list(moving_scene.masks)
    for i in range(20, 32):
        masks[i] = np.zeros((h, w), bool)  # lost
    for i in range(32, n):
        masks[i] = elsewhere  # jumped onto something else
    store = _store(masks)
    assert len(_missed(moving_scene, store)) == n - 20
    check = check_masks(list(moving_scene.frames), store, 0, 6)
    assert _missed(moving_scene, store) == [], _missed(moving_scene, store)
    assert set(check.moved) == set(range(20, n))
    # A jumped mask is replaced, not kept beside the object.
    assert not store.get(n - 1)[: h // 5, : w // 5].any()
    assert f"on {n - 20} frames (20-{n - 1})" in (check.notice() or "")


def test_a_plain_object_cannot_be_checked_and_says_so(moving_scene: Scene) -> None:
    frames = [np.full_like(f, 128) for f in moving_scene.frames]
    check = check_masks(frames, _store(list(moving_scene.masks)), 0, 6)
    assert not check.judged
    assert "could not be checked" in (check.notice() or "")


def test_beside_the_tracker_it_waits_for_each_frame_and_finds_the_same(
    moving_scene: Scene,
) -> None:
    import threading

    from vtrack.pipelines.removal_check import CheckBesideTracker

    n = len(moving_scene.frames)
    h, w = moving_scene.masks[0].shape
    store = _store([np.zeros((h, w), bool)] * n)
    checker = CheckBesideTracker(list(moving_scene.frames), store, 0, 6)

    def track() -> None:  # a tracker that loses the object from frame 30 on
        for i in range(n):
            store.set(i, moving_scene.masks[i] if i < 30 else np.zeros((h, w), bool))
            checker.stored(i)

    tracker = threading.Thread(target=track)
    tracker.start()
    tracker.join()  # as the pipeline does: the tracker returns, then the check's result
    check = checker.result()
    assert check.moved == list(range(30, n))
    assert _missed(moving_scene, store) == []


def test_a_stopped_check_ends_without_waiting(moving_scene: Scene) -> None:
    from vtrack.pipelines.removal_check import CheckBesideTracker

    masks = list(moving_scene.masks)
    checker = CheckBesideTracker(list(moving_scene.frames), _store(masks), 0, 6)
    checker.stored(0)
    checker.stop()  # returns: the thread is not left waiting for frame 1
