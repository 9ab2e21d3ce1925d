"""Leak control by appearance: a mask that has become less like the object than its last clean
view is cut back to that view.

The tracker's own score (the new mask's agreement with the warped prior, its area against the
usual) does not see a leak: a mask that grows a few pixels a frame into a reflection agrees with
its prior on every frame. From the true first-frame mask on DAVIS tune, that score's correlation
with J over a clip's frames has median 0.04; the colour similarity of the mask to the prompt
frame's object (the Bhattacharyya coefficient of their colour histograms) has median 0.64. The
similarity also falls without a leak, with lighting and pose (hike: 1.0 -> 0.84 at J 0.94), so
it is compared in the same frame: the new mask against the clean view, the latest full view that
was at least as object-like as the clean view before it, moved along with the object since.
Where the new mask is clearly less object-like, only the part of it on the clean view is kept,
and the frame does not become the next clean view. Before that, a detached part of the mask
whose removal makes it clearly more like the object is dropped (`unlike_parts_dropped`).
"""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.vision.embedded.appearance import ColourModel

# how much less like the object (Bhattacharyya coefficient with the prompt frame's colours) the
# new mask must be than the clean view before it is cut back (and how much more alike a detached
# part's removal must make it, not tuned separately). Chosen on tune from the true first
# mask: 0.01 / 0.02 / 0.03 gave 0.768 / 0.767 / 0.765 (all of it boat, whose mask grows into its
# reflection); 0.01 also cut on frames without a leak (dance-jump 8 frames, stroller 2; at 0.02:
# 4 and 0), so 0.02. Holdout, only checked: 0.664 at each.
LESS_ALIKE = 0.02
# how far beyond the clean view, moved along by the core's affine motion, the cut mask may reach
# (a fraction of the object's size, at least 2 px: the affine's error on an articulated object).
# Tune from the true mask: 0.04 / 0.08 / 0.15 gave 0.769 / 0.767 / 0.764; holdout 0.664 at each
_MARGIN = 0.04


def hold_to_clean_view(
    anchor: ColourModel,
    colours: np.ndarray,
    new: np.ndarray,
    clean: np.ndarray | None,
    size: float,
) -> tuple[np.ndarray, bool]:
    """The new mask, cut back to the clean view when it has become clearly less like the object,
    and whether it may become the next clean view (it is at least as object-like as this one).

    `anchor`: the prompt frame's colour model; `colours`: the window's colour bins; `new` and
    `clean` (the clean view moved onto this frame, or None): window-sized bool masks; `size`:
    the side of a square of the object's area.
    """
    if not new.any():
        return new, True
    new = unlike_parts_dropped(anchor, colours, new)
    if clean is None or not clean.any():
        return new, True
    alike_new = anchor.bin_similarity(colours, new)
    alike_clean = anchor.bin_similarity(colours, clean)
    if alike_new >= alike_clean:
        return new, True
    if alike_new >= alike_clean - LESS_ALIKE:
        return new, False
    dist = cv2.distanceTransform((~clean).astype(np.uint8), cv2.DIST_L2, 3)
    cut = new & (dist <= max(2.0, _MARGIN * size))
    if cut.any() and anchor.bin_similarity(colours, cut) > alike_new:
        return cut, False
    return new, False


def unlike_parts_dropped(anchor: ColourModel, colours: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The mask without its detached parts (any connected piece but the largest) whose removal
    makes it clearly more like the object: a leak left behind when the object moved on (the
    jump a horse passed over, wall stones a dancer brushed), which the prior keeps alive. A part
    of the object cut off by an occluder has the object's colours, and stays."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(new.astype(np.uint8))
    if count <= 2:
        return new
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    alike = anchor.bin_similarity(colours, new) + LESS_ALIKE
    unlike = [
        part
        for part in range(1, count)
        if part != largest and anchor.bin_similarity(colours, new & (labels != part)) > alike
    ]
    return new & ~np.isin(labels, unlike) if unlike else new
