"""Spatial fill for what no frame ever saw: reuse the previous frame's fill, else Telea.

Re-synthesising every frame independently flickers, so pixels still empty after propagation first
take the previous output frame warped by the camera motion (its fill moves with the scene); only
what that does not cover is synthesised with OpenCV's Telea inpainting, at reduced resolution for
large holes (Telea's cost grows with the hole's area, and the result is smooth anyway).
"""

from __future__ import annotations

import cv2
import numpy as np

# Holes larger than this many pixels are synthesised at half resolution.
HALF_RES_AREA = 6000
INPAINT_RADIUS = 5


def telea(image: np.ndarray, hole: np.ndarray, radius: int = INPAINT_RADIUS) -> np.ndarray:
    """cv2.inpaint (Telea) of `hole` in an RGB crop; at half resolution when the hole is large."""
    m = hole.astype(np.uint8) * 255
    if int(hole.sum()) < HALF_RES_AREA or min(hole.shape) < 16:
        return cv2.inpaint(image, m, radius, cv2.INPAINT_TELEA)
    h, w = hole.shape
    small = cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    small_m = cv2.resize(m, (w // 2, h // 2), interpolation=cv2.INTER_NEAREST)
    small_m = cv2.dilate(small_m, np.ones((3, 3), np.uint8))
    done = cv2.inpaint(small, small_m, max(2, radius // 2), cv2.INPAINT_TELEA)
    up = cv2.resize(done, (w, h), interpolation=cv2.INTER_LINEAR)
    out = image.copy()
    out[hole] = up[hole]
    return out


def reuse_previous(
    previous: np.ndarray,
    to_previous: np.ndarray,
    box: tuple[int, int, int, int],
) -> np.ndarray:
    """The previous output frame warped onto this frame's hole box (`to_previous`: this -> prev)."""
    x0, y0, x1, y1 = box
    shift = np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], float)
    return cv2.warpPerspective(
        previous,
        to_previous @ shift,
        (x1 - x0, y1 - y0),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
