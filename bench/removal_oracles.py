"""Oracles and prototypes for bench/removal_analysis.py (diagnostic only: some see the truth).

- truth flow: DIS flow on the CLEAN frames after the homography (the true motion in the hole,
  which no engine sees): what perfect flow completion could reach;
- "est": the same on the input frames, measured on the ring outside both holes and completed
  into the hole by push-pull (issue 14 item 2 as an engine could do it);
- ring selection / blend: the prototype of manyframes.py (sources judged by their match with
  this frame on the ring around the hole).
"""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.inpaint.embedded.pushpull import push_pull
from vtrack.inpaint.embedded.sampling import remap_points

FLOW_OFFSETS = (1, 2, 4, 8, 16)
# Source frames the ring-selection prototype looks at (offsets from t).
RING_OFFSETS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)

# The "est" kind: per-pixel refinement of the homography by DIS flow measured on the ring
# (outside both holes) and completed into the hole by push-pull (issue 14 item 2, tried a third
# time here as an oracle-style measurement; it did not beat the homography, see
# RESULTS_removal.md, so it lives in the bench, not in the engine).
# Pixels around the hole's box over which the flow is measured: the ring the residual inside
# the hole is completed from (several DIS patches wide).
CONTEXT = 24
# Trusted flow keeps this far from either hole: DIS patches (8 px) straddling the object's edge
# follow the object, not the background.
GUARD = 6
# Residuals larger than this (pixels) are not a correction of a good homography but a failure
# of the flow (a moving thing in the ring, no texture): the homography stands there.
MAX_RESIDUAL = 12.0


class Refiner:
    """Residual flow fields, one per (frame, source) pair asked for."""

    def __init__(self) -> None:
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)

    def residual(
        self,
        frame_t: np.ndarray,
        frame_s: np.ndarray,
        to_s: np.ndarray,
        box: tuple[int, int, int, int],
        hole_t: np.ndarray,
        hole_s_at: callable,
    ) -> np.ndarray:
        """(h, w, 2) residual over `box` of frame t: t's pixel p shows what frame s shows at
        to_s(p + residual(p)). `hole_t` is t's hole over the box; `hole_s_at(x, y)` says
        whether full-frame points of s are in s's hole."""
        height, width = frame_t.shape[:2]
        x0, y0, x1, y1 = box
        a0, b0 = max(0, x0 - CONTEXT), max(0, y0 - CONTEXT)
        a1, b1 = min(width, x1 + CONTEXT), min(height, y1 + CONTEXT)
        gx, gy = np.meshgrid(
            np.arange(a0, a1, dtype=np.float32), np.arange(b0, b1, dtype=np.float32)
        )
        pts = np.stack([gx, gy], -1).reshape(-1, 1, 2).astype(np.float64)
        q = cv2.perspectiveTransform(pts, to_s).reshape(gx.shape + (2,)).astype(np.float32)
        warped = cv2.remap(frame_s, q[..., 0], q[..., 1], cv2.INTER_LINEAR, cv2.BORDER_REPLICATE)
        cur = cv2.cvtColor(np.ascontiguousarray(frame_t[b0:b1, a0:a1]), cv2.COLOR_RGB2GRAY)
        flow = self._dis.calc(cur, cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY), None)
        bad = np.zeros(gx.shape, np.uint8)
        bad[y0 - b0 : y1 - b0, x0 - a0 : x1 - a0] = hole_t
        bad |= hole_s_at(q[..., 0], q[..., 1]).astype(np.uint8)
        inside = (q[..., 0] >= 0) & (q[..., 0] <= width - 1) & (q[..., 1] >= 0)
        inside &= q[..., 1] <= height - 1
        bad = cv2.dilate(bad, np.ones((2 * GUARD + 1, 2 * GUARD + 1), np.uint8)) > 0
        trust = ~bad & inside & (np.abs(flow).max(axis=2) < MAX_RESIDUAL)
        if trust.sum() < 64:
            return np.zeros((y1 - y0, x1 - x0, 2), np.float32)
        full = push_pull(flow, trust.astype(np.float32))
        return full[y0 - b0 : y1 - b0, x0 - a0 : x1 - a0]


