"""Ground a text prompt to masks with what runs here: people, roles, faces, hands, colours, motion.

A prompt is parsed into a target (person / face / hands / colour / moving thing) plus selectors
(position, size, count). Roles map to people picked by behaviour: a drummer moves their arms the
most, a singer shows the most visible face. Anything else raises PromptNotUnderstood with what the
embedded engine can find instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

from vtrack.errors import PromptNotUnderstood
from vtrack.vision.embedded.click_segmentation import refine_with_grabcut
from vtrack.vision.embedded.imageops import disk, resize

if TYPE_CHECKING:
    from vtrack.vision.embedded.session import EmbeddedSession

SUGGESTIONS = [
    "person",
    "the person on the left",
    "biggest person",
    "drummer",
    "singer",
    "face",
    "hands",
    "red object",
    "moving object",
]

PERSON_WORDS = {
    "person", "people", "persons", "man", "men", "woman", "women", "guy", "girl", "boy",
    "human", "humans", "someone", "kid", "child", "player", "dancer", "walker", "hiker",
    "surfer", "lady", "performer", "musician", "musicians", "band", "figure",
}  # fmt: skip
ROLE_WORDS = {
    "singer": "singer", "vocalist": "singer", "vocals": "singer", "rapper": "singer",
    "drummer": "drummer", "drums": "drummer", "drum": "drummer", "percussionist": "drummer",
    "guitarist": "guitarist", "guitar": "guitarist", "bassist": "guitarist", "bass": "guitarist",
    "pianist": "guitarist", "keyboardist": "guitarist",
}  # fmt: skip
FACE_WORDS = {"face", "faces", "head", "heads"}
HAND_WORDS = {"hand", "hands", "fingers"}
MOVING_WORDS = {"moving", "motion", "mover", "movement", "fast"}
GENERIC_OBJECT_WORDS = {"object", "objects", "thing", "things", "region", "area", "stuff", "one"}
POSITION_WORDS = {
    "left": "left", "leftmost": "left", "right": "right", "rightmost": "right",
    "top": "top", "upper": "top", "bottom": "bottom", "lower": "bottom",
    "centre": "centre", "center": "centre", "middle": "centre", "central": "centre",
}  # fmt: skip
SIZE_WORDS = {
    "biggest": "biggest", "largest": "biggest", "big": "biggest", "large": "biggest",
    "main": "biggest", "closest": "biggest", "nearest": "biggest",
    "smallest": "smallest", "small": "smallest", "tiny": "smallest", "farthest": "smallest",
}  # fmt: skip
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
FILLER = {
    "the", "a", "an", "on", "in", "at", "of", "to", "with", "and", "isolate", "select", "track",
    "find", "show", "me", "all", "every", "each", "who", "is", "that", "side", "most", "please",
    "remove", "only", "just", "keep", "cut", "out", "mask", "segment", "follow", "frame", "video",
    "any", "some", "this", "its", "his", "her", "their", "from", "playing", "singing", "wearing",
    "shirt", "colored", "coloured",
}  # fmt: skip


@dataclass
class Query:
    """What a prompt asks for, in the terms the embedded engine understands."""

    target: str | None = None  # person | face | hands | colour | moving
    role: str | None = None
    colour: str | None = None
    position: str | None = None
    size: str | None = None
    plural: bool = False
    unknown: list[str] = field(default_factory=list)


@dataclass
class Grounding:
    """Masks found for a prompt (working resolution), a summary and a confidence."""

    objects: list[tuple[np.ndarray, str, str]]
    description: str
    score: float


def parse_prompt(text: str) -> Query:
    """Turn free text into a Query; words it cannot use are kept in `unknown`."""
    words = re.findall(r"[a-z]+", text.lower())
    q = Query()
    for word in words:
        if word in ROLE_WORDS:
            q.role = ROLE_WORDS[word]
            q.target = "person"
        elif word in PERSON_WORDS:
            q.target = q.target or "person"
            q.plural = q.plural or word in {"people", "persons", "men", "women", "humans", "band",
                                            "musicians"}  # fmt: skip
        elif word in FACE_WORDS:
            q.target = "face"
            q.plural = q.plural or word.endswith("s")
        elif word in HAND_WORDS:
            q.target = "hands"
        elif word in MOVING_WORDS:
            q.target = q.target or "moving"
        elif word in COLOURS or word in ACHROMATIC:
            q.colour = word
        elif word in POSITION_WORDS:
            q.position = POSITION_WORDS[word]
        elif word in SIZE_WORDS:
            q.size = SIZE_WORDS[word]
        elif word in GENERIC_OBJECT_WORDS or word in FILLER:
            continue
        else:
            q.unknown.append(word)
    if q.target is None and q.colour is not None:
        q.target = "colour"
    if q.target == "moving" and q.colour is not None:
        q.target = "colour"  # "moving red thing": colour first, motion as a tie-breaker
    return q


def _not_understood(text: str, why: str) -> PromptNotUnderstood:
    return PromptNotUnderstood(
        f'The embedded engine could not find "{text}": {why}. Without a large model it can find '
        "people (and pick a singer, drummer or guitarist by how they move), faces, hands, "
        "objects of a given colour, and moving objects, with left/right/top/bottom/centre and "
        "biggest/smallest to choose between them. Or click the object instead.",
        SUGGESTIONS,
    )


# ---- candidate finders (all at the working resolution) ---------------------------------------


def _components(mask: np.ndarray, min_frac: float) -> list[np.ndarray]:
    h, w = mask.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = []
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] >= min_frac * h * w:
            out.append(labels == i)
    out.sort(key=lambda m: -int(m.sum()))
    return out


def _people(session: EmbeddedSession, image: np.ndarray) -> list[np.ndarray]:
    """One mask per person: mediapipe foreground components confirmed by pose, else HOG."""
    person = session.person
    found: list[np.ndarray] = []
    if person is not None and person.available:
        prob = person.person_probability(image)
        if prob is not None:
            h, w = prob.shape
            for comp in _components(prob > 0.5, 0.003)[:6]:
                ys, xs = np.nonzero(comp)
                pad = int(0.15 * max(np.ptp(ys) + 1, np.ptp(xs) + 1)) + 4
                y0, y1 = max(0, ys.min() - pad), min(h, ys.max() + pad + 1)
                x0, x1 = max(0, xs.min() - pad), min(w, xs.max() + pad + 1)
                crop = np.ascontiguousarray(image[y0:y1, x0:x1])
                pose = person.pose(
                    resize(crop, (max(64, crop.shape[1] * 2), max(64, crop.shape[0] * 2)))
                )
                # selfie segmentation also fires on animals and boats: pose confirms a person
                if pose is None or pose.landmarks is None:
                    continue
                if float(np.mean(pose.landmarks[:, 2] > 0.5)) < 0.3:
                    continue
                found.append(comp)
        if found:
            return found
    # fallback: OpenCV's HOG pedestrian detector (coefficients compiled in) + GrabCut in the box
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    boxes, weights = hog.detectMultiScale(image, winStride=(8, 8), padding=(8, 8), scale=1.05)
    h, w = image.shape[:2]
    for (x, y, bw, bh), wt in zip(boxes, np.ravel(weights), strict=False):
        if wt < 0.5:
            continue
        labels = np.full((h, w), cv2.GC_BGD, np.uint8)
        labels[y : y + bh, x : x + bw] = cv2.GC_PR_FGD
        mask = np.zeros((h, w), bool)
        mask[y + bh // 8 : y + bh - bh // 8, x + bw // 4 : x + bw - bw // 4] = True
        found.append(refine_with_grabcut(image, mask, [(x + bw // 2, y + bh // 2)], []))
    return found


def _faces(session: EmbeddedSession, image: np.ndarray) -> list[np.ndarray]:
    person = session.person
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


def _hands(session: EmbeddedSession, image: np.ndarray) -> list[np.ndarray]:
    person = session.person
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


def _colour_mask(image: np.ndarray, colour: str) -> np.ndarray:
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


def _motion_magnitude(session: EmbeddedSession, frame_index: int) -> np.ndarray | None:
    """Per-pixel motion relative to the camera (flow minus a global affine fit)."""
    n = len(session.video)
    if n < 2:
        return None
    other = frame_index + 2 if frame_index + 2 < n else max(0, frame_index - 2)
    if other == frame_index:
        other = frame_index + 1 if frame_index + 1 < n else frame_index - 1
    a = cv2.cvtColor(session.work_image(frame_index), cv2.COLOR_RGB2GRAY)
    b = cv2.cvtColor(resize(np.asarray(session.video[other]), session.work), cv2.COLOR_RGB2GRAY)
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


def _moving(session: EmbeddedSession, frame_index: int) -> list[np.ndarray]:
    mag = _motion_magnitude(session, frame_index)
    if mag is None:
        return []
    thresh = max(1.0, float(np.percentile(mag, 90)) * 1.2)
    mask = cv2.GaussianBlur(mag, (0, 0), 2) > thresh
    mask = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, disk(5)) > 0
    comps = _components(mask, 0.003)
    image = session.work_image(frame_index)
    return [refine_with_grabcut(image, c, [], []) | c for c in comps[:3]]


def _arm_motion(session: EmbeddedSession, frame_index: int, mask: np.ndarray) -> float:
    """Motion energy in a person's upper half (drummers move their arms the most)."""
    mag = _motion_magnitude(session, frame_index)
    if mag is None or not mask.any():
        return 0.0
    ys = np.nonzero(mask)[0]
    upper = mask.copy()
    upper[int(np.median(ys)) :] = False
    region = cv2.dilate(upper.astype(np.uint8), disk(8)) > 0
    return float(mag[region].mean()) if region.any() else 0.0


