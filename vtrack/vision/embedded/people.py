"""People as separate instances: one mask per person, even where people touch or overlap.

mediapipe's selfie segmenter gives one foreground map for everybody, and its pose model follows
one person per call. This module turns them into instances:

1. the foreground map is cut into connected parts;
2. each part is "peeled": pose runs on the part's box, the person it finds is explained (their
   pose mask near their skeleton) and hidden, and pose runs again on what is left, until nothing
   person-sized is left; a detected face that no skeleton explains seeds another try around it;
3. a part holding several skeletons is split between them by a watershed on the image from
   markers drawn along each skeleton (limbs of visible landmarks), drawn far to near so the
   nearer person (larger torso) wins where two skeletons cross: that is the depth order.

Without mediapipe, OpenCV's HOG pedestrian detector (coefficients compiled in) gives one box per
person and GrabCut a mask inside it.

Public API (used by text grounding, the click path and the tracker):
- `find_people(person, image)`: every person on a frame, as `PersonInstance`s sorted left to
  right (mask, box, landmarks, face, scale for depth order);
- `person_at(person, image, x, y)`: the one person under a click, or None when the click is not
  on a person. A click on one of two touching people gives that person only.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vtrack.boxes import Box, mask_box
from vtrack.vision.embedded.finders import components
from vtrack.vision.embedded.grabcut_candidates import refine_with_grabcut
from vtrack.vision.embedded.imageops import disk
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.skeletons import (
    HEAD,
    TORSO,
    VISIBLE,
    Skeleton,
    explained_by,
    face_seed,
    is_new,
    own_region,
    pose_in,
    skeleton_band,
)

# Foreground parts smaller than this share of the frame are noise, not people.
MIN_PART_FRAC = 0.002
MAX_PEOPLE = 8


@dataclass
class PersonInstance:
    """One person on one frame (pixel coordinates of the image it was found on)."""

    mask: np.ndarray  # bool (H, W)
    box: Box
    landmarks: np.ndarray | None  # (33, 3): x, y in pixels, visibility; None without pose
    face: tuple[float, float, float, float] | None  # x0, y0, x1, y1 in pixels
    scale: float  # torso length (or face-derived) in pixels: larger = nearer the camera

    @property
    def centre(self) -> tuple[float, float]:
        ys, xs = np.nonzero(self.mask)
        return (float(xs.mean()), float(ys.mean())) if len(xs) else (0.0, 0.0)


def _face_explained(face: tuple[float, ...], skels: list[Skeleton]) -> bool:
    fx, fy = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
    size = max(face[2] - face[0], face[3] - face[1])
    for skel in skels:
        head = skel.landmarks[list(HEAD)]
        seen = head[head[:, 2] > VISIBLE]
        pts = seen[:, :2] if len(seen) else head[:, :2]
        if np.min(np.hypot(pts[:, 0] - fx, pts[:, 1] - fy)) < 1.0 * size:
            skel.face = skel.face or (face[0], face[1], face[2], face[3])
            return True
    return False


def _faces_on(
    person: PersonSegmenter, image: np.ndarray, part: np.ndarray
) -> list[tuple[float, float, float, float]]:
    """Face boxes (pixels) on a part's box, looked for at twice the size: faces of people a
    few metres away are ~10 px at the working resolution, below the detector's reach."""
    box = mask_box(part, pad=8)
    if box is None:
        return []
    x0, y0, x1, y1 = box
    crop = cv2.resize(image[y0:y1, x0:x1], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    bw, bh = x1 - x0, y1 - y0
    return [
        (x0 + a * bw, y0 + b * bh, x0 + c * bw, y0 + d * bh)
        for a, b, c, d, _score in person.faces(crop) or []
    ]


def _face_body_box(face: tuple[float, ...], shape: tuple[int, int]) -> Box:
    """Where the body of a face's owner is: a few face widths around, many below."""
    h, w = shape
    fw, fh = face[2] - face[0], face[3] - face[1]
    return (
        max(0, int(face[0] - 2 * fw)),
        max(0, int(face[1] - fh)),
        min(w, int(face[2] + 2 * fw)),
        min(h, int(face[3] + 7 * fh)),
    )


def _largest_piece(mask: np.ndarray) -> np.ndarray:
    """The largest part of `mask` once thin slivers (a neighbour's edge) are opened away."""
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disk(2)) > 0
    pieces = components(opened, 0.0)
    return pieces[0] if pieces else mask


