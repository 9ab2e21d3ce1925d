"""What no frame saw: synthesised once, then carried along with the scene.

Re-synthesising every frame independently flickers, so a pixel that no frame saw first takes
the previous output frame at the spot the camera moved it from (its fill moves with the scene);
only what that does not cover is synthesised, from the hole's surroundings and what the other
frames did provide. A large never-seen area (an object that stands still on a still camera)
gets OpenCV contrib's frequency-selective reconstruction (xphoto FSR), which continues texture
and edges into the hole; the thin slivers a moving scene uncovers frame by frame get Telea,
which is cheap and smooth. Measured on single frames of the tune composites (whole hole unseen):
Telea 16.4 dB, FSR 17.5 dB at half resolution (0.6-1 s a hole), shift-map 14.6 dB (3-8 s).
"""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.inpaint.embedded.holes import Hole
from vtrack.inpaint.embedded.sampling import remap_points

# Areas larger than this many pixels are synthesised at half resolution (the cost of both
# methods grows with the area; the result is smooth at this scale anyway).
HALF_RES_AREA = 6000
INPAINT_RADIUS = 5
# Never-seen areas at least this large (a 40 x 40 patch) are worth FSR's second or so; it runs
# once per such area, which is then carried along from frame to frame.
FSR_AREA = 1600


def carry_previous(
    previous: np.ndarray, to_previous: np.ndarray, hole: Hole, unseen: np.ndarray, fill: np.ndarray
) -> np.ndarray:
    """Set `fill` at the `unseen` pixels (bool over the hole's box) from the previous output
    frame where the camera motion (`to_previous`: this frame -> the previous one) keeps them
    inside it; returns which pixels were set."""
    ys, xs = np.nonzero(unseen)
    pts = np.stack([xs + hole.box[0], ys + hole.box[1]], axis=-1).astype(np.float64)
    q = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), to_previous).reshape(-1, 2)
    h, w = previous.shape[:2]
    ok = (q[:, 0] >= 0) & (q[:, 0] <= w - 1) & (q[:, 1] >= 0) & (q[:, 1] <= h - 1)
    carried = np.zeros(unseen.shape, bool)
    if ok.any():
        qx, qy = q[ok, 0].astype(np.float32), q[ok, 1].astype(np.float32)
        fill[ys[ok], xs[ok]] = remap_points(previous, qx, qy)
        carried[ys[ok], xs[ok]] = True
    return carried


def synthesise(
    frame: np.ndarray, hole: Hole, fill: np.ndarray, have: np.ndarray, unseen: np.ndarray
) -> np.ndarray:
    """`fill` with its `unseen` pixels synthesised from the frame around the hole and the
    pixels already filled (`have`)."""
    x0, y0, x1, y1 = hole.box
    context = np.ascontiguousarray(frame[y0:y1, x0:x1]).copy()
    context[have] = fill[have]
    area = int(unseen.sum())
    synth = fsr(context, unseen) if area >= FSR_AREA else telea(context, unseen)
    out = fill.copy()
    out[unseen] = synth[unseen]
    return out


def _at_half(method, image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """`method(image, hole)` run at half resolution, the result put back into the hole."""
    h, w = hole.shape
    small = cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    small_m = cv2.resize(hole.astype(np.uint8), (w // 2, h // 2), interpolation=cv2.INTER_NEAREST)
    small_m = cv2.dilate(small_m, np.ones((3, 3), np.uint8)).astype(bool)
    up = cv2.resize(method(small, small_m), (w, h), interpolation=cv2.INTER_LINEAR)
    out = image.copy()
    out[hole] = up[hole]
    return out


def _telea(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    radius = INPAINT_RADIUS if min(hole.shape) >= 32 else max(2, INPAINT_RADIUS // 2)
    return cv2.inpaint(image, hole.astype(np.uint8) * 255, radius, cv2.INPAINT_TELEA)


def _fsr(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    src = image.copy()
    src[hole] = 0
    out = np.zeros_like(image)
    # xphoto's mask marks the pixels to keep (non-zero), the opposite of cv2.inpaint's.
    cv2.xphoto.inpaint(
        src, np.where(hole, 0, 255).astype(np.uint8), out, cv2.xphoto.INPAINT_FSR_FAST
    )
    return out


def telea(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """Telea inpainting of `hole` in an RGB crop; at half resolution when the hole is large."""
    if int(hole.sum()) < HALF_RES_AREA or min(hole.shape) < 16:
        return _telea(image, hole)
    return _at_half(_telea, image, hole)


def fsr(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """Frequency-selective reconstruction of `hole` in an RGB crop (half resolution if large)."""
    if int(hole.sum()) < HALF_RES_AREA or min(hole.shape) < 16:
        out = _fsr(image, hole)
    else:
        out = _at_half(_fsr, image, hole)
    result = image.copy()
    result[hole] = out[hole]
    return result
