"""Motion and mirror cues that trim a click's first mask: what moves with the camera is not the
object, and a water reflection below it is cut at its mirror axis."""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.boxes import mask_box
from vtrack.vision.embedded.grabcut_candidates import refine_with_grabcut
from vtrack.vision.embedded.imageops import component_at, fill_holes
from vtrack.vision.embedded.motion_field import MotionField


def motion_logodds(motion: MotionField, x: int, y: int) -> np.ndarray | None:
    """Log-odds that each pixel moves like the clicked point rather than like the camera.

    `motion` is the DIS flow from the frame to one a few steps away and the camera's part of it
    (the RANSAC homography of the whole flow field: the background is most of the frame); the
    object's motion is the median flow in a disk around the click. None when the two motions
    are too alike to tell apart (a still object, or a camera following it exactly).
    """
    flow, cam = motion.flow, motion.camera
    h, w = flow.shape[:2]
    r = max(3, int(0.03 * np.hypot(w, h)))
    disc = flow[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1].reshape(-1, 2)
    f_obj = np.median(disc, axis=0)
    sep = float(np.linalg.norm(f_obj - cam[y, x]))
    if sep < 1.0:
        return None
    d_obj = ((flow - f_obj) ** 2).sum(-1)
    d_cam = ((flow - cam) ** 2).sum(-1)
    # as in the tracker's motion cue: differences are judged relative to how distinct the two
    # motions are, so fast objects do not turn flow noise into certainty
    noise = 0.25 * sep * sep + 0.5
    return np.clip((d_cam - d_obj) / noise, -3.0, 3.0).astype(np.float32)


def prune_by_motion(mask: np.ndarray, motion: np.ndarray, x: int, y: int) -> np.ndarray:
    """Cut away what clearly moves with the camera (the click's component of what is left).

    Measured on frame 0 of DAVIS (motion from frame 4) with a GrabCut re-placing the boundary
    after it: rhino J 0.52 -> 0.78, boat 0.34 -> 0.39, composited scenes +0.01-0.03; bear -0.01.
    That GrabCut is gone: the whole-object step places the boundary (click_segmentation.py).
    People are left to the pose model (their limbs move unlike their body and would be cut).
    """
    kept = component_at(mask & ~(motion < -1.5), x, y)
    return fill_holes(kept) if kept.any() else mask


def _mirror_axis(gray: np.ndarray, mask: np.ndarray) -> tuple[int, float, bool]:
    """The row about which the mask's lower part is the best vertical mirror of what is above.

    A reflection in water is a vertically flipped copy of the object joined at the waterline;
    it moves with the object and has its colours, so neither motion nor colour separate it,
    but the grey rows below the waterline repeat those above it in reverse order. Returns
    (row, normalised cross-correlation of the flipped window above with the window below,
    whether the part below is darker and lower in contrast, as a reflection is), computed over
    the mask's columns on each row. Measured on the click masks of DAVIS: boat 0.83 at the
    waterline (grey std 39 below vs 44 above), every other object 0.54-0.65 at its best row
    (surf's sail 0.65, rhino 0.64, bear 0.54: all with more contrast below; hike's person
    0.78 but brighter below).
    """
    h = gray.shape[0]
    d = max(4, int(0.05 * h))
    rows = np.flatnonzero(mask.any(1))
    best = (-1, -1.0, False)
    if rows.size == 0:
        return best
    for a in range(int(rows[0]) + d, int(rows[-1]) - d + 2):
        cols = np.flatnonzero(mask[a])
        if cols.size < 5:
            continue
        above = gray[a - d : a][::-1][:, cols]
        below = gray[a : a + d][:, cols]
        da = above - above.mean()
        db = below - below.mean()
        ncc = float((da * db).sum() / np.sqrt((da * da).sum() * (db * db).sum() + 1e-6))
        if ncc > best[1]:
            dimmer = below.mean() < above.mean() and below.std() < above.std()
            best = (a, ncc, bool(dimmer))
    return best


def reflection_axis(image: np.ndarray, mask: np.ndarray, y: int) -> int | None:
    """The waterline row of a reflection joined to the mask below the click, or None: a clear
    mirror axis (correlation > 0.75) with a darker, lower-contrast copy below it."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    axis, ncc, dimmer = _mirror_axis(gray, mask)
    return axis if axis > y and ncc >= 0.75 and dimmer else None


def cut_reflection(
    image: np.ndarray, mask: np.ndarray, motion: np.ndarray | None, x: int, y: int, axis: int
) -> np.ndarray:
    """Cut a water reflection below the object; let the motion cue restore the rest above it.

    The selfie component of a boat is its front half plus that half's reflection (the white
    stern is missing): past the mirror axis (`reflection_axis`) everything under it is
    dropped; what strongly moves like the click (log-odds > 2.5) above the axis and near the
    mask is added back before GrabCut re-places the boundary, with the reflection as certain background (its
    colours are the hull's, so GrabCut then finds the hull's lower edge). Boat frame-0 J
    0.39 -> 0.64.
    """
    above = np.zeros(mask.shape, bool)
    above[:axis] = True
    cut = mask & above
    if motion is None:
        return component_at(cut, x, y)
    x0, y0, x1, y1 = mask_box(cut) or (x, y, x + 1, y + 1)
    bh, bw = y1 - y0, x1 - x0
    near = np.zeros(mask.shape, bool)
    near[max(0, y0 - bh // 2) : axis, max(0, x0 - bw // 2) : x1 + bw // 2] = True
    grown = component_at(((motion > 2.5) & near) | cut, x, y)
    refined = refine_with_grabcut(image, grown, [(x, y)], [], background=~above)
    refined = component_at(refined, x, y)
    return refined if refined.any() else component_at(cut, x, y)
