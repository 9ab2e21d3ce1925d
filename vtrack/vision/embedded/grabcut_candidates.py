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


def _search_rects(
    w: int, h: int, pos: list[tuple[int, int]]
) -> list[tuple[float, float, float, float]]:
    """Rectangles of five sizes and three aspects around the positive clicks, smallest first
    (frame pixel coordinates, not yet clipped or rounded)."""
    xs = [p[0] for p in pos]
    ys = [p[1] for p in pos]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    base = min(w, h)
    rects = []
    for half in (0.12, 0.22, 0.35, 0.5, 0.7):
        for aspect in (1.0, 0.55, 1.8):
            hx = half * base * np.sqrt(aspect) + span_x / 2
            hy = half * base / np.sqrt(aspect) + span_y / 2
            rects.append((cx - hx, cy - hy, cx + hx, cy + hy))
    return rects


def _pool() -> ThreadPoolExecutor:
    """Two threads for the rectangle search: GrabCut releases the GIL, so a click uses both
    cores (each thread seeds its own OpenCV RNG: the result does not depend on the threads)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(2, thread_name_prefix="vtrack-grabcut")
    return _POOL


_POOL: ThreadPoolExecutor | None = None


class _SearchLevel:
    """The frame shrunk to one long side, with the clicks and edge strength at that size."""

    def __init__(
        self,
        image: np.ndarray,
        pos: list[tuple[int, int]],
        neg: list[tuple[int, int]],
        long_side: int,
    ) -> None:
        h, w = image.shape[:2]
        self.scale = min(1.0, long_side / max(h, w))
        self.w, self.h = max(8, round(w * self.scale)), max(8, round(h * self.scale))
        self.image = resize(image, (self.w, self.h))
        self.pos = [self._point(p) for p in pos]
        self.neg = [self._point(p) for p in neg]
        self.edges = _edge_strength(self.image)

    def _point(self, p: tuple[int, int]) -> tuple[int, int]:
        return min(self.w - 1, int(p[0] * self.scale)), min(self.h - 1, int(p[1] * self.scale))

    def rect(self, r: tuple[float, float, float, float]) -> tuple[int, int, int, int] | None:
        """A frame rectangle at this size, clipped; None when under 4 pixels a side."""
        s = self.scale
        out = (
            max(0, int(r[0] * s)),
            max(0, int(r[1] * s)),
            min(self.w, int(r[2] * s) + 1),
            min(self.h, int(r[3] * s) + 1),
        )
        return out if out[2] - out[0] >= 4 and out[3] - out[1] >= 4 else None

    def cut(self, r: tuple[float, float, float, float]) -> tuple[np.ndarray | None, float]:
        """GrabCut from the rectangle (the clicks' component) and its score (-inf if none)."""
        rect = self.rect(r)
        if rect is None:
            return None, -np.inf
        labels = np.full((self.h, self.w), cv2.GC_BGD, np.uint8)
        labels[rect[1] : rect[3], rect[0] : rect[2]] = cv2.GC_PR_FGD
        stamp_clicks(labels, self.pos, self.neg, 2)
        mask = component_at(grabcut(self.image, labels, _SEARCH_ITERATIONS), *self.pos[0])
        return mask, _score_candidate(self.image, mask, rect, self.edges)


# Each candidate rectangle is cut on the frame shrunk so that the rectangle's short side spans
# about `_RECT_PIXELS` pixels, at one of `_LEVELS` long sides (never more than
# `_SEARCH_LONG_SIDE`): a small object keeps every pixel it has, a large one is cut from fewer.
# GrabCut's cost grows with the window it runs on: at 240 the six largest rectangles were three
# quarters of the search. The `_RECUT` best of the shrunk cuts are cut again at full search size
# and the winner is chosen among full-size cuts only (elephant's frame-0 J was 0.48 without it,
# 0.80 with it or with no shrinking). DAVIS, one click at a random object pixel (4 per
# sequence, frame 0; bench note in RESULTS.md): no shrinking tune 0.759 / holdout 0.608 J, mean
# click CPU 0.39 s; shrunk with one re-cut: see RESULTS.md. 64 px is where a rectangle's
# object still spans a few superpixels' worth of pixels at the smallest level.
_RECT_PIXELS = 64
_LEVELS = (120, 170, 240)
_RECUT = 1
# GrabCut iterations of each candidate cut: the candidates only rank rectangles and seed the
# object (the motion prune and the whole-object step re-place its boundary). DAVIS frame 0
# (`bench/eval_click.py --clicks 3 --random 4`): 2 iterations tune J 0.835 / 0.860 (1 / 3
# clicks), random pixel 0.756, holdout 0.703 / 0.773 / 0.621; 1 iteration 0.835 / 0.860 / 0.758,
# holdout 0.703 / 0.773 / 0.622, at ~0.7x the search's CPU.
_SEARCH_ITERATIONS = 1


def _level_for(rect: tuple[float, float, float, float], long_side: int, full_long: int) -> int:
    """The long side to cut `rect` (frame pixels of a frame `full_long` long) at."""
    short = min(rect[2] - rect[0], rect[3] - rect[1]) * long_side / full_long
    wanted = long_side * _RECT_PIXELS / max(1.0, short)
    fitting = [level for level in _LEVELS if level <= long_side and level >= wanted]
    return min(fitting) if fitting else min(long_side, max(_LEVELS))


def _cost(job: tuple[_SearchLevel, tuple[float, float, float, float]]) -> int:
    """Pixels GrabCut works on for a search job (its rectangle with the context around it)."""
    level, r = job
    rect = level.rect(r)
    if rect is None:
        return 0
    rw, rh = rect[2] - rect[0], rect[3] - rect[1]
    return (min(level.w, rect[2] + rw) - max(0, rect[0] - rw)) * (
        min(level.h, rect[3] + rh) - max(0, rect[1] - rh)
    )


def _search_cuts(
    jobs: list[tuple[_SearchLevel, tuple[float, float, float, float]]], search: _SearchLevel
) -> list[tuple[np.ndarray | None, float]]:
    """Every candidate's cut at full search size: the jobs cut at `search`'s size, then the
    `_RECUT` best of those cut on a smaller frame cut again at full size (the winner is chosen
    among full-size cuts only: scores at two sizes are not comparable).

    The shrunk cuts go to the two threads first and the full-size ones after them, each group
    largest first; this thread does the re-cuts as soon as the shrunk cuts are in, beside the
    full-size ones (before, the re-cut ran alone after all of them). Same cuts, same order of
    results: the same mask.
    """
    shrunk = [i for i, (level, _) in enumerate(jobs) if level is not search]
    full = [i for i, (level, _) in enumerate(jobs) if level is search]
    pool = _pool()
    futures = {}
    for group in (shrunk, full):
        for i in sorted(group, key=lambda i: -_cost(jobs[i])):
            futures[i] = pool.submit(jobs[i][0].cut, jobs[i][1])
    scores = {i: futures[i].result() for i in shrunk}
    best_shrunk = sorted(shrunk, key=lambda i: -scores[i][1])[:_RECUT]
    again = [search.cut(jobs[i][1]) for i in best_shrunk if scores[i][0] is not None]
    return [futures[i].result() for i in full] + again


def grabcut_search(
    image: np.ndarray, pos: list[tuple[int, int]], neg: list[tuple[int, int]]
) -> np.ndarray:
    """Search rectangle sizes/aspects around the clicks; return the best GrabCut mask."""
    h, w = image.shape[:2]
    rects = _search_rects(w, h, pos)
    levels: dict[int, _SearchLevel] = {}
    jobs = []
    for rect in rects:
        side = _level_for(rect, _SEARCH_LONG_SIDE, max(h, w))
        if side not in levels:
            levels[side] = _SearchLevel(image, pos, neg, side)
        jobs.append((levels[side], rect))
    search = levels.get(_SEARCH_LONG_SIDE) or _SearchLevel(image, pos, neg, _SEARCH_LONG_SIDE)
    final = _search_cuts(jobs, search)
    best, best_score = None, -np.inf
    for mask, score in final:
        if mask is not None and score > best_score:
            best, best_score = mask, score
    if best is None or not best.any():
        best = np.zeros((search.h, search.w), bool)
        cv2.circle(best.view(np.uint8), search.pos[0], max(2, min(search.w, search.h) // 20), 1, -1)
    return resize(best.astype(np.float32), (w, h)) > 0.5