def _padded_box(mask: np.ndarray) -> Box | None:
    """The mask's box grown by a quarter of its size: pose needs the whole person and some
    context, and a part's box cuts off what the selfie map missed (a raised hand, the feet)."""
    box = mask_box(mask)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    pad = int(0.25 * max(x1 - x0, y1 - y0)) + 4
    h, w = mask.shape
    return max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)


def _find_another(
    person: PersonSegmenter,
    image: np.ndarray,
    left: np.ndarray,
    part: np.ndarray,
    hidden: np.ndarray,
    skels: list[Skeleton],
) -> Skeleton | None:
    """A person not found yet inside what is left: pose on the largest leftover piece's box,
    first as it is, then with the people found so far painted out (each helps where the other
    fails: painting out a person in front also hides half of the one behind)."""
    box = _padded_box(_largest_piece(left))
    if box is None:
        return None
    for hide in (None, hidden):
        skel = pose_in(person, image, box, hide)
        if skel is not None and is_new(skel, skels) and _inside(skel, left, part):
            return skel
    return None


def _inside(skel: Skeleton, left: np.ndarray, part: np.ndarray) -> bool:
    """The skeleton is a new person of what is left, not a ghost on a found one's leftovers:
    its torso centre and most of its visible joints lie on `left`, and most of its own pose mask
    inside the part does too."""
    h, w = left.shape
    near = cv2.dilate(left.astype(np.uint8), disk(max(2, int(0.1 * skel.scale)))) > 0
    cx, cy = skel.landmarks[list(TORSO), :2].mean(axis=0)
    if not near[int(np.clip(cy, 0, h - 1)), int(np.clip(cx, 0, w - 1))]:
        return False
    seen = skel.landmarks[skel.landmarks[:, 2] > VISIBLE]
    xs = np.clip(seen[:, 0].astype(int), 0, w - 1)
    ys = np.clip(seen[:, 1].astype(int), 0, h - 1)
    if len(seen) == 0 or float(near[ys, xs].mean()) < 0.5:
        return False
    if skel.seg is None:
        return True
    own = skel.seg & part
    return bool((own & left).sum() >= 0.5 * max(1, own.sum()))


def _peel(
    person: PersonSegmenter,
    image: np.ndarray,
    part: np.ndarray,
    others: np.ndarray,
    faces: list[tuple[float, float, float, float]],
) -> list[Skeleton]:
    """Every person inside one foreground part (see the module docstring, step 2)."""
    h, w = part.shape
    min_area = max(MIN_PART_FRAC * h * w, 0.12 * part.sum())
    skels: list[Skeleton] = []
    explained = np.zeros(part.shape, bool)
    for _ in range(MAX_PEOPLE):
        left = part & ~explained
        if left.sum() < min_area:
            break
        if not skels:
            skel = pose_in(person, image, _padded_box(part), others)
        else:
            skel = _find_another(person, image, left, part, others | explained, skels)
        if skel is None:
            break
        skels.append(skel)
        explained |= cv2.dilate(explained_by(skel, part).astype(np.uint8), disk(2)) > 0
    for face in faces:
        fx, fy = int((face[0] + face[2]) / 2), int((face[1] + face[3]) / 2)
        if not (0 <= fy < h and 0 <= fx < w) or not part[fy, fx]:
            continue
        if _face_explained(face, skels):
            continue
        skel = pose_in(person, image, _face_body_box(face, part.shape), others | explained)
        if skel is not None and is_new(skel, skels):
            skel.face = face
            skels.append(skel)
            explained |= explained_by(skel, part)
        else:
            skels.append(face_seed(face))
    # people who touch stand at about the same distance: a skeleton far smaller than the part's
    # largest is the pose model seeing a person in a backpack or a fold of clothes (an adult's
    # torso is under twice a child's, so 0.4 keeps children beside adults)
    largest = max((k.scale for k in skels), default=0.0)
    return [k for k in skels if k.scale >= 0.4 * largest]


