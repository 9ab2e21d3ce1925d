"""Chains: for each hole pixel, the nearest frame in one temporal direction that saw the
background there, found by following the camera motion frame by frame.

A pass walks the clip in one direction. At frame t each pixel of the hole is moved into the
previous frame of the walk, u, by the camera homography. If it lands on background there, u is
its source; if it lands in u's own hole, it inherits u's answer at that spot (found the same way
one step earlier). Answers are (source frame, sub-pixel position in it), not colours, so a
background pixel carried over 50 frames is sampled once from the real frame instead of being
blurred by 50 resamplings; and chained homographies compose exactly, so nothing drifts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.inpaint.embedded.holes import Hole
from vtrack.inpaint.embedded.rows import put
from vtrack.inpaint.embedded.sampling import remap_points

NONE = -1


@dataclass
class ChainState:
    """Over a hole's box: source frame index (NONE: no frame saw it) and position in it."""

    src: np.ndarray  # int32 (h, w)
    x: np.ndarray  # float32 (h, w)
    y: np.ndarray  # float32 (h, w)

    @classmethod
    def empty(cls, shape: tuple[int, int]) -> ChainState:
        return cls(
            np.full(shape, NONE, np.int32), np.zeros(shape, np.float32), np.zeros(shape, np.float32)
        )


def _lookup(state: ChainState, hole: Hole, qx: np.ndarray, qy: np.ndarray) -> ChainState:
    """`state` (over `hole`'s box) read at full-frame points (1-D arrays; 1-D results).

    Positions are interpolated bilinearly where the four neighbours share a source (positions
    vary smoothly within one source). Where they do not (the seam between what two frames
    revealed) the nearest neighbour's answer is moved by the query's offset from it, which is
    exact for a locally translating scene; snapping to it would shift the pixel by up to half a
    pixel at every step of a chain.
    """
    mx, my = qx - hole.box[0], qy - hole.box[1]
    src_f = state.src.astype(np.float32)
    edge = {"border": cv2.BORDER_CONSTANT, "border_value": float(NONE)}
    near = remap_points(src_f, mx, my, cv2.INTER_NEAREST, **edge)
    lin = remap_points(src_f, mx, my, cv2.INTER_LINEAR, **edge)
    smooth = np.abs(lin - near) < 1e-3
    nx, ny = np.round(mx), np.round(my)

    def read(values: np.ndarray, offset: np.ndarray) -> np.ndarray:
        return np.where(
            smooth,
            remap_points(values, mx, my, cv2.INTER_LINEAR),
            remap_points(values, nx, ny, cv2.INTER_NEAREST) + offset,
        )

    return ChainState(
        np.round(near).astype(np.int32), read(state.x, mx - nx), read(state.y, my - ny)
    )


def chain_step(
    hole: Hole,
    to_u: np.ndarray,
    u: int,
    hole_u: Hole | None,
    state_u: ChainState | None,
    frame_shape: tuple[int, int],
) -> ChainState:
    """Frame t's answers from frame u's: `to_u` maps t's pixels onto u's (homography); `hole_u`
    and `state_u` are u's hole and answers (None: u has no hole, or the pass starts at u)."""
    state = ChainState.empty(hole.shape)
    xs, ys = hole.pixels()
    pts = np.stack([xs, ys], axis=-1).astype(np.float64)
    q = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), to_u).reshape(-1, 2)
    qx, qy = q[:, 0].astype(np.float32), q[:, 1].astype(np.float32)
    height, width = frame_shape
    in_frame = (qx >= 0) & (qx <= width - 1) & (qy >= 0) & (qy <= height - 1)
    covered = hole_u.covers(qx, qy) if hole_u is not None else np.zeros(qx.shape, bool)
    seen = in_frame & ~covered
    # Set through masks over the box (row-major, the region's order): one pass each.
    at = np.zeros(hole.shape, bool)
    at[hole.region] = seen
    state.src[at] = u
    state.x[at] = qx[seen]
    state.y[at] = qy[seen]
    inherit = in_frame & covered
    if state_u is not None and hole_u is not None and inherit.any():
        got = _lookup(state_u, hole_u, qx[inherit], qy[inherit])
        at[hole.region] = inherit
        state.src[at] = got.src
        state.x[at] = got.x
        state.y[at] = got.y
    return state


# spots(x, y): where full-frame points fall on the moving parts' small grid (moving.py).
Spots = Callable[[np.ndarray, np.ndarray], np.ndarray]


def candidates(
    frames: Sequence[np.ndarray], state: ChainState, hole: Hole, t: int, spots: Spots
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Colours (n, 3) uint8, ages (n,) (frames between t and the source; 0: none) and the source
    spots on the moving parts' grid (n,) int32, for the chain's answers at the hole's region
    pixels, row-major. Whether a spot showed something moving is asked only where it matters
    (combine.py: where the two directions disagree)."""
    src = state.src[hole.region]
    xs, ys = state.x[hole.region], state.y[hole.region]
    colours = np.zeros((src.size, 3), np.uint8)
    order = np.argsort(src, kind="stable")
    keys, starts = np.unique(src[order], return_index=True)
    ends = np.append(starts[1:], src.size)
    for k, a, b in zip(keys, starts, ends, strict=True):
        if k != NONE:
            at = order[a:b]
            put(colours, at, remap_points(np.asarray(frames[int(k)]), xs[at], ys[at]))
    ages = np.where(src == NONE, 0, np.abs(src - t)).astype(np.int32)
    return colours, ages, spots(xs, ys)
