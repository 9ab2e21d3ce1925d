"""The tracker's verdict on a collapsed mask: the object is absent only when the evidence says so
(where the flow puts it no longer looks like it, or the flow itself lost it), never only because
the refined mask shrank."""

from __future__ import annotations

import numpy as np
import skimage.data

from vtrack.vision.embedded.flow_tracker import FlowTracker
from vtrack.vision.embedded.refine import Window, warp_latent, warp_prior
from vtrack.vision.embedded.track_state import init_state

W, H = 320, 240


def _frame() -> tuple[np.ndarray, np.ndarray]:
    """A real photo (the rocket scene) with the astronaut's face pasted on it, and its mask."""
    image = np.ascontiguousarray(skimage.data.rocket()[:H, :W])
    face = skimage.data.astronaut()[40:140, 170:260]
    image[70:170, 110:200] = face
    mask = np.zeros((H, W), bool)
    mask[70:170, 110:200] = True
    return image, mask


def _window(image: np.ndarray, shift: tuple[float, float] = (0.0, 0.0)) -> Window:
    gx, gy = np.meshgrid(np.arange(W, dtype=np.float32), np.arange(H, dtype=np.float32))
    flow = np.zeros((H, W, 2), np.float32)
    flow[..., 0], flow[..., 1] = shift
    return Window((0, 0, W, H), image, flow, gx, gy)


def test_the_object_is_still_where_the_flow_puts_it() -> None:
    image, mask = _frame()
    state = init_state(image, mask, None)
    win = _window(image)
    assert FlowTracker._still_there(state, win, warp_prior(mask, win, state.ref_area))


def test_a_covered_object_is_not_still_there() -> None:
    image, mask = _frame()
    state = init_state(image, mask, None)
    covered = image.copy()
    covered[mask] = (96, 104, 92)  # a wall in front of it
    win = _window(covered)
    assert not FlowTracker._still_there(state, win, warp_prior(mask, win, state.ref_area))


def test_an_object_the_flow_lost_is_not_still_there() -> None:
    image, mask = _frame()
    state = init_state(image, mask, None)
    sliver = np.zeros_like(mask)
    sliver[70:80, 110:120] = True  # what is left of it at the frame's edge, say
    win = _window(image)
    assert not FlowTracker._still_there(state, win, warp_prior(sliver, win, state.ref_area))


def test_the_last_full_view_moves_with_the_prior() -> None:
    image, mask = _frame()
    state = init_state(image, mask, None)
    # the flow points back to the previous frame: -12 px in x means the object moved right
    win = _window(image, shift=(-12.0, 0.0))
    prior = warp_prior(mask, win, state.ref_area)
    moved = warp_latent(mask, win, prior)
    assert moved[120, 110 + 12 + 2] and not moved[120, 110 + 12 - 3]
    assert abs(int(moved.sum()) - int(mask.sum())) < 0.05 * mask.sum()
