"""Find an object again after it left the frame or was hidden, by matching keypoints.

While an object is tracked confidently the tracker keeps a keyframe: ORB keypoints of the
object's pixels (OpenCV's binary features, no learned weights). Once the object is gone, every
frame's keypoints are matched against that keyframe; when enough matches agree on one similarity
transform (RANSAC), the keyframe's mask moved by that transform is where the object is again.

Geometric agreement is what makes this safe: a colour blob in the background can look like the
object, but a dozen keypoints that move together by one rotation + scale + shift cannot happen by
chance. Textureless objects give too few keypoints for a keyframe; they are not re-acquired
(the tracker reports them absent rather than guessing); for them a colour blob may stand in, but
only one that matches the object's first-frame colours and stands out from its surroundings.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.boxes import mask_box
from vtrack.vision.embedded.appearance import ColourModel, colour_distinctness

# a keyframe needs at least this many keypoints on the object to be worth matching against
MIN_KEYPOINTS = 20
# matches that must agree on one similarity transform before the object counts as found
MIN_INLIERS = 10
# Lowe's ratio test: the best match must be clearly better than the second best
_RATIO = 0.8
# the re-found object may be smaller or larger than in the keyframe, but not absurdly so
_SCALE_RANGE = (0.5, 2.0)
# a colour blob found while the object is missing must match its first-frame colours (histogram
# Bhattacharyya coefficient) and stand out from its surroundings (colour distinctness); the
# same match says whether a region still plausibly shows the object at all
PLAUSIBLE_MATCH = 0.7
_REDETECT_DISTINCT = 0.3
# a tracked object's keypoints seen again in a place that overlaps its mask by less than this
# (IoU) mean the mask has drifted onto something else. Keyframes are moved by one similarity
# transform, so an articulated object tracked correctly still overlaps its moved keyframe by
# 0.18-0.75 on tune (horsejump-low, the lowest); 0.2 and 0.3 re-seated the horse wrongly (tune
# 0.742 -> 0.739 / 0.738), 0.1 does not. A re-found place must also have a plausible area.
DRIFTED_IOU = 0.1
# a tracked object's keyframes are looked for in the whole frame every this many frames (ORB on
# the frame and two matches: ~9 ms CPU, so ~0.6 ms a frame; every 4 / 8 / 16 frames: DAVIS one
# click tune 0.743 / 0.743 / 0.742, holdout 0.572 / 0.572 / 0.571; 16 for half the cost of 8)
RECHECK_EVERY = 16
_AREA_RANGE = (0.5, 2.0)


@dataclass
class Keyframe:
    """What is needed to recognise an object again: its mask and its keypoints' descriptors."""

    mask: np.ndarray  # bool, working resolution
    points: np.ndarray  # (n, 2) float32 keypoint positions, working pixels
    descriptors: np.ndarray  # (n, 32) uint8 ORB descriptors


