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
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import cv2
import numpy as np

from vtrack.vision.embedded.click_sequence import Click, corrected
from vtrack.vision.embedded.grabcut_candidates import refine_with_grabcut
from vtrack.vision.embedded.imageops import fill_holes

# The probable-foreground seed around a positive click outside the mask, and the band GrabCut
# may move the boundary within then, as fractions of the frame's long side: a missed limb or
# wheel is a few percent of the frame.
_SEED_FRACTION = 0.03
_BAND_FRACTION = 0.04
# A piece of the corrected mask without a positive click is kept when at least this share of it
# lies inside the shown mask.
_INSIDE_SHARE = 0.5


class Corrections:
    """The masks after each prefix of the clicks correcting a shown mask, for the few shown
    masks most recently corrected (a client sends the full list of clicks every time)."""

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._done: OrderedDict[tuple[int, bytes], dict] = OrderedDict()

    def correct(
        self, image: np.ndarray, frame_index: int, base: np.ndarray, clicks: list[Click]
    ) -> np.ndarray:
        """`correct_in_order` of `base` on the frame, re-cutting only for new clicks."""
        key = (frame_index, hashlib.blake2b(np.packbits(base).tobytes()).digest())
        done = self._done.pop(key, None) or {}
        self._done[key] = done
        while len(self._done) > self.kept:
            self._done.popitem(last=False)
        return correct_in_order(image, base, clicks, done)

    def clear(self) -> None:
        self._done.clear()


def correct_in_order(
    image: np.ndarray,
    base: np.ndarray,
    clicks: list[Click],
    done: dict[tuple[Click, ...], np.ndarray] | None = None,
) -> np.ndarray:
    """`base` (bool, image size) corrected by `clicks` (x, y in pixels, positive) taken in
    order: a positive click takes the re-cut (`correct_mask`) of all clicks so far, a negative
    one only the piece of it at the click. `done`
    holds the masks after earlier prefixes of these clicks on this base (a client sends the full
    list every time: one re-cut per new click)."""
    done = {} if done is None else done
    mask = base
    for n in range(1, len(clicks) + 1):
        key = tuple(clicks[:n])
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
    mask = fill_holes(_kept_pieces(mask, base, pos))
    radius = max(3, int(0.012 * long_side))
    for x, y in neg:
        # GrabCut may bridge round a negative seed: the click itself always ends up outside
        # (after filling holes, which would close a carve that does not reach the edge)
        cv2.circle(mask.view(np.uint8), (x, y), radius, 0, -1)
    return mask


def _kept_pieces(mask: np.ndarray, base: np.ndarray, pos: list[tuple[int, int]]) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    keep = np.zeros(count, bool)
    for x, y in pos:
        keep[labels[y, x]] = True
    inside = np.bincount(labels[base], minlength=count)
    keep |= inside >= _INSIDE_SHARE * stats[:, cv2.CC_STAT_AREA]
    keep[0] = False
    return keep[labels]
