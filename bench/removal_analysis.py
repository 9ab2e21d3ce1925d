"""Where the removal's error in the hole comes from (bench/eval_removal.py --analyse).

Per composite and per frame, the scored hole's pixels are split into
- seen: some other frame of the clip shows that spot (moved there by the engine's own camera
  homography) outside its own hole, so propagation could fill it;
- unseen: no frame does; only a spatial fill can.
and the squared error is compared with oracles that look at the clean truth (diagnostic only):
- nearest: the candidate of the nearest frame (either direction) that saw the spot, as the
  chains take it; the engine's own error against it measures choice + blend;
- best homography: per pixel the best of every frame's homography-aligned candidate: what a
  perfect choice among the propagated candidates could reach (the alignment's own ceiling);
- flow oracle: the candidate moved by DIS flow computed on the CLEAN frames (the true motion
  inside the hole, which no engine sees) from frames t +-1, 2, 4, 8, 16 after the homography;
  nearest valid and best of them: what perfect flow completion could reach.
Pixels are also split by whether the clean truth there is the background footage's own moving
object (its human mask grown by 4 px): content that moves on its own.
On the unseen pixels of a few frames per clip Telea, xphoto FSR_FAST and SHIFTMAP are compared,
with the engine's output as their context.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from removal_oracles import (  # bench/: the script's own folder is on sys.path
    Refiner,
    estimated_targets,
    flow_targets,
    offset_oracle,
    ring_select,
)

from vtrack.config import get_settings
from vtrack.inpaint.embedded import EmbeddedInpainter
from vtrack.inpaint.embedded.align import CameraMotion
from vtrack.inpaint.embedded.holes import Hole
from vtrack.inpaint.embedded.masks import dilate
from vtrack.inpaint.embedded.sampling import remap_points
from vtrack.media.frames import FrameSequence
from vtrack.testing.davis_composites import CompositeSpec, build_composite
from vtrack.vision.embedded.davis import load_davis


def _psnr(sse: float, count: int) -> float:
    if count == 0:
        return float("nan")
    mse = sse / (3 * count)
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def _spatial_methods(context: np.ndarray, unseen: np.ndarray) -> dict[str, np.ndarray]:
    hole8 = unseen.astype(np.uint8) * 255
    got = {"telea": cv2.inpaint(context, hole8, 5, cv2.INPAINT_TELEA)}
    for name, flag in (
        ("fsr_fast", cv2.xphoto.INPAINT_FSR_FAST),
        ("shiftmap", cv2.xphoto.INPAINT_SHIFTMAP),
    ):
        src = context.copy()
        src[unseen] = 0
        out = np.zeros_like(context)
        cv2.xphoto.inpaint(src, np.where(unseen, 0, 255).astype(np.uint8), out, flag)
        got[name] = out
    return got


KINDS = (
    "engine", "nearest", "median_h", "best_h", "flow_h_near", "flow_near", "flow_best",
    "est_h_near", "est_near", "ring_sel", "ring_blend10", "ring_blend30", "ring_blend90",
)  # fmt: skip
# ANALYSE_FAST=1: skip the temporal median and both flow oracles (the slow parts).
FAST = bool(os.environ.get("ANALYSE_FAST"))
# Frames either side whose homography candidates make the temporal median oracle.
MEDIAN_WINDOW = 40


class _Clip:
    """One composite with what every frame's analysis shares."""

    def __init__(self, spec: CompositeSpec) -> None:
        scene = build_composite(spec)
        self.frames, self.truths, self.masks = scene.frames, scene.backgrounds, scene.masks
        self.n = len(self.frames)
        self.bg_masks = load_davis(spec.bg_seq, spec.max_frames)[1]
        self.margin = get_settings().removal_margin_px
        video = FrameSequence.from_arrays(self.frames, fps=scene.fps)
        self.outputs = np.stack(list(EmbeddedInpainter().inpaint(video, list(self.masks))))
        self.motion = CameraMotion.estimate(self.frames, list(self.masks), self.margin)
        self.holes = [Hole.of(np.asarray(m), self.margin, 0) for m in self.masks]
        self.dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
        self.refiner = Refiner()