class Reacquirer:
    """Keypoint detector + matcher shared by the objects of one tracking pass."""

    def __init__(self, n_features: int = 1000) -> None:
        self.orb = cv2.ORB_create(nfeatures=n_features, fastThreshold=10, edgeThreshold=15)
        self.matcher = cv2.BFMatcher(cv2.NORM_HAMMING)

    def keyframe(self, gray: np.ndarray, mask: np.ndarray) -> Keyframe | None:
        """Describe the object under `mask` in `gray`; None when it has too little texture."""
        m8 = cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8))
        kps, desc = self.orb.detectAndCompute(gray, m8)
        if desc is None or len(kps) < MIN_KEYPOINTS:
            return None
        points = np.float32([kp.pt for kp in kps])
        return Keyframe(mask=mask.copy(), points=points, descriptors=desc)

    def object_keyframe(self, gray: np.ndarray, mask: np.ndarray) -> Keyframe | None:
        """`keyframe`, computed on the object's box only (the rest of the frame is not it)."""
        box = mask_box(mask, 16)
        if box is None:
            return None
        x0, y0, x1, y1 = box
        key = self.keyframe(gray[y0:y1, x0:x1], mask[y0:y1, x0:x1])
        if key is None:
            return None
        key.points += np.float32([x0, y0])
        key.mask = mask.copy()
        return key

    def find_object(
        self, keys: list[Keyframe], anchor: ColourModel, ref_area: float, image: np.ndarray
    ) -> np.ndarray | None:
        """Where a vanished object is now: where its keypoints are seen again, else a colour
        blob that passes verification; None while neither finds it."""
        if keys:
            found = self.find(keys, cv2.cvtColor(image, cv2.COLOR_RGB2GRAY))
            if found is not None:
                return found
        return redetect(anchor, ref_area, image)

    def elsewhere(
        self, keys: list[Keyframe], gray: np.ndarray, mask: np.ndarray, ref_area: float
    ) -> np.ndarray | None:
        """Where the tracked object's keypoints are seen, when that is clearly not where its
        mask is (the mask drifted onto a look-alike or a neighbour); None otherwise."""
        found = self.find(keys, gray)
        if found is None:
            return None
        area = np.count_nonzero(found)
        if not _AREA_RANGE[0] * ref_area < area < _AREA_RANGE[1] * ref_area:
            return None
        union = np.count_nonzero(found | mask)
        overlap = np.count_nonzero(found & mask) / union if union else 1.0
        return found if overlap < DRIFTED_IOU else None

    def find(self, keys: list[Keyframe], gray: np.ndarray) -> np.ndarray | None:
        """The mask of the first keyframe whose keypoints are seen again in `gray`, moved to
        where they are now; None when no keyframe is recognised."""
        kps, desc = self.orb.detectAndCompute(gray, None)
        if desc is None or len(kps) < MIN_INLIERS:
            return None
        frame_points = np.float32([kp.pt for kp in kps])
        for key in keys:
            transform = self._match(key, frame_points, desc)
            if transform is not None:
                h, w = gray.shape
                moved = cv2.warpAffine(
                    key.mask.astype(np.uint8), transform, (w, h), flags=cv2.INTER_NEAREST
                )
                if moved.any():
                    return moved > 0
        return None

    def _match(
        self, key: Keyframe, frame_points: np.ndarray, desc: np.ndarray
    ) -> np.ndarray | None:
        """The similarity transform (2x3) taking the keyframe's keypoints to the frame's."""
        pairs = self.matcher.knnMatch(key.descriptors, desc, k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < _RATIO * p[1].distance]
        if len(good) < MIN_INLIERS:
            return None
        src = key.points[[g.queryIdx for g in good]]
        dst = frame_points[[g.trainIdx for g in good]]
        transform, inliers = cv2.estimateAffinePartial2D(
            src, dst, method=cv2.RANSAC, ransacReprojThreshold=3.0
        )
        if transform is None or inliers is None or int(inliers.sum()) < MIN_INLIERS:
            return None
        scale = float(np.hypot(transform[0, 0], transform[1, 0]))
        if not _SCALE_RANGE[0] <= scale <= _SCALE_RANGE[1]:
            return None
        return transform


def redetect(anchor: ColourModel, ref_area: float, image: np.ndarray) -> np.ndarray | None:
    """The blob of the whole frame that looks like the object, if one really does.

    The long-term colour model is evaluated on the whole (small) frame, smoothed at the
    object's scale; the blob that best matches the object's colours and size is a candidate.
    It is accepted only when its colours match the object's first-frame histogram and it
    stands out from its surroundings: an object-coloured patch of background does neither
    (measured, histogram match / distinctness: the swinging child re-found past the pole
    0.81-0.87 / 0.42-0.58, a face re-emerging from behind a wall 0.76 / 0.49; background
    patches taken for a face that had left the frame 0.17-0.60 / 0.07-0.34).
    """
    size = np.sqrt(max(ref_area, 1.0))
    prob = anchor.probability(image)
    k = max(3, int(0.3 * size)) | 1
    smooth = cv2.blur(prob, (k, k))
    blobs = (smooth > 0.6).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    if n <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    mass = np.bincount(labels.ravel(), weights=smooth.ravel(), minlength=n)[1:]
    ok = (areas > 0.3 * ref_area) & (areas < 3.0 * ref_area)
    if not ok.any():
        return None
    candidate = labels == 1 + int(np.argmax(np.where(ok, mass, -1.0)))
    if anchor.similarity(image, candidate) < PLAUSIBLE_MATCH:
        return None
    if colour_distinctness(image, candidate) < _REDETECT_DISTINCT:
        return None
    return candidate