def _split(image: np.ndarray, part: np.ndarray, skels: list[Skeleton]) -> list[np.ndarray]:
    """Share the part's pixels between its skeletons (module docstring, step 3)."""
    if len(skels) == 1:
        return [part]
    markers = np.zeros(part.shape, np.int32)
    markers[cv2.dilate(part.astype(np.uint8), disk(3)) == 0] = 1
    order = sorted(range(len(skels)), key=lambda i: skels[i].scale)  # far first, near last
    for i in order:
        markers[skeleton_band(skels[i], part.shape, 0.1) & part] = i + 2
    cv2.watershed(cv2.cvtColor(image, cv2.COLOR_RGB2BGR), markers)
    # pixels of the part that the background or a ridge took go to the nearest person
    labels = np.where(part & (markers >= 2), markers, 0).astype(np.int32)
    if (part & (labels == 0)).any():
        dist_to = []
        for i in range(len(skels)):
            seeds = (labels == i + 2).astype(np.uint8)
            dist_to.append(cv2.distanceTransform(1 - seeds, cv2.DIST_L2, 3))
        nearest = np.argmin(np.stack(dist_to), axis=0) + 2
        labels = np.where(part & (labels == 0), nearest, labels)
    return [(labels == i + 2) & part for i in range(len(skels))]


def _instance(mask: np.ndarray, skel: Skeleton | None) -> PersonInstance | None:
    box = mask_box(mask)
    if box is None:
        return None
    if skel is None:
        scale = float(box[3] - box[1]) / 3
        return PersonInstance(mask, box, None, None, scale)
    return PersonInstance(mask, box, skel.landmarks, skel.face, skel.scale)


def _hog_people(image: np.ndarray) -> list[PersonInstance]:
    """Without mediapipe: HOG pedestrian boxes, a GrabCut mask inside each."""
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    boxes, weights = hog.detectMultiScale(image, winStride=(8, 8), padding=(8, 8), scale=1.05)
    h, w = image.shape[:2]
    found = []
    for (x, y, bw, bh), wt in zip(boxes, np.ravel(weights), strict=False):
        if wt < 0.5:  # the SVM margin: below it HOG fires on poles and tree trunks
            continue
        seed = np.zeros((h, w), bool)
        seed[y + bh // 8 : y + bh - bh // 8, x + bw // 4 : x + bw - bw // 4] = True
        mask = refine_with_grabcut(image, seed, [(x + bw // 2, y + bh // 2)], [])
        inst = _instance(mask, None)
        if inst is not None:
            found.append(inst)
    return found


def find_people(
    person: PersonSegmenter | None, image: np.ndarray, prob: np.ndarray | None = None
) -> list[PersonInstance]:
    """Every person on `image` (RGB uint8), one instance each, sorted left to right.

    `prob` is the selfie segmenter's map when the caller has it already. Instances never
    overlap. Costs one selfie and one face pass plus one pose call per person (~30-60 ms each
    on a 480x270 frame on 2 cores): call it on the frames that need it, not on every frame.
    """
    if person is None or not person.available:
        return sorted(_hog_people(image), key=lambda p: p.centre[0])
    if prob is None:
        prob = person.people_probability(image)
    if prob is None:
        return sorted(_hog_people(image), key=lambda p: p.centre[0])
    fg = prob > 0.5
    found: list[PersonInstance] = []
    for part in components(fg, MIN_PART_FRAC)[:MAX_PEOPLE]:
        skels = _peel(person, image, part, fg & ~part, _faces_on(person, image, part))
        if not skels:  # selfie segmentation also fires on animals and boats
            continue
        for mask, skel in zip(_split(image, part, skels), skels, strict=True):
            inst = _instance(mask & own_region(skel, part), skel)
            if inst is not None:
                found.append(inst)
    return sorted(found, key=lambda p: p.centre[0])


def person_at(
    person: PersonSegmenter | None, image: np.ndarray, x: int, y: int, reach: int = 4
) -> PersonInstance | None:
    """The person under pixel (x, y) of `image`, that person only; None if no person is there.

    A click up to `reach` pixels outside a person's mask still picks them (clicks land on edges).
    """
    best: PersonInstance | None = None
    best_dist = float(reach) + 0.5
    for inst in find_people(person, image):
        if inst.mask[y, x]:
            return inst
        x0, y0, x1, y1 = inst.box
        if x0 - reach <= x < x1 + reach and y0 - reach <= y < y1 + reach:
            dist = cv2.distanceTransform((~inst.mask).astype(np.uint8), cv2.DIST_L2, 3)[y, x]
            if dist < best_dist:
                best, best_dist = inst, float(dist)
    return best