def analyse_composite(spec: CompositeSpec, strip_dir: Path | None = None) -> dict:
    clip = _Clip(spec)
    per_frame, spatial = [], []
    for t in range(clip.n):
        got = _frame(clip, t, want_spatial=len(spatial) < 2 and t % 7 == 3)
        if got is not None:
            per_frame.append(got[0])
            spatial += got[1]
    if strip_dir is not None:
        _strip(
            strip_dir / f"{spec.name}_analyse.png",
            clip.frames,
            clip.outputs,
            clip.truths,
            clip.masks,
        )
    return {"scene": spec.name, "layering": spec.layering, "frames": per_frame, "spatial": spatial}


def _homography_candidates(clip: _Clip, t: int, xs, ys, pts, truth) -> dict[str, np.ndarray]:
    """Every other frame's homography candidate: best, nearest, temporal median errors."""
    h, w = clip.frames.shape[1:3]
    best = np.full(xs.size, np.inf, np.float32)
    near_d = np.full(xs.size, 10**6)
    near = np.full(xs.size, np.nan, np.float32)
    stack = []
    for s in range(clip.n):
        if s == t:
            continue
        q = cv2.perspectiveTransform(pts, clip.motion.between(t, s)).reshape(-1, 2)
        qx, qy = q[:, 0].astype(np.float32), q[:, 1].astype(np.float32)
        ok = (qx >= 0) & (qx <= w - 1) & (qy >= 0) & (qy <= h - 1)
        if clip.holes[s] is not None:
            ok &= ~clip.holes[s].covers(qx, qy)
        if not ok.any():
            continue
        c = remap_points(clip.frames[s], qx[ok], qy[ok]).astype(np.float32)
        e = ((c - truth[ok]) ** 2).sum(1)
        best[ok] = np.minimum(best[ok], e)
        d = abs(s - t)
        if d <= MEDIAN_WINDOW and not FAST:
            full = np.full((xs.size, 3), np.nan, np.float32)
            full[ok] = c
            stack.append(full)
        closer = ok.copy()
        closer[ok] = d < near_d[ok]
        near[closer] = e[closer[ok]]
        near_d[closer] = d
    seen = np.isfinite(best)
    out = {"best_h": np.where(seen, best, np.nan), "nearest": near}
    if stack:
        med = np.nanmedian(np.stack(stack), axis=0)
        out["median_h"] = ((med - truth) ** 2).sum(1)
    return out


def _frame(clip: _Clip, t: int, want_spatial: bool) -> tuple[dict, list[dict]] | None:
    """Frame t's squared errors per kind, summed per part; spatial fills on its unseen pixels."""
    ys, xs = np.nonzero(dilate(clip.masks[t], clip.margin))
    if xs.size == 0:
        return None
    truth = clip.truths[t][ys, xs].astype(np.float32)
    moving = dilate(clip.bg_masks[t], 4)[ys, xs]
    err = {k: np.full(xs.size, np.nan, np.float32) for k in KINDS}
    err["engine"] = ((clip.outputs[t][ys, xs].astype(np.float32) - truth) ** 2).sum(1)
    pts = np.stack([xs, ys], -1).astype(np.float64).reshape(-1, 1, 2)
    err.update(_homography_candidates(clip, t, xs, ys, pts, truth))
    seen = np.isfinite(err["best_h"])
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    args = (t, clip.n, xs, ys, pts, truth, clip.frames, clip.holes, clip.motion)
    got = ring_select(*args, box)
    err["ring_sel"] = got.pop("sel")
    err.update(got)
    if not FAST:
        err.update(_flow_kinds(clip, t, box, args))
    row = {"t": t, "pixels": int(xs.size), "seen": int(seen.sum()), "moving": int(moving.sum())}
    parts = {"seen": seen, "unseen": ~seen, "all": np.ones_like(seen)}
    parts |= {"mov": seen & moving, "still": seen & ~moving}
    for k in KINDS:
        for part, sel in parts.items():
            v = err[k][sel]
            row[f"{k}_{part}_sse"] = float(np.nansum(v))
            row[f"{k}_{part}_n"] = int(np.isfinite(v).sum())
    unseen = int((~seen).sum())
    spatial = (
        [_spatial_row(clip, t, xs[~seen], ys[~seen], box)] if want_spatial and unseen >= 50 else []
    )
    return row, spatial