def flow_targets(
    t: int, s: int, truths: np.ndarray, box: tuple[int, int, int, int], H: np.ndarray, dis
) -> tuple[np.ndarray, np.ndarray]:
    """Full-frame positions in frame s of the box's pixels of frame t, along the homography
    refined by DIS flow between the clean frames (t's box vs s warped onto t)."""
    x0, y0, x1, y1 = box
    pad = 16
    h, w = truths.shape[1:3]
    a0, b0, a1, b1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
    gx, gy = np.meshgrid(np.arange(a0, a1, dtype=np.float32), np.arange(b0, b1, dtype=np.float32))
    pts = np.stack([gx.ravel(), gy.ravel()], -1).astype(np.float64).reshape(-1, 1, 2)
    q = cv2.perspectiveTransform(pts, H).reshape(gy.shape + (2,)).astype(np.float32)
    warped = cv2.remap(truths[s], q[..., 0], q[..., 1], cv2.INTER_LINEAR, cv2.BORDER_REPLICATE)
    cur = cv2.cvtColor(np.ascontiguousarray(truths[t][b0:b1, a0:a1]), cv2.COLOR_RGB2GRAY)
    flow = dis.calc(cur, cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY), None)
    mx = (gx - float(a0) + flow[..., 0]).astype(np.float32)
    my = (gy - float(b0) + flow[..., 1]).astype(np.float32)
    fx = cv2.remap(np.ascontiguousarray(q[..., 0]), mx, my, cv2.INTER_LINEAR)
    fy = cv2.remap(np.ascontiguousarray(q[..., 1]), mx, my, cv2.INTER_LINEAR)
    return fx[y0 - b0 : y1 - b0, x0 - a0 : x1 - a0], fy[y0 - b0 : y1 - b0, x0 - a0 : x1 - a0]


def estimated_targets(t, s, frames, box, H, holes, refiner: Refiner):
    """Positions in s along the homography corrected by the engine-side residual flow."""
    x0, y0, x1, y1 = box
    hole_t = np.zeros((y1 - y0, x1 - x0), np.uint8)
    ht = holes[t]
    if ht is not None:
        bx0, by0, bx1, by1 = ht.box
        full = np.zeros(frames.shape[1:3], np.uint8)
        full[by0:by1, bx0:bx1] = ht.hole
        hole_t = full[y0:y1, x0:x1]
    hs = holes[s]

    def in_s(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return hs.covers(x, y) if hs is not None else np.zeros(x.shape, bool)

    r = refiner.residual(frames[t], frames[s], H, box, hole_t, in_s)
    gx, gy = np.meshgrid(np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32))
    pts = np.stack([gx + r[..., 0], gy + r[..., 1]], -1).reshape(-1, 1, 2).astype(np.float64)
    q = cv2.perspectiveTransform(pts, H).reshape(gx.shape + (2,)).astype(np.float32)
    return q[..., 0], q[..., 1]


def offset_oracle(targets, t, n, xs, ys, pts, truth, frames, holes, motion):
    """Over frames t +- FLOW_OFFSETS moved by `targets(s)`: squared error of the nearest valid
    candidate, of the best one, and of the homography's candidate from that nearest frame."""
    h, w = frames.shape[1:3]
    x0, y0 = int(xs.min()), int(ys.min())
    fbest = np.full(xs.size, np.inf, np.float32)
    fnear_d = np.full(xs.size, 10**6)
    fnear = np.full(xs.size, np.nan, np.float32)
    fhnear = np.full(xs.size, np.nan, np.float32)
    for d in FLOW_OFFSETS:
        for s in (t - d, t + d):
            if s < 0 or s >= n:
                continue
            fx, fy = targets(s)
            qx, qy = fx[ys - y0, xs - x0], fy[ys - y0, xs - x0]
            ok = (qx >= 0) & (qx <= w - 1) & (qy >= 0) & (qy <= h - 1)
            if holes[s] is not None:
                ok &= ~holes[s].covers(qx, qy)
            if not ok.any():
                continue
            c = remap_points(frames[s], qx[ok], qy[ok]).astype(np.float32)
            e = ((c - truth[ok]) ** 2).sum(1)
            fbest[ok] = np.minimum(fbest[ok], e)
            closer = ok.copy()
            closer[ok] = d < fnear_d[ok]
            fnear[closer] = e[closer[ok]]
            fnear_d[closer] = d
            if not closer.any():
                continue
            hq = cv2.perspectiveTransform(pts[closer], motion.between(t, s)).reshape(-1, 2)
            hc = remap_points(frames[s], hq[:, 0].astype(np.float32), hq[:, 1].astype(np.float32))
            fhnear[closer] = ((hc.astype(np.float32) - truth[closer]) ** 2).sum(1)
    return fnear, np.where(np.isfinite(fbest), fbest, np.nan), fhnear


