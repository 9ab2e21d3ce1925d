"""Collapse repair: mend a tracking pass where an object's mask collapsed, then came back."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from vtrack.vision.embedded.track_state import StepResult

# Dip repair: a tracking pass's results are held back _REPAIR_HOLD frames; when an object's
# score falls below _REPAIR_DIP (its mask collapsed: a pole swept across it) and later comes back
# above _REPAIR_RECOVER, the held frames are re-tracked backwards from the recovered mask. Each
# frame keeps the higher-scoring direction, or the union of both where neither reaches
# _REPAIR_UNION (each pass keeps the part on its own side of the occluder). Frames are held at
# most _REPAIR_MAX frames. Swing 0.647 -> 0.719 (union 0.75 / 0.95: 0.707 / 0.720; dip 0.72 with
# recover 0.8 also re-tracks astronaut_pan_occluded: 0.847 -> 0.828).
_REPAIR_HOLD = 6
_REPAIR_DIP = 0.5
_REPAIR_RECOVER = 0.7
_REPAIR_MAX = 30
_REPAIR_UNION = 0.85

# re-tracks the given objects backwards over the held (index, results) list, in place
Retrack = Callable[[list[tuple[int, dict[int, StepResult]]], list[int]], None]


def repair_dips(
    results: Iterator[tuple[int, dict[int, StepResult]]], retrack_back: Retrack
) -> Iterator[tuple[int, dict[int, StepResult]]]:
    """Pass a tracking pass's results through, mending collapses from their far end.

    A mask that collapses while something sweeps across the object (swing's pole) cannot
    recover going forward: the part emerging on the far side has no prior. Once the object
    is confidently found again, tracking backwards from there meets the same occlusion from
    the other side, where the object is whole. Only collapsed stretches are re-tracked, so
    a clip without one costs nothing extra (the results are only held back a few frames).
    `retrack_back(held, obj_ids)` re-tracks those objects from the last held frame back over
    the others and mends the held results in place (with `pick_better`).
    """
    held: list[tuple[int, dict[int, StepResult]]] = []
    dipped: set[int] = set()
    for index, per_obj in results:
        held.append((index, per_obj))
        dipped |= {o for o, (_, _, score) in per_obj.items() if score < _REPAIR_DIP}
        if dipped and all(per_obj[o][2] >= _REPAIR_RECOVER for o in dipped):
            retrack_back(held, sorted(dipped))
            dipped = set()
        limit = _REPAIR_MAX if dipped else _REPAIR_HOLD
        while len(held) > limit:
            yield held.pop(0)
    yield from held


def pick_better(forward: StepResult, backward: StepResult) -> StepResult:
    """The better of a frame's forward and backward results; where both are partial (each
    pass lost the part on its own far side of the occluder), their union."""
    if max(forward[2], backward[2]) >= _REPAIR_UNION:
        return forward if forward[2] >= backward[2] else backward
    (fs, fb, fsc), (bs, bb, bsc) = forward, backward
    box = (min(fb[0], bb[0]), min(fb[1], bb[1]), max(fb[2], bb[2]), max(fb[3], bb[3]))
    soft = np.zeros((box[3] - box[1], box[2] - box[0]), np.float32)
    for part, (x0, y0, x1, y1) in ((fs, fb), (bs, bb)):
        region = soft[y0 - box[1] : y1 - box[1], x0 - box[0] : x1 - box[0]]
        np.maximum(region, part, out=region)
    return soft, box, max(fsc, bsc)
