"""Long-range re-search: where the object's last appearance is seen now, when flow lags behind.

DIS runs at a quarter of the working pixels and smooths across boundaries, so the flow of a
small or fast object is pulled towards its background's: a car crossing the frame under a
panning camera, a dog running through poles, a rider in a jump. The prior then lands behind the
object and the cues keep only the part of it that is still under the prior.

Here the previous frame's object pixels (its grey values under its mask, nothing of the
background) are matched, as a masked template, over a wide window around where the flow puts
them. When a placement fits the pixels clearly better than the flow's own, and lies clearly
apart from it, the object has moved differently from what the flow says, and the prior is
shifted there. A template fitted only on the object's own pixels does not follow the
background; where the flow is right its placement is (close to) the best one and nothing
changes.

A grey template of an object that turns or bends (a dancer spinning, a leg swung out) can fit
a textured patch of background better than the object's own changed shape: on DAVIS
breakdance-flare, re-tracked from a correction that added the supporting leg, the mask was
moved onto the wall stones beside the dancer and stayed there. A placement is therefore taken
only where it looks at least as much like the object (the colour likeness of the prompt frame,
`ColourModel.similarity`) as the flow's placement does, within the tolerance the leak control
uses (`clean_view.LESS_ALIKE`): a fast object the flow left behind is, at its true place, more
like itself than the background the flow's placement covers.
"""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.boxes import mask_box
from vtrack.vision.embedded.appearance import ColourModel, colour_index
from vtrack.vision.embedded.clean_view import LESS_ALIKE

# the template is matched at a scale that makes its longer side at most this many pixels: the
# cost stays flat in object size (~0.3 ms), and a correction only has to be coarse (the cues
# re-fit the boundary at full working resolution)
_MATCH_SIDE = 40
# how far around the flow's placement the object is looked for, as a fraction of its box's
# longer side (a fast object moves a sizeable part of its length per frame: DAVIS dog-agility,
# drift-turn), never less than the tracker's own reach
_SEARCH = 0.6
# a placement replaces the flow's when its mean squared grey difference is below this fraction
# of the flow placement's (a clear, not a marginal, win: appearance changes a little every frame)
_BETTER = 0.5
# ... and lies at least this fraction of the object's size (and 2 pixels) away from it
_APART = 0.1
# objects with fewer template pixels than this have too little texture to be placed by it
_MIN_PIXELS = 40


def relocate(
    prev_gray: np.ndarray, gray: np.ndarray, prev_mask: np.ndarray, flow_shift: tuple, reach: int
) -> tuple[float, float] | None:
    """The object's shift from the previous frame to this one (working pixels), when its
    appearance says clearly otherwise than the flow's `flow_shift`; None when the flow's
    placement is as good as any (then nothing changes)."""
    box = mask_box(prev_mask)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    scale = min(1.0, _MATCH_SIDE / max(bw, bh))
    fdx, fdy = flow_shift
    radius = max(float(reach), _SEARCH * max(bw, bh))
    h, w = gray.shape
    sx0 = int(max(0, np.floor(x0 + fdx - radius)))
    sy0 = int(max(0, np.floor(y0 + fdy - radius)))
    sx1 = int(min(w, np.ceil(x1 + fdx + radius)))
    sy1 = int(min(h, np.ceil(y1 + fdy + radius)))
    if sx1 - sx0 <= bw or sy1 - sy0 <= bh:
        return None
    tmpl = _scaled(prev_gray[y0:y1, x0:x1], scale)
    tmask = _scaled(prev_mask[y0:y1, x0:x1].astype(np.uint8) * 255, scale) > 127
    if np.count_nonzero(tmask) < _MIN_PIXELS:
        return None
    search = _scaled(gray[sy0:sy1, sx0:sx1], scale)
    th, tw = tmpl.shape
    if search.shape[0] <= th or search.shape[1] <= tw:
        return None
    cost = cv2.matchTemplate(
        search.astype(np.float32),
        tmpl.astype(np.float32),
        cv2.TM_SQDIFF,
        mask=tmask.astype(np.float32),
    ) / float(np.count_nonzero(tmask))
    # the flow's placement in the cost map (template origin, scaled search coordinates)
    fx = int(round((x0 + fdx - sx0) * scale))
    fy = int(round((y0 + fdy - sy0) * scale))
    if not (0 <= fy < cost.shape[0] and 0 <= fx < cost.shape[1]):
        return None
    flow_cost = float(cost[fy, fx])
    best_cost, _, (bx, by), _ = cv2.minMaxLoc(cost)
    dx = (bx - fx) / scale
    dy = (by - fy) / scale
    size = float(np.sqrt(np.count_nonzero(prev_mask)))
    if np.hypot(dx, dy) < max(2.0, _APART * size) or best_cost >= _BETTER * flow_cost:
        return None
    return fdx + dx, fdy + dy


def relocated(
    prev_gray: np.ndarray,
    gray: np.ndarray,
    mask: np.ndarray,
    latent: np.ndarray | None,
    flow: np.ndarray,
    reach: int,
    looks: tuple[ColourModel, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray | None] | None:
    """The previous frame's mask (and the object's latest full view) moved to where the
    object's pixels are now, when that is clearly not where the dense `flow` (current frame
    back to the previous) puts them; None when the flow's placement holds. Frame-sized bool
    masks, working pixels. `looks`: the object's prompt-frame colour model and the current
    (RGB) frame; then a placement less like the object than the flow's is not taken."""
    ys, xs = np.nonzero(mask[::2, ::2])
    if len(xs) == 0:
        return None
    fl = flow[2 * ys, 2 * xs]
    # the flow's own placement: its median over the object, negated (it points back)
    flow_shift = (-float(np.median(fl[:, 0])), -float(np.median(fl[:, 1])))
    shift = relocate(prev_gray, gray, mask, flow_shift, reach)
    if shift is None:
        return None
    h, w = mask.shape

    def move(src: np.ndarray, dx: float, dy: float) -> np.ndarray:
        m = np.float32([[1, 0, dx], [0, 1, dy]])
        return cv2.warpAffine(src.astype(np.uint8), m, (w, h), flags=cv2.INTER_NEAREST) > 0

    moved = move(mask, *shift)
    if not moved.any():
        return None
    if looks is not None and _less_alike(looks, moved, move(mask, *flow_shift)):
        return None
    return moved, None if latent is None else move(latent, *shift)


def _less_alike(
    looks: tuple[ColourModel, np.ndarray], moved: np.ndarray, at_flow: np.ndarray
) -> bool:
    """Whether the moved mask is clearly less like the object than the flow's placement."""
    anchor, image = looks
    box = mask_box(moved | at_flow)
    if box is None or not at_flow.any():
        return False
    x0, y0, x1, y1 = box
    bins = colour_index(image[y0:y1, x0:x1])
    alike_moved = anchor.bin_similarity(bins, moved[y0:y1, x0:x1])
    return alike_moved < anchor.bin_similarity(bins, at_flow[y0:y1, x0:x1]) - LESS_ALIKE


def _scaled(image: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1.0:
        return image
    h, w = image.shape
    size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)
