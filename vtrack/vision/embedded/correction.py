"""Correct a mask the user already sees with clicks (a propagated frame that went wrong).

The shown mask is the best guess so far: it becomes GrabCut's probable foreground and the clicks
its certain labels. A positive click outside the mask also seeds a disk of probable foreground
there and widens the band GrabCut may move the boundary in, so the mask can grow into the part
it missed; a negative click inside cuts away the part that looks like it. Kept are the pieces
under a positive click or mostly inside the shown mask, so a click never adds a stray blob far
away nor erases the whole object.

A negative click's re-cut is only a candidate: the clicks are taken in order and a negative
one changes the mask only at the error it was aimed at (the piece the re-cut drops at the
click, within a reach set by the click's depth: `click_sequence.corrected`, as on the first
frame), leaving the rest of the shown mask as it was. The whole re-cut also moved parts nobody
clicked: on the DAVIS robot user's worst frames soccerball went 0.65 -> 0.21 (a negative click
at the edge of a small ball dropped most of it). A positive click keeps the whole re-cut: a
part a track lost (a head, a wheel) is often larger than the first frame's reach lets a click
add, and the piece rule took back what the re-cut gained there (motocross-bumps 0.95 -> 0.75);
on tune both give the same J&F after the correction (0.754), on holdout the whole re-cut
0.610 and the piece 0.584 (bench/RESULTS.md).

A negative click on a propagated frame is most often on a leak: the track spread onto the
ground under an animal, an obstacle beside a horse, a second flamingo. The re-cut rarely drops
such a piece (it looks like the object: that is why the track took it), so the click only
carved a spot (DAVIS robot user, tune: 15 of 20 corrections negative, the corrected frame's J
0.562 -> 0.578). What tells a leak apart is that it does not move with the object: the shown
mask is split in two by its flow (the frame's flow the click cues use) and the side at the
click is removed when the two move apart (`_moving_apart`); tune corrected-frame J 0.586 ->
0.611, J&F after the correction 0.754 -> 0.760 (flamingo 0.664 -> 0.769), holdout 0.610 ->
0.613 (its 2 negative corrections: 0.424 -> 0.424).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import cv2
import numpy as np

from vtrack.vision.embedded.click_segmentation import PRUNE_STEP
from vtrack.vision.embedded.click_sequence import CLICK_REACH, Click, corrected
from vtrack.vision.embedded.frame_looks import FrameLooks
from vtrack.vision.embedded.grabcut_candidates import refine_with_grabcut
from vtrack.vision.embedded.imageops import component_at, fill_holes

# The probable-foreground seed around a positive click outside the mask, and the band GrabCut
# may move the boundary within then, as fractions of the frame's long side: a missed limb or
# wheel is a few percent of the frame.
_SEED_FRACTION = 0.03
_BAND_FRACTION = 0.04
# A piece of the corrected mask without a positive click is kept when at least this share of it
# lies inside the shown mask.
_INSIDE_SHARE = 0.5
# A negative click's piece that moves apart (`_moving_apart`): as far from the click as a
# click on the first frame reaches (its depth times this), and never more than half the shown
# mask (the click then split the object itself, not a leak off it); 2-means rounds (it settles
# in 2-3 on DAVIS); the fewest far pixels that give the rest of the mask a motion.
_APART_SHARE = 0.5
_APART_ROUNDS = 5
_APART_MIN_PIXELS = 20


class Corrections:
    """The masks after each prefix of the clicks correcting a shown mask, for the few shown
    masks most recently corrected (a client sends the full list of clicks every time)."""

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._done: OrderedDict[tuple[int, bytes], dict] = OrderedDict()

    def correct(
        self,
        image: np.ndarray,
        frame_index: int,
        base: np.ndarray,
        clicks: list[Click],
        looks: FrameLooks | None = None,
    ) -> np.ndarray:
        """`correct_in_order` of `base` on the frame, re-cutting only for new clicks."""
        key = (frame_index, hashlib.blake2b(np.packbits(base).tobytes()).digest())
        done = self._done.pop(key, None) or {}
        self._done[key] = done
        while len(self._done) > self.kept:
            self._done.popitem(last=False)
        return correct_in_order(image, base, clicks, done, looks)

    def clear(self) -> None:
        self._done.clear()


def correct_in_order(
    image: np.ndarray,
    base: np.ndarray,
    clicks: list[Click],
    done: dict[tuple[Click, ...], np.ndarray] | None = None,
    looks: FrameLooks | None = None,
) -> np.ndarray:
    """`base` (bool, image size) corrected by `clicks` (x, y in pixels, positive) taken in
    order: a positive click takes the re-cut (`correct_mask`) of all clicks so far; a negative
    one removes the piece at the click that moves apart from the rest of the mask (`looks`:
    the frame's flow, `_moving_apart`), else only the re-cut's piece at the click. `done`
    holds the masks after earlier prefixes of these clicks on this base (a client sends the full
    list every time: one re-cut per new click)."""
    done = {} if done is None else done
    mask = base
    for n in range(1, len(clicks) + 1):
        key = tuple(clicks[:n])
        apart = None if key[-1][2] or key in done else _moving_apart(mask, key[-1], looks)
        if apart is not None:
            done[key] = _carve(fill_holes(mask & ~apart), [key[-1][:2]], max(mask.shape))
        if key not in done:
            pos = [(x, y) for x, y, p in key if p]
            neg = [(x, y) for x, y, p in key if not p]
            recut = correct_mask(image, base, pos, neg)
            done[key] = recut if key[-1][2] else corrected(mask, recut, key[-1])
        mask = done[key]
    return mask.copy()


def correct_mask(
    image: np.ndarray,
    base: np.ndarray,
    pos: list[tuple[int, int]],
    neg: list[tuple[int, int]],
) -> np.ndarray:
    """`base` (bool, image size) corrected by positive and negative clicks (pixel coordinates)."""
    if not pos and not neg:
        return base.copy()
    long_side = max(base.shape)
    seed = base.astype(np.uint8)
    outside = [(x, y) for x, y in pos if not base[y, x]]
    for x, y in outside:
        cv2.circle(seed, (x, y), max(3, int(_SEED_FRACTION * long_side)), 1, -1)
    band = max(3, int(_BAND_FRACTION * long_side)) if outside else None
    mask = refine_with_grabcut(image, seed > 0, pos, neg, band=band)
    return _carve(fill_holes(_kept_pieces(mask, base, pos)), neg, long_side)


def _carve(mask: np.ndarray, neg: list[tuple[int, int]], long_side: int) -> np.ndarray:
    """GrabCut may bridge round a negative seed: the click itself always ends up outside
    (after filling holes, which would close a carve that does not reach the edge)."""
    radius = max(3, int(0.012 * long_side))
    for x, y in neg:
        cv2.circle(mask.view(np.uint8), (x, y), radius, 0, -1)
    return mask


def _moving_apart(mask: np.ndarray, click: Click, looks: FrameLooks | None) -> np.ndarray | None:
    """The piece of `mask` at a negative click that moves apart from the rest of the mask (a
    track that leaked onto the ground, an obstacle, a second animal: `_APART_FLOW`), or None.

    The mask's pixels are split in two by their flow (2-means, started from the pixels near the
    click and those far from it); the split counts when the two mean motions differ by more
    than the flow's noise. The piece is the click's connected part of its side, within the
    click's reach (`click_sequence.CLICK_REACH` times its depth) and at most half the mask."""
    x, y, _ = click
    if looks is None or not mask[y, x]:
        return None
    field = looks.camera_motion(PRUNE_STEP)  # the click cues' flow: computed once a frame
    if field is None or field.flow.shape[:2] != mask.shape:
        return None
    depth = cv2.distanceTransform(np.pad(mask, 1).astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
    reach = max(3.0, float(depth[y, x]))
    yy, xx = np.indices(mask.shape)
    dist = np.hypot(xx - x, yy - y)
    near, far = mask & (dist <= reach), mask & (dist > 2 * reach)
    if np.count_nonzero(far) < _APART_MIN_PIXELS:
        return None
    side = _two_motions(field.flow, mask, near, far, field.noise)
    if side is None:
        return None
    side = cv2.morphologyEx(side.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    piece = component_at(side > 0, x, y) & (dist <= CLICK_REACH * reach)
    if not piece.any() or np.count_nonzero(piece) > _APART_SHARE * np.count_nonzero(mask):
        return None
    return piece


def _two_motions(
    flow: np.ndarray, mask: np.ndarray, near: np.ndarray, far: np.ndarray, noise: float
) -> np.ndarray | None:
    """The mask's pixels that move like those `near` the click rather than those `far` from it
    (2-means on the flow); None when the two motions differ by less than `noise` pixels."""
    a, b = flow[near].mean(0), flow[far].mean(0)
    side = near
    for _ in range(_APART_ROUNDS):
        side = mask & (((flow - a) ** 2).sum(2) < ((flow - b) ** 2).sum(2))
        if not side.any() or not (mask & ~side).any():
            return None
        a, b = flow[side].mean(0), flow[mask & ~side].mean(0)
    return side if float(np.linalg.norm(a - b)) > noise else None


def _kept_pieces(mask: np.ndarray, base: np.ndarray, pos: list[tuple[int, int]]) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    keep = np.zeros(count, bool)
    for x, y in pos:
        keep[labels[y, x]] = True
    inside = np.bincount(labels[base], minlength=count)
    keep |= inside >= _INSIDE_SHARE * stats[:, cv2.CC_STAT_AREA]
    keep[0] = False
    return keep[labels]