def ring_select(t, n, xs, ys, pts, truth, frames, holes, motion, box):
    """Prototype: per hole pixel the source (t +- RING_OFFSETS) whose homography-aligned frame
    best matches frame t on the known ring around the hole, that match completed into the hole
    by push-pull; returns that candidate's squared error."""
    h, w = frames.shape[1:3]
    x0, y0, x1, y1 = box
    a0, b0, a1, b1 = max(0, x0 - 24), max(0, y0 - 24), min(w, x1 + 24), min(h, y1 + 24)
    gx, gy = np.meshgrid(np.arange(a0, a1, dtype=np.float32), np.arange(b0, b1, dtype=np.float32))
    grid = np.stack([gx, gy], -1).reshape(-1, 1, 2).astype(np.float64)
    hole_t = np.zeros((h, w), bool)
    if holes[t] is not None:
        hb = holes[t].box
        hole_t[hb[1] : hb[3], hb[0] : hb[2]] = holes[t].hole
    known_t = ~hole_t[b0:b1, a0:a1]
    cur = frames[t][b0:b1, a0:a1].astype(np.float32)
    best = np.full(xs.size, np.inf, np.float32)
    pick_e = np.full(xs.size, np.nan, np.float32)
    preds, cols = [], []
    for d in RING_OFFSETS:
        for s in (t - d, t + d):
            if s < 0 or s >= n:
                continue
            H = motion.between(t, s)
            q = cv2.perspectiveTransform(grid, H).reshape(gx.shape + (2,)).astype(np.float32)
            warped = cv2.remap(
                frames[s], q[..., 0], q[..., 1], cv2.INTER_LINEAR, cv2.BORDER_REPLICATE
            )
            valid = (
                (q[..., 0] >= 0) & (q[..., 0] <= w - 1) & (q[..., 1] >= 0) & (q[..., 1] <= h - 1)
            )
            if holes[s] is not None:
                valid &= ~holes[s].covers(q[..., 0], q[..., 1])
            ring = valid & known_t
            if ring.sum() < 64:
                continue
            diff = np.abs(warped.astype(np.float32) - cur).sum(2)
            diff = cv2.GaussianBlur(diff, (0, 0), 2.0)
            pred = push_pull(diff[..., None], ring.astype(np.float32))[..., 0]
            pv = pred[ys - b0, xs - a0] + 0.5 * np.log2(d)
            ok = valid[ys - b0, xs - a0]
            preds.append(np.where(ok, pv, np.inf))
            cols.append(warped[ys - b0, xs - a0].astype(np.float32))
            better = ok & (pv < best)
            if not better.any():
                continue
            best[better] = pv[better]
            c = warped[ys[better] - b0, xs[better] - a0].astype(np.float32)
            pick_e[better] = ((c - truth[better]) ** 2).sum(1)
    return {"sel": pick_e, **_ring_blends(preds, cols, truth, xs.size)}


def _ring_blends(preds: list, cols: list, truth: np.ndarray, count: int) -> dict:
    """Squared error of soft blends of the ring candidates (weight exp(-(ring error - best) / tau)
    for a few taus), NaN where no candidate reached the pixel."""
    taus = (10.0, 30.0, 90.0)
    if not preds:
        return {f"ring_blend{int(tau)}": np.full(count, np.nan, np.float32) for tau in taus}
    P = np.stack(preds)
    base = P.min(axis=0)
    out = {}
    for tau in taus:
        wgt = np.exp(-(P - base[None]) / tau)
        wgt[~np.isfinite(P)] = 0
        mix = (wgt[..., None] * np.stack(cols)).sum(0) / np.maximum(wgt.sum(0), 1e-9)[:, None]
        e = ((mix - truth) ** 2).sum(1)
        out[f"ring_blend{int(tau)}"] = np.where(np.isfinite(base), e, np.nan).astype(np.float32)
    return out