# ---- selection -------------------------------------------------------------------------------


def _select(cands: list[np.ndarray], q: Query) -> list[np.ndarray]:
    if not cands:
        return []
    h, w = cands[0].shape

    def centroid(m: np.ndarray) -> tuple[float, float]:
        ys, xs = np.nonzero(m)
        return float(xs.mean()) / w, float(ys.mean()) / h

    if q.position is not None:
        key = {
            "left": lambda m: centroid(m)[0],
            "right": lambda m: -centroid(m)[0],
            "top": lambda m: centroid(m)[1],
            "bottom": lambda m: -centroid(m)[1],
            "centre": lambda m: np.hypot(centroid(m)[0] - 0.5, centroid(m)[1] - 0.5),
        }[q.position]
        return [min(cands, key=key)]
    if q.size == "biggest":
        return [max(cands, key=lambda m: int(m.sum()))]
    if q.size == "smallest":
        return [min(cands, key=lambda m: int(m.sum()))]
    return cands


def ground_text(session: EmbeddedSession, frame_index: int, text: str) -> Grounding:
    """Find the objects `text` describes on one frame (masks at the working resolution)."""
    q = parse_prompt(text)
    if q.target is None:
        what = f'"{" ".join(q.unknown)}"' if q.unknown else "nothing recognisable"
        raise _not_understood(text, f"{what} is not something it can recognise")
    image = session.work_image(frame_index)
    kind = "object"
    score = 0.7
    if q.target == "person":
        cands = _people(session, image)
        kind = "person"
        noun = "person"
        if not cands:
            raise _not_understood(text, "no person was detected on this frame")
        if q.role == "drummer" and len(cands) > 1 and q.position is None:
            energies = [_arm_motion(session, frame_index, c) for c in cands]
            cands = [cands[int(np.argmax(energies))]]
        elif q.role == "singer" and len(cands) > 1 and q.position is None:
            faces = _faces(session, image)
            best = [max((np.count_nonzero(f & c) for f in faces), default=0) for c in cands]
            cands = [cands[int(np.argmax(best))]] if max(best, default=0) > 0 else cands[:1]
        elif q.role is not None and q.position is None and q.size is None:
            cands = cands[:1]
        if q.role:
            noun = q.role
        if q.colour is not None:
            cm = _colour_mask(image, q.colour)
            frac = [np.count_nonzero(cm & c) / max(1, c.sum()) for c in cands]
            cands = [cands[int(np.argmax(frac))]]
        chosen = _select(cands, q)
        if q.role and len(chosen) > 1:
            chosen = chosen[:1]
    elif q.target == "face":
        cands = _faces(session, image)
        noun = "face"
        if not cands:
            raise _not_understood(text, "no face was detected on this frame")
        chosen = _select(cands, q)
    elif q.target == "hands":
        cands = _hands(session, image)
        noun = "hand"
        if not cands:
            raise _not_understood(text, "no hands were detected on this frame")
        chosen = _select(cands, q)
    elif q.target == "moving":
        cands = _moving(session, frame_index)
        noun = "moving object"
        if not cands:
            raise _not_understood(text, "nothing moves differently from the camera here")
        chosen = _select(cands, q) if (q.position or q.size) else cands[:1]
    else:  # colour
        assert q.colour is not None
        comps = _components(_colour_mask(image, q.colour), 0.002)
        noun = f"{q.colour} region"
        if not comps:
            raise _not_understood(text, f"there is no {q.colour} region on this frame")
        cands = [refine_with_grabcut(image, c, [], []) | c for c in comps[:4]]
        chosen = _select(cands, q) if (q.position or q.size) else cands[:1]
        score = 0.6
    chosen = [c for c in chosen if c.any()]
    if not chosen:
        raise _not_understood(text, "nothing matching was found on this frame")
    label = (q.colour + " " if q.colour and q.target != "colour" else "") + noun
    where = f" on the {q.position}" if q.position else ""
    size_word = f"{q.size} " if q.size else ""
    desc = (
        f"Found {len(chosen)} {size_word}{label}{'s' if len(chosen) > 1 else ''}{where} "
        f"on frame {frame_index}"
    )
    if q.role == "drummer":
        desc += " (the person whose arms move the most)" if len(cands) > 1 else ""
    if q.role == "singer":
        desc += " (the person with the most visible face)" if len(cands) > 1 else ""
    ignored = [u for u in q.unknown if u not in ("drums",)]
    if ignored:
        desc += f"; could not check the words {', '.join(repr(u) for u in ignored)}"
    desc += "."
    return Grounding([(m, kind, label) for m in chosen], desc, score)