def _flow_kinds(clip: _Clip, t: int, box, args) -> dict[str, np.ndarray]:
    """The truth-flow oracle and the ring-completed flow estimate, nearest offsets first."""

    def truth_flow(s: int) -> tuple[np.ndarray, np.ndarray]:
        return flow_targets(t, s, clip.truths, box, clip.motion.between(t, s), clip.dis)

    def estimated(s: int) -> tuple[np.ndarray, np.ndarray]:
        to_s = clip.motion.between(t, s)
        return estimated_targets(t, s, clip.frames, box, to_s, clip.holes, clip.refiner)

    out = {}
    for name, targets in (("flow", truth_flow), ("est", estimated)):
        near, best, h_near = offset_oracle(targets, *args)
        out[f"{name}_near"], out[f"{name}_h_near"] = near, h_near
        if name == "flow":
            out["flow_best"] = best
    return out


def _spatial_row(clip: _Clip, t: int, xs, ys, box, pad: int = 24) -> dict:
    """Telea / FSR_FAST / SHIFTMAP against the engine on frame t's never-seen pixels."""
    h, w = clip.frames.shape[1:3]
    x0, y0, x1, y1 = box
    bx0, by0, bx1, by1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
    unseen = np.zeros((h, w), bool)
    unseen[ys, xs] = True
    crop = unseen[by0:by1, bx0:bx1]
    context = np.ascontiguousarray(clip.outputs[t][by0:by1, bx0:bx1]).copy()
    truth = clip.truths[t][by0:by1, bx0:bx1].astype(np.float32)

    def score(image: np.ndarray) -> float:
        return _psnr(float(((image[crop].astype(np.float32) - truth[crop]) ** 2).sum()), xs.size)

    row = {"t": t, "unseen": int(xs.size), "engine": score(context)}
    for name, out in _spatial_methods(context, crop).items():
        row[name] = score(out)
    return row


def _strip(path: Path, frames, outputs, truths, masks: Sequence[np.ndarray]) -> None:
    """Columns: 6 frames; rows: input (hole outlined), output, truth, |output - truth| x4, all
    cropped around the clip's union of holes so detail shows."""
    n = len(frames)
    union = np.any(np.stack([dilate(m, 12) for m in masks]), axis=0)
    ys, xs = np.nonzero(union)
    x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    cols = []
    for i in np.linspace(0, n - 1, 6).astype(int):
        f = frames[i].copy()
        cs, _ = cv2.findContours(
            masks[i].astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
        )
        cv2.drawContours(f, cs, -1, (255, 0, 0), 1)
        diff = np.clip(
            np.abs(outputs[i].astype(np.int16) - truths[i].astype(np.int16)) * 4, 0, 255
        ).astype(np.uint8)
        rows = [r[y0:y1, x0:x1] for r in (f, outputs[i], truths[i], diff)]
        col = np.vstack(rows)
        scale = 300 / col.shape[1] if col.shape[1] > 300 else 1.0
        cols.append(
            cv2.resize(
                col,
                (round(col.shape[1] * scale), round(col.shape[0] * scale)),
                interpolation=cv2.INTER_AREA,
            )
        )
    hgt = min(c.shape[0] for c in cols)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor(np.hstack([c[:hgt] for c in cols]), cv2.COLOR_RGB2BGR))


def summarise(result: dict) -> dict:
    """Pooled PSNR per kind and part, shares of the engine's squared error."""
    rows = result["frames"]
    out = {"scene": result["scene"], "pixels": sum(r["pixels"] for r in rows)}
    out["seen_share"] = sum(r["seen"] for r in rows) / max(1, out["pixels"])
    out["moving_share"] = sum(r["moving"] for r in rows) / max(1, out["pixels"])
    tot = sum(r["engine_all_sse"] for r in rows)
    for part in ("seen", "unseen", "mov", "still"):
        out[f"engine_sse_share_{part}"] = sum(r[f"engine_{part}_sse"] for r in rows) / max(
            tot, 1e-9
        )
    for k in KINDS:
        for part in ("all", "seen", "unseen", "mov", "still"):
            sse = sum(r[f"{k}_{part}_sse"] for r in rows)
            cnt = sum(r[f"{k}_{part}_n"] for r in rows)
            out[f"{k}_{part}"] = _psnr(sse, cnt)
    out["spatial"] = result["spatial"]
    return out


def write_json(path: Path, results: list[dict]) -> None:
    path.write_text(json.dumps(results, indent=1))
