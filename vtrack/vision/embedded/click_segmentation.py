"""Interactive segmentation of one object on one frame from clicks or a box (no learned weights).

Strategy, first match wins:
1. the click lands on a person found by mediapipe pose -> that person's segmentation;
2. the click lands on mediapipe's selfie-segmentation foreground (a good salient-object cue even
   for animals and boats) -> that component, refined by GrabCut;
3. otherwise GrabCut from several candidate rectangles around the click, keeping the candidate
   whose contour follows strong edges without running into its rectangle.
For objects other than people, a few frames later of the same video then prune the mask: pixels
that move like the dominant (camera) motion and not like the click are cut away before a last
GrabCut pass (a rhino's mask stops at the rocks it stands in front of).
A water reflection joined to the mask (it moves with the object and has its colours) is cut at
its mirror axis, and what moves like the click above the axis is added back (a boat's stern).
Negative clicks become certain background for GrabCut and cut their component away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from vtrack.boxes import mask_box
from vtrack.vision.embedded.appearance import colour_distinctness
from vtrack.vision.embedded.imageops import component_at, disk, fill_holes, resize
from vtrack.vision.embedded.person_segmenter import PersonSegmenter

# GrabCut candidate search runs at this long side; the chosen candidate is refined at work size.
_SEARCH_LONG_SIDE = 240


@dataclass
class ClickResult:
    """A mask at the working resolution and how it was found (drives the tracker's cues)."""

    mask: np.ndarray
    kind: str  # "person", "salient" or "object"
    description: str = ""
    extras: dict = field(default_factory=dict)


def _grabcut(image: np.ndarray, init: np.ndarray, iterations: int = 3) -> np.ndarray:
    """Run GrabCut from a label map (cv2.GC_*); returns the foreground mask."""
    labels = init.astype(np.uint8).copy()
    if not np.any((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)):
        return np.zeros(labels.shape, bool)
    if not np.any((labels == cv2.GC_BGD) | (labels == cv2.GC_PR_BGD)):
        return labels != cv2.GC_BGD
    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    # GrabCut seeds its k-means from OpenCV's global RNG: fix it so a click gives the same mask
    # whatever ran before
    cv2.setRNGSeed(12345)
    try:
        cv2.grabCut(image, labels, None, bgd, fgd, iterations, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)
    return (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)


def _stamp_clicks(
    labels: np.ndarray, pos: list[tuple[int, int]], neg: list[tuple[int, int]], r: int
) -> None:
    for x, y in pos:
        cv2.circle(labels, (x, y), r, int(cv2.GC_FGD), -1)
    for x, y in neg:
        cv2.circle(labels, (x, y), r, int(cv2.GC_BGD), -1)


def refine_with_grabcut(
    image: np.ndarray,
    mask: np.ndarray,
    pos: list[tuple[int, int]],
    neg: list[tuple[int, int]],
    band: int | None = None,
    background: np.ndarray | None = None,
) -> np.ndarray:
    """Let GrabCut move a rough mask's boundary within a band to follow colour edges.

    `background` marks pixels known not to be the object (a reflection below its waterline):
    certain background, so their colours also teach GrabCut's background model.
    """
    h, w = mask.shape
    if band is None:
        band = max(3, int(0.02 * max(h, w)))
    m = mask.astype(np.uint8)
    core = cv2.erode(m, disk(band))
    outer = cv2.dilate(m, disk(band * 2))
    labels = np.full((h, w), cv2.GC_BGD, np.uint8)
    labels[outer > 0] = cv2.GC_PR_BGD
    labels[m > 0] = cv2.GC_PR_FGD
    labels[core > 0] = cv2.GC_FGD
    if background is not None:
        labels[background] = cv2.GC_BGD
    _stamp_clicks(labels, pos, neg, max(2, band // 2))
    return _grabcut(image, labels)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.count_nonzero(a | b)
    return float(np.count_nonzero(a & b) / union) if union else 0.0


def _edge_strength(image: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)
    return mag / (float(mag.mean()) + 1e-3)


def _boundary(mask: np.ndarray) -> np.ndarray:
    m = mask.astype(np.uint8)
    return (m - cv2.erode(m, disk(1))) > 0


def _score_candidate(
    image: np.ndarray, mask: np.ndarray, rect: tuple[int, int, int, int], edges: np.ndarray
) -> float:
    """Colour distinctness from the surroundings, edge contrast as a tie-break."""
    area = np.count_nonzero(mask)
    h, w = mask.shape
    if area < 0.002 * h * w or area > 0.5 * h * w:
        return -1.0
    x0, y0, x1, y1 = rect
    fill = area / max(1, (x1 - x0) * (y1 - y0))
    if fill > 0.85:
        return -1.0  # a mask filling its whole rectangle is GrabCut giving up, not an object
    contour = _boundary(mask)
    contrast = float(edges[contour].mean()) if contour.any() else 0.0
    return colour_distinctness(image, mask) + 0.01 * contrast


def grabcut_search(
    image: np.ndarray, pos: list[tuple[int, int]], neg: list[tuple[int, int]]
) -> np.ndarray:
    """Search rectangle sizes/aspects around the clicks; return the best GrabCut mask."""
    h, w = image.shape[:2]
    scale = min(1.0, _SEARCH_LONG_SIDE / max(h, w))
    sw, sh = max(8, round(w * scale)), max(8, round(h * scale))
    small = resize(image, (sw, sh))
    spos = [(min(sw - 1, int(x * scale)), min(sh - 1, int(y * scale))) for x, y in pos]
    sneg = [(min(sw - 1, int(x * scale)), min(sh - 1, int(y * scale))) for x, y in neg]
    edges = _edge_strength(small)
    xs = [p[0] for p in spos]
    ys = [p[1] for p in spos]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    best, best_score = None, -np.inf
    base = min(sw, sh)
    for half in (0.12, 0.22, 0.35, 0.5, 0.7):
        for aspect in (1.0, 0.55, 1.8):
            hx = half * base * np.sqrt(aspect) + span_x / 2
            hy = half * base / np.sqrt(aspect) + span_y / 2
            rect = (
                max(0, int(cx - hx)),
                max(0, int(cy - hy)),
                min(sw, int(cx + hx) + 1),
                min(sh, int(cy + hy) + 1),
            )
            if rect[2] - rect[0] < 4 or rect[3] - rect[1] < 4:
                continue
            labels = np.full((sh, sw), cv2.GC_BGD, np.uint8)
            labels[rect[1] : rect[3], rect[0] : rect[2]] = cv2.GC_PR_FGD
            _stamp_clicks(labels, spos, sneg, 2)
            mask = _grabcut(small, labels, iterations=2)
            mask = component_at(mask, *spos[0])
            score = _score_candidate(small, mask, rect, edges)
            if score > best_score:
                if best is not None and best_score > 0.85 and _iou(mask, best) > 0.95:
                    # two rectangles agree on a clearly distinct region: the search has converged
                    return resize(mask.astype(np.float32), (w, h)) > 0.5
                best, best_score = mask, score
            elif score > 0.85 and best is not None and _iou(mask, best) > 0.95:
                return resize(best.astype(np.float32), (w, h)) > 0.5
    if best is None or not best.any():
        best = np.zeros((sh, sw), bool)
        cv2.circle(best.view(np.uint8), spos[0], max(2, base // 20), 1, -1)
    return resize(best.astype(np.float32), (w, h)) > 0.5


def motion_logodds(image: np.ndarray, other: np.ndarray, x: int, y: int) -> np.ndarray | None:
    """Log-odds that each pixel moves like the clicked point rather than like the camera.

    DIS flow from `image` to `other` (a frame a few steps away); the camera's motion is the
    RANSAC homography of the whole flow field (the background is most of the frame), the
    object's is the median flow in a disk around the click. None when the two motions are too
    alike to tell apart (a still object, or a camera following it exactly).
    """
    g0 = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    g1 = cv2.cvtColor(other, cv2.COLOR_RGB2GRAY)
    flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc(g0, g1, None)
    h, w = g0.shape
    gy, gx = np.mgrid[0:h:4, 0:w:4]
    src = np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)
    dst = src + flow[::4, ::4].reshape(-1, 2)
    if len(src) < 8:
        return None
    hom, _ = cv2.findHomography(src, dst, cv2.RANSAC, 1.0)
    if hom is None:
        return None
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    pts = np.stack([xx, yy], -1)
    cam = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), hom).reshape(h, w, 2) - pts
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


def prune_by_motion(
    image: np.ndarray, mask: np.ndarray, motion: np.ndarray, x: int, y: int
) -> np.ndarray:
    """Cut away what clearly moves with the camera, then let GrabCut re-place the boundary.

    Measured on frame 0 of DAVIS (motion from frame 4): rhino J 0.52 -> 0.78, boat 0.34 ->
    0.39, composited scenes +0.01-0.03; bear -0.01. People are left to the pose model (their
    limbs move unlike their body and would be cut).
    """
    kept = component_at(mask & ~(motion < -1.5), x, y)
    if not kept.any():
        return mask
    refined = component_at(refine_with_grabcut(image, kept, [(x, y)], []), x, y)
    return fill_holes(refined) if refined.any() else kept


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


def cut_reflection(
    image: np.ndarray, mask: np.ndarray, motion: np.ndarray | None, x: int, y: int
) -> np.ndarray:
    """Cut a water reflection below the object; let the motion cue restore the rest above it.

    The selfie component of a boat is its front half plus that half's reflection (the white
    stern is missing): past a clear mirror axis below the click (correlation > 0.75, a
    darker, lower-contrast copy below) everything under the axis is dropped; what strongly
    moves like the click (log-odds > 2.5) above the axis and near the mask is added back
    before GrabCut re-places the boundary, with the reflection as certain background (its
    colours are the hull's, so GrabCut then finds the hull's lower edge). Boat frame-0 J
    0.39 -> 0.64.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    axis, ncc, dimmer = _mirror_axis(gray, mask)
    if axis <= y or ncc < 0.75 or not dimmer:
        return mask
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


def segment_points(
    image: np.ndarray,
    pos: list[tuple[int, int]],
    neg: list[tuple[int, int]],
    person: PersonSegmenter | None = None,
    later_frame: Callable[[], np.ndarray | None] | None = None,
) -> ClickResult:
    """Segment the object under the positive clicks (pixel coordinates of `image`).

    `later_frame` gives a frame a few steps away (same size) for the motion cue; it is only
    called for objects that are not people.
    """
    if not pos:
        return ClickResult(np.zeros(image.shape[:2], bool), "object", "no positive click")
    h, w = image.shape[:2]
    x, y = pos[0]
    result: ClickResult | None = None
    if person is not None and person.available:
        pose = person.pose(image)
        if pose is not None and pose.mask is not None and pose.mask[y, x] > 0.5:
            comp = component_at(pose.mask > 0.5, x, y)
            if comp.any():
                result = ClickResult(comp, "person", "a person", {"landmarks": pose.landmarks})
        if result is None:
            prob = person.person_probability(image)
            if prob is not None and prob[y, x] > 0.5:
                comp = component_at(prob > 0.5, x, y)
                # a component over a third of the frame is the model's scene-level foreground
                # (a cup under a small face), not the clicked object
                if 0.001 * h * w < comp.sum() < 0.35 * h * w:
                    refined = component_at(refine_with_grabcut(image, comp, pos, neg), x, y)
                    if refined.any():
                        comp = refined
                    result = ClickResult(comp, "salient", "the object under the click")
    if result is None:
        result = ClickResult(
            grabcut_search(image, pos, neg), "object", "the object under the click"
        )
    mask = result.mask
    if result.kind != "person" and later_frame is not None and mask.any():
        other = later_frame()
        motion = motion_logodds(image, other, x, y) if other is not None else None
        if motion is not None:
            mask = prune_by_motion(image, mask, motion, x, y)
        mask = cut_reflection(image, mask, motion, x, y)
    if neg:
        # a negative click must win even when the cue that produced the mask ignored it
        mask = apply_negative_clicks(image, mask, pos, neg)
    mask = fill_holes(mask)
    if neg:
        _carve_negatives(mask, neg)  # filling holes must not bring a negative click back
    result.mask = mask
    return result


def _carve_negatives(mask: np.ndarray, neg: list[tuple[int, int]]) -> None:
    """Clear a small disk around each negative click in place.

    GrabCut may bridge around a negative seed, and the light blur applied when the mask is
    upsampled would close a one-pixel cut: a disk a few pixels wide keeps the click outside.
    """
    r = max(3, int(0.012 * max(mask.shape)))
    m8 = mask.view(np.uint8)
    for x, y in neg:
        cv2.circle(m8, (x, y), r, 0, -1)


def apply_negative_clicks(
    image: np.ndarray, mask: np.ndarray, pos: list[tuple[int, int]], neg: list[tuple[int, int]]
) -> np.ndarray:
    """Re-cut the mask with GrabCut so every negative click (and what looks like it) is excluded."""
    if not any(mask[y, x] for x, y in neg):
        return mask
    refined = refine_with_grabcut(image, mask, pos, neg)
    _carve_negatives(refined, neg)
    comps = np.zeros(mask.shape, bool)
    for x, y in pos:
        if 0 <= y < mask.shape[0] and 0 <= x < mask.shape[1]:
            comps |= component_at(refined, x, y)
    return comps if comps.any() else refined & mask


def segment_box(
    image: np.ndarray, box: tuple[int, int, int, int], person: PersonSegmenter | None = None
) -> ClickResult:
    """Segment the object inside a pixel box (x0, y0, x1, y1) with GrabCut (and pose for people)."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = box
    x0, x1 = sorted((max(0, x0), min(w, x1)))
    y0, y1 = sorted((max(0, y0), min(h, y1)))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return ClickResult(np.zeros((h, w), bool), "object", "empty box")
    inside = np.zeros((h, w), bool)
    inside[y0:y1, x0:x1] = True
    if person is not None and person.available:
        pose = person.pose(image)
        if pose is not None and pose.mask is not None:
            pm = (pose.mask > 0.5) & inside
            if pm.sum() > 0.2 * inside.sum():
                return ClickResult(pm, "person", "a person")
    labels = np.full((h, w), cv2.GC_BGD, np.uint8)
    labels[inside] = cv2.GC_PR_FGD
    mask = _grabcut(image, labels, iterations=4) & inside
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    if mask.any():
        _, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8))
        biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        mask = lab == biggest
    else:
        mask = inside.copy()
        mask[:] = False
        cv2.ellipse(
            mask.view(np.uint8), (cx, cy), ((x1 - x0) // 2, (y1 - y0) // 2), 0, 0, 360, 1, -1
        )
    return ClickResult(fill_holes(mask), "object", "the object in the box")
