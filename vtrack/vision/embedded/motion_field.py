"""Dense motion of one frame towards a few others, split into the camera's part and the rest.

The camera's motion is the RANSAC homography of the whole flow field (the background is most of
the frame); what is left over (the residual) is what moves on its own. Parts of one object move
together, so over a few frames the residual is a general cue for what belongs with a click.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# flow samples for the homography: every 4th pixel each way is ~6k points at 427x240, plenty
# for RANSAC and ~1 ms
_GRID = 4


@dataclass
class MotionField:
    """Flow from the frame to one partner frame, the camera's part of it and the residual's
    noise level (pixels)."""

    flow: np.ndarray  # (H, W, 2)
    camera: np.ndarray  # (H, W, 2)
    noise: float

    @property
    def residual(self) -> np.ndarray:
        """Motion not explained by the camera (H, W, 2)."""
        return self.flow - self.camera


def dense_flow(image: np.ndarray, other: np.ndarray) -> np.ndarray:
    """DIS optical flow (medium preset) from `image` to `other`, both RGB of one size."""
    g0 = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    g1 = cv2.cvtColor(other, cv2.COLOR_RGB2GRAY)
    return cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM).calc(g0, g1, None)


def camera_flow(flow: np.ndarray) -> np.ndarray | None:
    """The flow the dominant homography predicts at every pixel; None if RANSAC fails."""
    h, w = flow.shape[:2]
    gy, gx = np.mgrid[0:h:_GRID, 0:w:_GRID]
    src = np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)
    if len(src) < 8:
        return None
    dst = src + flow[::_GRID, ::_GRID].reshape(-1, 2)
    hom, _ = cv2.findHomography(src, dst, cv2.RANSAC, 1.0)
    if hom is None:
        return None
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    pts = np.stack([xx, yy], -1)
    return cv2.perspectiveTransform(pts.reshape(-1, 1, 2), hom).reshape(h, w, 2) - pts


def motion_field(image: np.ndarray, other: np.ndarray) -> MotionField | None:
    """Flow, camera flow and noise from `image` to `other`; None when no camera model fits."""
    flow = dense_flow(image, other)
    cam = camera_flow(flow)
    if cam is None:
        return None
    residual = np.linalg.norm(flow - cam, axis=-1)
    # the median residual is the background's flow error (most pixels are background); the
    # floor keeps a perfectly still clip from turning sub-pixel noise into motion
    noise = float(np.median(residual)) + 0.5
    return MotionField(flow, cam, noise)
