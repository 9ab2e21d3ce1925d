"""GrabCut on a label map, boundary refinement of a rough mask, and the rectangle search that
finds a click's object when no other cue does."""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from vtrack.vision.embedded.appearance import colour_distinctness
from vtrack.vision.embedded.imageops import component_at, disk, resize

# GrabCut candidate search runs at this long side; the chosen candidate is refined at work size.
_SEARCH_LONG_SIDE = 240
# GrabCut runs on the uncertain region grown by this many times its size on each side. DAVIS
# frame 0 (bench/eval_click.py, J after 1 / 3 clicks, click CPU s p50): the whole frame tune
# 0.833 / 0.859 / 0.31 s, holdout 0.678 / 0.749 / 0.38 s; x1 tune 0.834 / 0.859 / 0.24 s, holdout
# 0.681 / 0.751 / 0.31 s; x0.5 tune 0.835 / 0.859 / 0.21 s, holdout 0.659 / 0.746 / 0.29 s.
# Tune cannot tell 0.5 from 1; 1 is the one closer to the whole frame.
_CONTEXT = 1.0


def grabcut(image: np.ndarray, init: np.ndarray, iterations: int = 3) -> np.ndarray:
    """Run GrabCut from a label map (cv2.GC_*); returns the foreground mask."""
    labels = init.astype(np.uint8).copy()
    if not np.any((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)):
        return np.zeros(labels.shape, bool)
    if not np.any((labels == cv2.GC_BGD) | (labels == cv2.GC_PR_BGD)):
        return labels != cv2.GC_BGD
    window = _working_window(labels)
    sub = np.ascontiguousarray(labels[window])  # grabCut writes into it: no strided view
    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    # GrabCut seeds its k-means from OpenCV's global RNG: fix it so a click gives the same mask
    # whatever ran before
    cv2.setRNGSeed(12345)
    with contextlib.suppress(cv2.error):  # a degenerate label map: keep the labels as given
        cv2.grabCut(
            np.ascontiguousarray(image[window]),
            sub,
            None,
            bgd,
            fgd,
            iterations,
            cv2.GC_INIT_WITH_MASK,
        )
    labels[window] = sub
    return (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)


def _working_window(labels: np.ndarray) -> tuple[slice, slice]:
    """The part of the frame GrabCut needs: everything not certain background, grown on every
    side by `_CONTEXT` times its size (the background colours near the object; far pixels only
    cost time)."""
    ys, xs = np.nonzero(labels != cv2.GC_BGD)
    h, w = labels.shape
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    my, mx = max(8, int((y1 - y0) * _CONTEXT)), max(8, int((x1 - x0) * _CONTEXT))
    return slice(max(0, y0 - my), min(h, y1 + my)), slice(max(0, x0 - mx), min(w, x1 + mx))


def stamp_clicks(
    labels: np.ndarray, pos: list[tuple[int, int]], neg: list[tuple[int, int]], r: int
) -> None:
    """Mark disks of radius `r` around the clicks as certain foreground / background."""
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
    stamp_clicks(labels, pos, neg, max(2, band // 2))
    return grabcut(image, labels)


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


def _search_rects(sw: int, sh: int, spos: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Rectangles of five sizes and three aspects around the positive clicks, smallest first."""
    xs = [p[0] for p in spos]
    ys = [p[1] for p in spos]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    base = min(sw, sh)
    rects = []
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
            if rect[2] - rect[0] >= 4 and rect[3] - rect[1] >= 4:
                rects.append(rect)
    return rects


def _pool() -> ThreadPoolExecutor:
    """Two threads for the rectangle search: GrabCut releases the GIL, so a click uses both
    cores (each thread seeds its own OpenCV RNG: the result does not depend on the threads)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(2, thread_name_prefix="vtrack-grabcut")
    return _POOL


_POOL: ThreadPoolExecutor | None = None


def grabcut_search(
    image: np.ndarray, pos: list[tuple[int, int]], neg: list[tuple[int, int]]
) -> np.ndarray:
    """Search rectangle sizes/aspects around the clicks; return the best GrabCut mask.

    The candidates are judged in order, as one by one; they are cut two at a time."""
    h, w = image.shape[:2]
    scale = min(1.0, _SEARCH_LONG_SIDE / max(h, w))
    sw, sh = max(8, round(w * scale)), max(8, round(h * scale))
    small = resize(image, (sw, sh))
    spos = [(min(sw - 1, int(x * scale)), min(sh - 1, int(y * scale))) for x, y in pos]
    sneg = [(min(sw - 1, int(x * scale)), min(sh - 1, int(y * scale))) for x, y in neg]
    edges = _edge_strength(small)

    def candidate(rect: tuple[int, int, int, int]) -> tuple[np.ndarray, float]:
        labels = np.full((sh, sw), cv2.GC_BGD, np.uint8)
        labels[rect[1] : rect[3], rect[0] : rect[2]] = cv2.GC_PR_FGD
        stamp_clicks(labels, spos, sneg, 2)
        mask = component_at(grabcut(small, labels, iterations=2), *spos[0])
        return mask, _score_candidate(small, mask, rect, edges)

    best, best_score = None, -np.inf
    rects = _search_rects(sw, sh, spos)
    for start in range(0, len(rects), 2):
        for mask, score in _pool().map(candidate, rects[start : start + 2]):
            if score > best_score:
                if best is not None and best_score > 0.85 and _iou(mask, best) > 0.95:
                    # two rectangles agree on a clearly distinct region: the search has converged
                    return resize(mask.astype(np.float32), (w, h)) > 0.5
                best, best_score = mask, score
            elif score > 0.85 and best is not None and _iou(mask, best) > 0.95:
                return resize(best.astype(np.float32), (w, h)) > 0.5
    if best is None or not best.any():
        best = np.zeros((sh, sw), bool)
        cv2.circle(best.view(np.uint8), spos[0], max(2, min(sw, sh) // 20), 1, -1)
    return resize(best.astype(np.float32), (w, h)) > 0.5
