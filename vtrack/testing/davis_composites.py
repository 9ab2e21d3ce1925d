"""Removal ground truth from real footage: a DAVIS object cut out with its human mask and moved
over OTHER DAVIS footage, so the clean background behind it is known exactly.

The object keeps its own animation (a walking person, a swimming duck) frame by frame; the
background keeps its own camera and scene motion (pans, parallax, water, other moving people).
Three layerings make the hard cases of real removal:

- "over": the object is in front of everything, so the hole often covers the background's own
  moving person or animal (a ghost of it is the typical failure);
- "behind": the background's own foreground (its ground-truth object) passes in front of ours;
- "pole": a thin vertical occluder, fixed to the background's scene (it follows the camera),
  passes in front of the object, which is split in two while it crosses.

The clean background is the footage without the paste (with the pole where there is one); the
object's mask is its visible part. Everything is deterministic from the spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from vtrack.testing.scenes import Scene
from vtrack.vision.embedded.davis import davis_split, load_davis

Layering = Literal["over", "behind", "pole"]
LAYERINGS: tuple[Layering, ...] = ("over", "behind", "pole")
# Object size: its median height as a share of the frame's height, capped by a share of the
# width (a bus or a train is wide): large enough that most of a hole is unseen on nearby frames,
# small enough to leave background for the fill to come from, as in typical removal footage.
OBJECT_HEIGHT = 0.42
OBJECT_WIDTH_CAP = 0.30
# The pole is 1/48 of the frame wide (18 px at 854): a lamp post or a tree trunk, not a wall.
POLE_WIDTH = 1 / 48


@dataclass(frozen=True)
class CompositeSpec:
    """What to paste where: `travel` is how far (share of the frame's width) the object's
    centre moves over the clip, `direction` +1 left to right, -1 right to left."""

    obj_seq: str
    bg_seq: str
    layering: Layering
    travel: float
    direction: int = 1
    max_frames: int | None = None

    @property
    def name(self) -> str:
        return f"{self.obj_seq}_on_{self.bg_seq}_{self.layering}"


def split_specs(split: str, max_frames: int | None = None) -> list[CompositeSpec]:
    """The composites of a split, each built only from that split's sequences.

    Each sequence is an object once and a background once (objects are the first half of the
    list, backgrounds the second for "tune"; for the short "holdout" list, shifted by 3). The
    layering cycles over/behind/pole; travel alternates between crossing most of the frame
    (much of the hole is revealed by other frames) and a slow drift (much of it is never seen).
    """
    seqs = davis_split(split)
    n = len(seqs)
    if n < 2:
        return []
    if n >= 12:
        pairs = [(seqs[i], seqs[i + n // 2]) for i in range(n // 2)]
    else:
        pairs = [(seqs[i], seqs[(i + 3) % n]) for i in range(n)]
    specs = []
    for k, (obj, bg) in enumerate(pairs):
        specs.append(
            CompositeSpec(
                obj_seq=obj,
                bg_seq=bg,
                layering=LAYERINGS[k % 3],
                travel=0.55 if k % 2 == 0 else 0.2,
                direction=1 if (k // 2) % 2 == 0 else -1,
                max_frames=max_frames,
            )
        )
    return specs


def _object_track(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame mask centroids (N, 2) (x, y) and scales (N,) that give the object its size.

    The scale follows the object's own size change over a second or so (a car driving at the
    camera would otherwise fill the frame), so its pasted size stays near OBJECT_HEIGHT while
    its shape keeps moving.
    """
    n, h, w = masks.shape
    cents = np.zeros((n, 2))
    sizes = np.full((n, 2), np.nan)
    last = np.array([w / 2, h / 2])
    for t in range(n):
        ys, xs = np.nonzero(masks[t])
        if xs.size:
            last = np.array([xs.mean(), ys.mean()])
            sizes[t] = (ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)
        cents[t] = last
    if np.isnan(sizes).all():
        return cents, np.ones(n)
    scales = np.empty(n)
    for t in range(n):
        window = sizes[max(0, t - 12) : t + 13]
        height, width = np.nanmedian(window, axis=0) if not np.isnan(window).all() else (h, w)
        scales[t] = min(OBJECT_HEIGHT * h / height, OBJECT_WIDTH_CAP * w / width)
    return cents, scales


def _paste_layer(
    frame: np.ndarray, mask: np.ndarray, centre: np.ndarray, scale: float, dst: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The object of (frame, mask) scaled by `scale` about `centre`, moved to `dst`: returns the
    object's colour layer and its alpha (0..1) at the frame's size."""
    h, w = mask.shape
    colour = np.zeros_like(frame)
    alpha = np.zeros((h, w), np.float32)
    ys, xs = np.nonzero(mask)
    if xs.size == 0:
        return colour, alpha
    bx0, by0, bx1, by1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    size = (max(1, round((bx1 - bx0) * scale)), max(1, round((by1 - by0) * scale)))
    # INTER_AREA averages when shrinking, as a camera further away would.
    crop = cv2.resize(frame[by0:by1, bx0:bx1], size, interpolation=cv2.INTER_AREA)
    crop_a = cv2.resize(
        mask[by0:by1, bx0:bx1].astype(np.float32), size, interpolation=cv2.INTER_AREA
    )
    left = int(round(dst[0] - (centre[0] - bx0) * scale))
    top = int(round(dst[1] - (centre[1] - by0) * scale))
    a0, b0 = max(0, left), max(0, top)
    a1, b1 = min(w, left + size[0]), min(h, top + size[1])
    if a0 < a1 and b0 < b1:
        colour[b0:b1, a0:a1] = crop[b0 - top : b1 - top, a0 - left : a1 - left]
        alpha[b0:b1, a0:a1] = crop_a[b0 - top : b1 - top, a0 - left : a1 - left]
    return colour, np.clip(alpha, 0.0, 1.0)


def scene_translation(frames: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Cumulative (N, 2) image translation of the background scene (away from its own object),
    from tracked corners: what a point fixed in the scene does on screen."""
    n = len(frames)
    out = np.zeros((n, 2))
    prev = cv2.cvtColor(frames[0], cv2.COLOR_RGB2GRAY)
    for t in range(1, n):
        gray = cv2.cvtColor(frames[t], cv2.COLOR_RGB2GRAY)
        free = np.where(cv2.dilate(masks[t - 1].astype(np.uint8), np.ones((15, 15))), 0, 255)
        pts = cv2.goodFeaturesToTrack(prev, 300, 0.01, 8, mask=free.astype(np.uint8))
        step = np.zeros(2)
        if pts is not None and len(pts) >= 8:
            nxt, st, _ = cv2.calcOpticalFlowPyrLK(prev, gray, pts, None)
            ok = st.ravel() == 1
            if ok.sum() >= 8:
                step = np.median((nxt - pts).reshape(-1, 2)[ok], axis=0)
        out[t] = out[t - 1] + step
        prev = gray
    return out


def _pole(texture: np.ndarray, height: int, width: int) -> np.ndarray:
    """A vertical strip of real texture (height, width, 3), shaded like a round post."""
    strip = cv2.resize(texture, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)
    shade = 0.55 + 0.45 * np.sin(np.linspace(0.15, np.pi - 0.15, width))
    return np.clip(strip * shade[None, :, None], 0, 255).astype(np.uint8)


def build_composite(spec: CompositeSpec) -> Scene:
    """Render `spec`: frames with the pasted object, its visible masks, the clean backgrounds."""
    obj_video, obj_masks = load_davis(spec.obj_seq, spec.max_frames)
    bg_video, bg_masks = load_davis(spec.bg_seq, spec.max_frames)
    n = min(len(obj_video), len(bg_video))
    backgrounds = np.ascontiguousarray(bg_video.array[:n])
    h, w = backgrounds.shape[1:3]
    cents, scales = _object_track(obj_masks[:n])
    x0 = 0.5 - spec.direction * spec.travel / 2
    xs = (x0 + spec.direction * spec.travel * np.linspace(0, 1, n)) * w
    y_c = 0.58 * h

    pole_alpha = None
    if spec.layering == "pole":
        # Fixed in the background's scene where the object's centre is at mid-clip.
        shift = scene_translation(backgrounds, bg_masks[:n])
        pw = max(6, round(w * POLE_WIDTH))
        tex_x = w // 3
        texture = np.ascontiguousarray(obj_video.array[0][:, tex_x : tex_x + 3 * pw])
        pole = _pole(texture, h, pw)
        anchor = xs[n // 2] - shift[n // 2, 0]
        pole_alpha = np.zeros((n, h, w), np.float32)
        for t in range(n):
            left = int(round(anchor + shift[t, 0] - pw / 2))
            a, b = max(0, left), min(w, left + pw)
            if a < b:
                backgrounds[t][:, a:b] = pole[:, a - left : b - left]
                pole_alpha[t][:, a:b] = 1.0

    frames = np.empty_like(backgrounds)
    masks = np.zeros((n, h, w), bool)
    for t in range(n):
        colour, alpha = _paste_layer(
            obj_video.array[t], obj_masks[t], cents[t], scales[t], np.array([xs[t], y_c])
        )
        if spec.layering == "behind":
            alpha *= ~bg_masks[t]
        elif pole_alpha is not None:
            alpha *= 1.0 - pole_alpha[t]
        a = alpha[..., None]
        frames[t] = np.clip(colour * a + backgrounds[t] * (1 - a) + 0.5, 0, 255).astype(np.uint8)
        masks[t] = alpha > 0.02
    return Scene(spec.name, frames, masks, backgrounds, fps=bg_video.fps)
