"""One person's pose as the instance finder uses it: landmarks in image pixels, the pose
model's own mask, the limbs drawn as bands, and pose run on a box with other people hidden."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.boxes import Box
from vtrack.vision.embedded.imageops import disk, resize
from vtrack.vision.embedded.person_segmenter import PersonSegmenter

# Body segments between pose landmarks (mediapipe's 33-point topology): the markers of a person.
LIMBS = (
    (11, 12), (23, 24), (11, 23), (12, 24), (11, 24), (12, 23),  # torso, with diagonals
    (11, 13), (13, 15), (12, 14), (14, 16),  # arms
    (23, 25), (25, 27), (24, 26), (26, 28),  # legs
    (0, 11), (0, 12), (7, 8),  # head to shoulders, ear to ear
)  # fmt: skip
HEAD = tuple(range(11))
TORSO = (11, 12, 23, 24)
# A landmark counts when the model is this sure it is visible (mediapipe's own default cut-off).
VISIBLE = 0.5
# A pose is a person when at least this share of its 33 landmarks is visible: selfie
# segmentation also fires on animals and boats, and pose on them finds few confident joints.
MIN_VISIBLE_SHARE = 0.3


@dataclass
class Skeleton:
    """A person's pose on an image: landmarks, the pose model's mask, the face if detected."""

    landmarks: np.ndarray  # (33, 3) pixels + visibility
    seg: np.ndarray | None  # pose model's person mask (H, W) bool, or None
    face: tuple[float, float, float, float] | None = None

    @property
    def scale(self) -> float:
        return torso_length(self.landmarks)


def torso_length(lms: np.ndarray) -> float:
    """Shoulders-to-hips distance, or the shoulders' width when larger (a person bending or
    seen from above), in pixels: the person's size for scale-relative choices."""
    shoulders = (lms[11, :2] + lms[12, :2]) / 2
    hips = (lms[23, :2] + lms[24, :2]) / 2
    width = float(np.linalg.norm(lms[11, :2] - lms[12, :2]))
    return max(float(np.linalg.norm(shoulders - hips)), width, 4.0)


def pose_in(
    person: PersonSegmenter, image: np.ndarray, box: Box, hide: np.ndarray | None
) -> Skeleton | None:
    """Pose of the most prominent person inside `box`, with `hide` painted as background."""
    x0, y0, x1, y1 = box
    crop = image[y0:y1, x0:x1].copy()
    if hide is not None:
        hidden = hide[y0:y1, x0:x1]
        if hidden.all():
            return None
        if hidden.any():
            # the median colour of what is left reads as plain background to the pose model
            crop[hidden] = np.median(crop[~hidden], axis=0).astype(np.uint8)
    # mediapipe's detector letterboxes to 224 px: small people gain from a larger crop
    up = resize(crop, (max(64, crop.shape[1] * 2), max(64, crop.shape[0] * 2)))
    pose = person.pose(np.ascontiguousarray(up))
    if pose is None or pose.landmarks is None:
        return None
    lms = pose.landmarks.copy()
    if float(np.mean(lms[:, 2] > VISIBLE)) < MIN_VISIBLE_SHARE:
        return None
    lms[:, 0] = x0 + lms[:, 0] * (x1 - x0)
    lms[:, 1] = y0 + lms[:, 1] * (y1 - y0)
    seg = None
    if pose.mask is not None:
        seg = np.zeros(image.shape[:2], bool)
        seg[y0:y1, x0:x1] = resize(pose.mask, (x1 - x0, y1 - y0)) > 0.5
    return Skeleton(lms, seg)


def skeleton_band(skel: Skeleton, shape: tuple[int, int], width_frac: float) -> np.ndarray:
    """The person's visible limbs drawn as thick lines (width a share of the torso length)."""
    band = np.zeros(shape, np.uint8)
    lms = skel.landmarks
    thick = max(2, int(round(width_frac * skel.scale)))
    for a, b in LIMBS:
        if lms[a, 2] > VISIBLE and lms[b, 2] > VISIBLE:
            pa = (int(round(lms[a, 0])), int(round(lms[a, 1])))
            pb = (int(round(lms[b, 0])), int(round(lms[b, 1])))
            cv2.line(band, pa, pb, 1, thick)
    if skel.face is not None:
        fx0, fy0, fx1, fy1 = (int(round(v)) for v in skel.face)
        cv2.ellipse(
            band,
            ((fx0 + fx1) // 2, (fy0 + fy1) // 2),
            (max(1, (fx1 - fx0) // 3), max(1, (fy1 - fy0) // 3)),
            0, 0, 360, 1, -1,
        )  # fmt: skip
    return band > 0


def explained_by(skel: Skeleton, part: np.ndarray) -> np.ndarray:
    """The part's pixels this skeleton accounts for: its pose mask near its limbs."""
    # a quarter torso length around the limbs holds the body and clothes, not a neighbour
    near = cv2.dilate(
        skeleton_band(skel, part.shape, 0.1).astype(np.uint8), disk(int(0.25 * skel.scale))
    )
    own = near > 0
    if skel.seg is not None:
        own &= skel.seg | skeleton_band(skel, part.shape, 0.3)
    return own & part


def own_region(skel: Skeleton, part: np.ndarray) -> np.ndarray:
    """Where this person can be: their pose mask and limbs, a little grown (the selfie map also
    takes in walls and props next to people; the pose model's own mask does not)."""
    if skel.seg is None:
        return np.ones(part.shape, bool)
    own = skel.seg | skeleton_band(skel, part.shape, 0.3)
    return cv2.dilate(own.astype(np.uint8), disk(max(2, int(0.05 * skel.scale)))) > 0


def is_new(skel: Skeleton, others: list[Skeleton]) -> bool:
    """False when the pose found again a person already found (its torso at the same place)."""
    centre = skel.landmarks[[11, 12, 23, 24], :2].mean(axis=0)
    for other in others:
        other_centre = other.landmarks[[11, 12, 23, 24], :2].mean(axis=0)
        if np.linalg.norm(centre - other_centre) < 0.5 * max(skel.scale, other.scale):
            return False
    return True


def face_seed(face: tuple[float, float, float, float]) -> Skeleton:
    """A person known only by their face: a head and a trunk straight below it."""
    fw, fh = face[2] - face[0], face[3] - face[1]
    cx, cy = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
    lms = np.zeros((33, 3), np.float32)
    lms[0] = (cx, cy, 1.0)
    lms[11], lms[12] = (cx - fw, cy + 1.5 * fh, 1.0), (cx + fw, cy + 1.5 * fh, 1.0)
    lms[23], lms[24] = (cx - 0.7 * fw, cy + 4 * fh, 1.0), (cx + 0.7 * fw, cy + 4 * fh, 1.0)
    return Skeleton(lms, None, face)
