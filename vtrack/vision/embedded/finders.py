"""Candidate finders for text grounding: faces, hands, colour regions and independent motion.

Every finder works on one frame at the working resolution and returns bool masks; people have
their own module (people.py) because they are instances others use too.
"""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.vision.embedded.grabcut_candidates import refine_with_grabcut
from vtrack.vision.embedded.imageops import disk
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.work_frames import WorkFrames

# hue ranges on OpenCV's 0-180 scale; saturation/value floors keep greys out of colours
COLOURS: dict[str, list[tuple[int, int]]] = {
    "red": [(0, 8), (170, 180)],
    "orange": [(8, 22)],
    "yellow": [(22, 35)],
    "green": [(35, 85)],
    "blue": [(95, 130)],
    "cyan": [(85, 95)],
    "purple": [(130, 155)],
    "violet": [(130, 155)],
    "pink": [(155, 170)],
}
ACHROMATIC = {"white", "black", "grey", "gray", "silver", "dark", "bright", "brown"}
COLOUR_NAMES = set(COLOURS) | ACHROMATIC


def components(mask: np.ndarray, min_frac: float) -> list[np.ndarray]:
    """Connected parts of `mask` of at least `min_frac` of the frame, largest first."""
    h, w = mask.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = [labels == i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_frac * h * w]
    out.sort(key=lambda m: -int(m.sum()))
    return out


def faces(person: PersonSegmenter | None, image: np.ndarray) -> list[np.ndarray]:
    """One elliptic mask per detected face (forehead to chin)."""
    if person is None or not person.available:
        return []
    h, w = image.shape[:2]
    out = []
    for x0, y0, x1, y1, _score in person.faces(image) or []:
        mask = np.zeros((h, w), np.uint8)
        cx, cy = int((x0 + x1) / 2 * w), int((y0 + y1) / 2 * h)
        ax, ay = int((x1 - x0) / 2 * w * 1.05), int((y1 - y0) / 2 * h * 1.3)
        cv2.ellipse(mask, (cx, cy - ay // 6), (max(2, ax), max(2, ay)), 0, 0, 360, 1, -1)
        out.append(mask > 0)
    return out


def hands(person: PersonSegmenter | None, image: np.ndarray) -> list[np.ndarray]:
    """One mask per detected hand: the hull of its landmarks, grown a little."""
    if person is None or not person.available:
        return []
    h, w = image.shape[:2]
    out = []
    for lms in person.hands(image) or []:
        pts = np.stack([lms[:, 0] * w, lms[:, 1] * h], axis=1).astype(np.int32)
        mask = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(mask, cv2.convexHull(pts), 1)
        span = max(4, int(0.12 * np.ptp(pts, axis=0).max()))
        out.append(cv2.dilate(mask, disk(span)) > 0)
    return out


def colour_mask(image: np.ndarray, colour: str) -> np.ndarray:
    """Pixels of a named colour (hue band, or a brightness/saturation rule for the greys)."""
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    if colour in COLOURS:
        mask = np.zeros(hue.shape, bool)
        for lo, hi in COLOURS[colour]:
            mask |= (hue >= lo) & (hue < hi)
        mask &= (sat > 90) & (val > 60)
    elif colour == "white" or colour == "bright":
        mask = (sat < 40) & (val > 200)
    elif colour in ("black", "dark"):
        mask = val < 45
    elif colour == "brown":
        mask = (hue >= 5) & (hue < 25) & (sat > 60) & (val > 30) & (val < 160)
    else:  # grey / silver
        mask = (sat < 30) & (val > 70) & (val < 200)
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disk(2))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, disk(3)) > 0


def colour_regions(image: np.ndarray, colour: str) -> list[np.ndarray]:
    """The largest regions of a colour, each grown to its object by GrabCut."""
    comps = components(colour_mask(image, colour), 0.002)
    return [refine_with_grabcut(image, c, [], []) | c for c in comps[:4]]


def motion_magnitude(frames: WorkFrames, frame_index: int) -> np.ndarray | None:
    """Per-pixel motion relative to the camera (flow minus a global affine fit)."""
    other = frames.partner(frame_index, 2)
    if other is None:  # a clip of two frames
        other = frames.partner(frame_index, 1)
    if other is None:
        return None
    a = cv2.cvtColor(frames.image(frame_index), cv2.COLOR_RGB2GRAY)
    b = cv2.cvtColor(other, cv2.COLOR_RGB2GRAY)
    flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST).calc(a, b, None)
    h, w = a.shape
    gy, gx = np.mgrid[0:h:4, 0:w:4]
    f = flow[::4, ::4].reshape(-1, 2)
    design = np.stack([gx.ravel(), gy.ravel(), np.ones(gx.size)], axis=1).astype(np.float32)
    coef, *_ = np.linalg.lstsq(design, f, rcond=None)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cam_x = coef[0, 0] * xx + coef[1, 0] * yy + coef[2, 0]
    cam_y = coef[0, 1] * xx + coef[1, 1] * yy + coef[2, 1]
    return np.hypot(flow[..., 0] - cam_x, flow[..., 1] - cam_y).astype(np.float32)


def moving_regions(frames: WorkFrames, frame_index: int) -> list[np.ndarray]:
    """Up to three regions that move differently from the camera, largest first."""
    mag = motion_magnitude(frames, frame_index)
    if mag is None:
        return []
    thresh = max(1.0, float(np.percentile(mag, 90)) * 1.2)
    mask = cv2.GaussianBlur(mag, (0, 0), 2) > thresh
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, disk(5)) > 0
    image = frames.image(frame_index)
    return [refine_with_grabcut(image, c, [], []) | c for c in components(mask, 0.003)[:3]]
