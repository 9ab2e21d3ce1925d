"""Before filling: is the object anywhere its removal mask does not cover? Then move the mask.

The tracker can lose the object (behind a pole, in a turn) or jump onto something else; a
removal with that mask leaves the object in the video. Its keypoints are followed from the
prompt frame in both directions (vtrack.inpaint.survivors), the model refreshed from each frame
whose mask agrees with where the keypoints put the object, so the look follows the object as it
turns. Where a sighting is mostly outside the mask, the mask is wrong there: it grows to cover
the sighting, or, when it has moved onto something else entirely, is replaced by it. The
pipeline says on which frames it did so; an object too plain for keypoints cannot be checked,
and the pipeline says that too.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from vtrack.ahead import made_ahead
from vtrack.inpaint.embedded.masks import dilate
from vtrack.inpaint.survivors import (
    Keypoints,
    ObjectModel,
    Sighting,
    detect_scale,
    frame_keypoints,
    match,
    model_from,
    uncovered,
)
from vtrack.pipelines.concurrency import Background
from vtrack.pipelines.mask_store import MaskStore

# A sighting more than half outside the mask means the mask missed the object there (a mask a
# few pixels off, or a turned object's moved outline, leaves well under half).
LEFT_OUT = 0.5
# At most this share outside: mask and keypoints agree, and the object's look is refreshed
# from this frame (between the two: keep the older look, change nothing).
AGREE = 0.2
# A mask of which less than this share touches the sighting is on something else: replaced.
ELSEWHERE = 0.2


@dataclass
class MaskCheck:
    """What the check found: whether it could judge, and the frames whose masks it moved."""

    judged: bool
    moved: list[int] = field(default_factory=list)

    def notice(self) -> str | None:
        if not self.judged:
            return (
                "The object has too little texture for its keypoints to be followed, so "
                "whether it is gone on every frame could not be checked."
            )
        if not self.moved:
            return None
        return (
            f"The tracker lost the object on {len(self.moved)} frames ({_ranges(self.moved)}); "
            "its keypoints found it there and the removal's mask was moved onto it, which may "
            "miss parts of it: check those frames."
        )


def check_masks(
    frames: Sequence[np.ndarray],
    masks: MaskStore,
    prompt_frame: int,
    margin: int,
    stored: Callable[[int], None] = lambda _i: None,
    workers: int = 2,
) -> MaskCheck:
    """Follow the object from `prompt_frame` both ways; move masks that miss it (in place).

    `stored(i)` returns once frame i's mask is final (the tracker may still be running). Each
    frame's keypoints (most of the cost, and independent of the masks) are found a few frames
    ahead on `workers` threads (OpenCV's ORB drops the GIL): when the check lags behind the
    tracker, it catches up on both cores."""
    n = len(frames)
    first = np.asarray(frames[0])
    scale = detect_scale(first.shape[0], first.shape[1])
    order = [prompt_frame, *range(prompt_frame + 1, n), *range(prompt_frame - 1, -1, -1)]

    def keypoints(i: int) -> Keypoints | None:
        stored(i)  # not ahead of the tracker: a frame it has stored is decoded too
        return frame_keypoints(frames[i], scale)

    with contextlib.closing(made_ahead(keypoints, order, workers, "vtrack-mask-check")) as found:
        stored(prompt_frame)
        start = model_from(next(found), masks.get(prompt_frame), scale)
        if start is None:
            return MaskCheck(judged=False)
        check = MaskCheck(judged=True)
        model = start
        for i in order[1:]:
            if i == prompt_frame - 1:
                model = start  # the other way from the prompt frame
            stored(i)
            model = _check_frame(next(found), i, masks, model, scale, margin, check)
    check.moved.sort()
    return check


class _Stopped(Exception):
    pass


class CheckBesideTracker:
    """check_masks on its own thread, each frame checked as soon as the tracker has stored it
    (the tracker walks from the prompt frame both ways, as the check does): on two cores the
    check then costs the removal almost no time."""

    def __init__(
        self, frames: Sequence[np.ndarray], masks: MaskStore, prompt_frame: int, margin: int
    ) -> None:
        self._ready = [threading.Event() for _ in range(len(frames))]
        self._stopped = False
        self._job = Background(
            lambda: check_masks(frames, masks, prompt_frame, margin, self._wait),
            name="vtrack-mask-check",
        )

    def _wait(self, i: int) -> None:
        self._ready[i].wait()
        if self._stopped:
            raise _Stopped

    def stop(self) -> None:
        """The tracker failed or was cancelled: end the check without finishing it."""
        self._stopped = True
        for ready in self._ready:
            ready.set()
        with contextlib.suppress(_Stopped):
            self._job.join()

    def stored(self, i: int) -> None:
        """The tracker's on_mask: frame i's mask is final."""
        self._ready[i].set()

    def result(self) -> MaskCheck:
        """The check's findings, once every frame is checked (a frame the tracker never
        reported is checked as it is)."""
        for ready in self._ready:
            ready.set()
        return self._job.join()


def _check_frame(
    keypoints: Keypoints | None,
    i: int,
    masks: MaskStore,
    model: ObjectModel,
    scale: float,
    margin: int,
    check: MaskCheck,
) -> ObjectModel:
    """Frame i's mask (its keypoints found) checked against the object's keypoints; the model
    to go on with."""
    sighting = match(model, keypoints)
    if sighting is None:
        return model  # hidden, out of the frame, or changed too much: nothing to say here
    mask = masks.get(i)
    left = uncovered(sighting, mask, margin)
    if left > LEFT_OUT:
        masks.set(i, _moved(mask, sighting, margin))
        check.moved.append(i)
        return model  # a moved mask is the model's guess: learning from it would compound
    if left > AGREE:
        return model
    # Mask and keypoints agree: the look is refreshed from the mask's parts the object is in
    # (a neighbour the mask spread onto, apart from the object, is left out; the two halves of
    # an object cut by a pole both stay), so the outline follows the object's turns and growth.
    outline = _parts_touching(mask, sighting.region)
    return model_from(keypoints, outline, scale) or model


def _parts_touching(mask: np.ndarray, region: np.ndarray) -> np.ndarray:
    """The connected parts of `mask` that overlap `region`."""
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    if count <= 2:
        return mask
    hit = np.unique(labels[region & mask])
    return np.isin(labels, hit[hit > 0])


def _moved(mask: np.ndarray, sighting: Sighting, margin: int) -> np.ndarray:
    region = dilate(sighting.region, margin)
    area = int(mask.sum())
    if area == 0 or (mask & region).sum() < ELSEWHERE * area:
        return region
    return mask | region


def _ranges(frames: list[int]) -> str:
    """'3-7, 12' for frames [3, 4, 5, 6, 7, 12] (numbered from 0)."""
    runs: list[list[int]] = []
    for f in frames:
        if runs and f == runs[-1][1] + 1:
            runs[-1][1] = f
        else:
            runs.append([f, f])
    return ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in runs)
