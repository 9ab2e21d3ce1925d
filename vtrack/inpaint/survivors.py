"""Is the removed object still in the picture? Its keypoints, sought in the frames.

The user's prompt frame shows the object under its confirmed mask: ORB keypoints there (OpenCV's
binary features, no learned weights) describe it. A frame shows the object when enough of
those keypoints are found in it and agree on one similarity transform (RANSAC): a dozen
keypoints moving together by one rotation, scale and shift do not happen by chance, which a
colour blob would. This judges the removal's masks, whichever engine made them: a mask that
lost the object, or moved onto something else, leaves a sighting uncovered. Textureless
objects give too few keypoints; the check then says it cannot judge.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.inpaint.embedded.masks import dilate

# Frames are searched with their long side at this many pixels: ORB finds plenty of keypoints on
# an object a tenth of the frame wide, at ~4 ms a frame.
DETECT_LONG_SIDE = 640
# Keypoints per searched frame: enough that an object a tenth of the frame wide gets ~100.
FRAME_KEYPOINTS = 1500
# Keypoints whose 31-pixel patch reaches past the object's edge describe the background next to
# it, which stays in the picture; only keypoints this far inside the mask describe the object.
INSET_PX = 6
# The object needs this many keypoints to be recognisable at all, and a frame this many
# geometrically agreeing matches to count as showing it (the tracker's re-acquisition uses the
# same figures for the same test).
MIN_KEYPOINTS = 20
MIN_INLIERS = 10
# Lowe's ratio test, and the scale range a found object may have relative to the model frame.
RATIO = 0.8
SCALE_RANGE = (0.5, 2.0)


@dataclass
class Keypoints:
    """ORB keypoints of one frame (detection pixels) and their descriptors."""

    points: np.ndarray  # (n, 2) float32
    descriptors: np.ndarray  # (n, 32) uint8


@dataclass
class ObjectModel:
    """What is needed to recognise the object: its mask and keypoints on one frame."""

    mask: np.ndarray  # bool, full resolution
    points: np.ndarray  # (n, 2) float32, detection pixels
    descriptors: np.ndarray  # (n, 32) uint8
    scale: float


@dataclass
class Sighting:
    """The object found on a frame: how many matches agree, and where it is (full-res mask)."""

    inliers: int
    region: np.ndarray  # bool, full resolution: the model's mask moved by the fitted transform
    box: tuple[int, int, int, int]


def detect_scale(height: int, width: int) -> float:
    return min(1.0, DETECT_LONG_SIDE / max(height, width))


def _gray(frame: np.ndarray, scale: float) -> np.ndarray:
    gray = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
    if scale == 1.0:
        return gray
    h, w = gray.shape
    return cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


def frame_keypoints(frame: np.ndarray, scale: float) -> Keypoints | None:
    """A frame's ORB keypoints at `scale` (None when it has too few to match anything)."""
    orb = cv2.ORB_create(nfeatures=FRAME_KEYPOINTS, fastThreshold=10, edgeThreshold=15)
    kps, desc = orb.detectAndCompute(_gray(frame, scale), None)
    if desc is None or len(kps) < MIN_INLIERS:
        return None
    return Keypoints(np.float32([kp.pt for kp in kps]), desc)


def model_from(
    keypoints: Keypoints | None,
    mask: np.ndarray,
    scale: float,
    outline: np.ndarray | None = None,
) -> ObjectModel | None:
    """The object under `mask` as seen by a frame's keypoints (its outline: `outline`, default
    the mask); None with too little texture."""
    if keypoints is None or not mask.any():
        return None
    h, w = mask.shape
    small = (round(w * scale), round(h * scale))
    inside = cv2.resize(mask.astype(np.uint8), small, interpolation=cv2.INTER_NEAREST)
    inside = cv2.erode(inside, np.ones((2 * INSET_PX + 1,) * 2, np.uint8))
    px = np.clip(np.round(keypoints.points).astype(int), 0, [small[0] - 1, small[1] - 1])
    keep = inside[px[:, 1], px[:, 0]] > 0
    if int(keep.sum()) < MIN_KEYPOINTS:
        return None
    shape = (mask if outline is None else outline).astype(bool)
    return ObjectModel(shape, keypoints.points[keep], keypoints.descriptors[keep], scale)


def object_model(frame: np.ndarray, mask: np.ndarray) -> ObjectModel | None:
    """Keypoints of the object under `mask` on `frame`; None when it has too little texture."""
    scale = detect_scale(*mask.shape)
    return model_from(frame_keypoints(frame, scale), mask, scale)


def match(model: ObjectModel, keypoints: Keypoints | None) -> Sighting | None:
    """Where a frame (its keypoints) shows the object, or None (as far as keypoints tell)."""
    if keypoints is None:
        return None
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(model.descriptors, keypoints.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
    if len(good) < MIN_INLIERS:
        return None
    src = model.points[[m.queryIdx for m in good]]
    dst = keypoints.points[[m.trainIdx for m in good]]
    M, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=4.0)
    if M is None or inl is None or int(inl.sum()) < MIN_INLIERS:
        return None
    s = float(np.sqrt(abs(np.linalg.det(M[:, :2]))))
    if not SCALE_RANGE[0] <= s <= SCALE_RANGE[1]:
        return None
    # The transform in full-resolution pixels: detection pixels are full ones times the scale.
    full = M.copy()
    full[:, 2] /= model.scale
    h, w = model.mask.shape
    region = cv2.warpAffine(model.mask.astype(np.uint8), full, (w, h), flags=cv2.INTER_NEAREST)
    x, y, bw, bh = cv2.boundingRect(region)
    if bw == 0 or bh == 0:
        return None
    return Sighting(int(inl.sum()), region.astype(bool), (x, y, x + bw, y + bh))


def find_object(model: ObjectModel, frame: np.ndarray) -> Sighting | None:
    """Where `frame` shows the object, or None when it does not (as far as keypoints tell)."""
    return match(model, frame_keypoints(frame, model.scale))


def uncovered(sighting: Sighting, mask: np.ndarray, margin: int) -> float:
    """Share of a sighting's region that a removal mask (grown by `margin`) leaves visible."""
    area = int(sighting.region.sum())
    if area == 0:
        return 0.0
    return float((sighting.region & ~dilate(mask, margin)).sum() / area)
