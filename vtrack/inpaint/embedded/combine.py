"""One fill from both directions' candidates: blend where they agree, arbitrate where they do not.

The search (search.py) stops at the first frame that saw the background; if something moving
crossed that spot just then (a person walking behind, a duck), its colour is a ghost. Agreeing
candidates from the two directions are blended by closeness in time (the fill changes smoothly
as the sources move on). Where they disagree and only one of them was taken from a spot clear of
anything moving on its own (moving.py), the other (a passer-by) is dropped. Otherwise the one
nearer to what frames further away show (the votes) wins; a lone candidate that the votes
unanimously contradict is replaced by their median: a soft fill is better than a ghost.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from vtrack.inpaint.embedded.holes import Hole
from vtrack.inpaint.embedded.rows import channel_sum, pick, put
from vtrack.inpaint.embedded.votes import QUORUM

# Summed |RGB| difference above which two candidates show different things (noise and
# sub-pixel misregistration stay well below; a person walking through does not).
DISAGREE = 45

# colours (n, 3) uint8, ages (n,) (0: none), source spots (n,) (what `Clear` reads)
Candidates = tuple[np.ndarray, np.ndarray, np.ndarray]
Vote = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
# clear(side, which): whether the source spots of side 0 (earlier) or 1 (later) at the region
# pixels `which` (bool) showed nothing moving on its own (moving.py)
Clear = Callable[[int, np.ndarray], np.ndarray]


def combine(
    earlier: Candidates, later: Candidates, hole: Hole, vote: Vote, clear: Clear
) -> tuple[np.ndarray, np.ndarray]:
    """The fill (h, w, 3) over the hole's box and where it is set (h, w).

    `vote(which)` gives the votes' (median, count, spread) at the region pixels `which` (bool
    over the region's pixels, row-major); `clear` is asked only where the two disagree.
    """
    (ce, ae, _), (cl, al, _) = earlier, later
    diff = channel_sum(cv2.absdiff(ce, cl).astype(np.int16))
    # Of two disagreeing candidates, one that shows something moving on its own is dropped (the
    # other then stands alone, and the votes may still overrule it as below).
    split = (ae > 0) & (al > 0) & (diff > DISAGREE)
    if split.any():
        clear_e, clear_l = np.ones(ae.shape, bool), np.ones(al.shape, bool)
        clear_e[split], clear_l[split] = clear(0, split), clear(1, split)
        ae = np.where(split & clear_l & ~clear_e, 0, ae)
        al = np.where(split & clear_e & ~clear_l, 0, al)
    both = (ae > 0) & (al > 0)
    split = both & (diff > DISAGREE)
    take_later = al < ae  # without votes: the nearer one in time
    override = np.zeros(ae.shape, bool)
    medians = np.zeros((ae.size, 3), np.float32)
    ask = split | ((ae > 0) ^ (al > 0))
    if ask.any():
        median, count, spread = vote(ask)
        quorum = count >= QUORUM
        de = channel_sum(np.abs(pick(ce, ask) - median))
        dl = channel_sum(np.abs(pick(cl, ask) - median))
        in_split = split[ask]
        take_later[ask] = np.where(in_split & quorum, dl < de, take_later[ask])
        far = np.where(ae[ask] > 0, de, dl) > DISAGREE
        override[ask] = ~in_split & quorum & (spread < DISAGREE / 2) & far
        put(medians, ask, median)
    use_e = (ae > 0) & ~(split & take_later)
    use_l = (al > 0) & ~(split & ~take_later)
    return _blended(hole, ce, ae, use_e, cl, al, use_l, override, medians)


def _blended(
    hole: Hole,
    ce: np.ndarray,
    ae: np.ndarray,
    use_e: np.ndarray,
    cl: np.ndarray,
    al: np.ndarray,
    use_l: np.ndarray,
    override: np.ndarray,
    medians: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The fill over the box: each pixel's used candidates blended by closeness in time (one
    used candidate is taken as it is: the blend would give it back), the votes' median where
    it overrides."""
    two = use_e & use_l
    if two.all():
        mixed = _weighted(ce, ae, cl, al)
    else:
        mixed = np.where(use_e[:, None], ce, cl).astype(np.float64)
        if two.any():
            put(mixed, two, _weighted(pick(ce, two), ae[two], pick(cl, two), al[two]))
    np.copyto(mixed, medians, where=override[:, None])
    got = use_e | use_l
    inside = np.zeros(hole.shape, bool)
    inside[hole.region] = got
    fill = np.zeros(hole.shape + (3,), np.uint8)
    # Weighted means and medians of 0-255 values: rounding needs no clip.
    mixed += 0.5
    put(fill, inside, pick(mixed, got).astype(np.uint8))
    return fill, inside


def _weighted(ce: np.ndarray, ae: np.ndarray, cl: np.ndarray, al: np.ndarray) -> np.ndarray:
    """Colours (n, 3) of both candidates weighted by 1 / age (float64, in place)."""
    we, wl = 1.0 / np.maximum(ae, 1), 1.0 / np.maximum(al, 1)
    mixed = ce.astype(np.float64)
    mixed *= we[:, None]
    later = cl.astype(np.float64)
    later *= wl[:, None]
    mixed += later
    mixed /= (we + wl)[:, None]
    return mixed
