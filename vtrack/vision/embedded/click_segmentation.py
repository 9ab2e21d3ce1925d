"""Interactive segmentation of one object on one frame from clicks or a box.

The first mask, first match wins:
1. the click lands on a person found by mediapipe pose -> that person's segmentation;
2. the click lands on mediapipe's selfie-segmentation foreground (a good salient-object cue even
   for animals and boats) -> that component;
3. otherwise GrabCut from several candidate rectangles around the click, keeping the candidate
   whose colours are most distinct from their surroundings.
For objects other than people, a few frames later of the same video then prune it: pixels that
move like the dominant (camera) motion and not like the click are cut away (a rhino's mask
stops at the rocks it stands in front of); a water reflection joined to the mask is cut at its
mirror axis (click_motion.py).
That first mask is often only the most colour-distinct part of the object; objectness.py then
grows or trims it to the whole object (superpixel cues weighed by a small trained model) and
its GrabCut places the boundary: the first mask's own boundary is not refined (a GrabCut of the
selfie component and one after the motion prune, measured: DAVIS frame 0, `bench/eval_click.py
--clicks 3 --random 4`, with them tune J 0.835 / 0.860 (1 / 3 clicks), random pixel 0.756,
holdout 0.703 / 0.773 / 0.621; without them 0.835 / 0.860 / 0.759, holdout 0.706 / 0.778 /
0.627, and a salient click costs one GrabCut instead of three).
Further positive clicks join what they land on through the same model; negative clicks make
what is geodesically nearer to them than to any positive click background, and cut their
component away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from vtrack.vision.embedded.click_motion import (
    cut_reflection,
    motion_logodds,
    prune_by_motion,
    reflection_axis,
)
from vtrack.vision.embedded.frame_looks import FrameLooks, LaterFrame
from vtrack.vision.embedded.grabcut_candidates import grabcut, grabcut_search, refine_with_grabcut
from vtrack.vision.embedded.imageops import component_at, fill_holes
from vtrack.vision.embedded.objectness import load_trees, whole_object
from vtrack.vision.embedded.objectness_features import FrameCues, frame_cues
from vtrack.vision.embedded.people import PersonInstance
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.skeletons import TORSO, VISIBLE
from vtrack.vision.embedded.superpixels import region_graph, slic_labels

__all__ = [
    "ClickResult",
    "LaterFrame",
    "prepare_clicks",
    "refine_with_grabcut",
    "segment_box",
    "segment_points",
]

# the motion prune compares with the frame 4 ahead (measured on DAVIS when it was added)
PRUNE_STEP = 4
# objectness looks 3 and 8 frames ahead: a short baseline keeps fast objects' flow reliable,
# a long one makes slow ones move measurably; the model was trained with exactly these
OBJECTNESS_STEPS = (3, 8)
# A click this many pixels off a person's instance mask still picks them: clicks land on edges,
# and the selfie map is soft at a small person's edge (1 % of the 480 px working side).
INSTANCE_REACH = 5


@dataclass
class ClickResult:
    """A mask at the working resolution and how it was found (drives the tracker's cues)."""

    mask: np.ndarray
    kind: str  # "person", "salient" or "object"
    description: str = ""
    extras: dict = field(default_factory=dict)


@dataclass
class FrameClicks:
    """What the clicks on one frame share: the objectness cues and the first click's mask
    (a corrective click refines the object, it does not start the search again)."""

    cues: FrameCues | None = None
    looks: FrameLooks | None = None  # pose, person probability, camera motion (per frame)
    first: dict[tuple[int, int], ClickResult] = field(default_factory=dict)
    # the mask after each ordered sequence of clicks (click_sequence.py)
    sequence: dict[tuple[tuple[int, int, bool], ...], ClickResult] = field(default_factory=dict)


def _person_mask(looks: FrameLooks, pos: list[tuple[int, int]]) -> ClickResult | None:
    """Steps 1 and 2: the pose's person or the selfie component under the click, if any."""
    x, y = pos[0]
    pose = looks.pose()
    if pose is not None and pose.mask is not None and pose.mask[y, x] > 0.5:
        comp = component_at(pose.mask > 0.5, x, y)
        if comp.any():
            return ClickResult(comp, "person", "a person", {"landmarks": pose.landmarks})
    prob = looks.person_probability()
    instance = _instance_at(looks, x, y)
    if instance is not None:
        return ClickResult(instance.mask, "person", "a person", {"landmarks": instance.landmarks})
    if prob is not None and prob[y, x] > 0.5:
        comp = component_at(prob > 0.5, x, y)
        if _salient_size(comp):
            return ClickResult(comp, "salient", "the object under the click")
    return None


def _salient_size(comp: np.ndarray) -> bool:
    """A selfie component a click takes as its object: a component over a third of the frame is
    the model's scene-level foreground (a cup under a small face), not the clicked object."""
    area = np.count_nonzero(comp)
    return 0.001 * comp.size < area < 0.35 * comp.size


def _instance_at(looks: FrameLooks, x: int, y: int) -> PersonInstance | None:
    """The one person under (x, y) among the frame's instances, when the whole-frame pose call
    missed them (people smaller than a sixth of the frame, or beside a more prominent one).
    Instances lie inside the selfie map's foreground, so they are only looked for when that is
    within reach of the click (finding them costs a pose call per person)."""
    prob = looks.people_probability()
    if prob is None:
        return None
    r = INSTANCE_REACH
    window = (slice(max(0, y - r), y + r + 1), slice(max(0, x - r), x + r + 1))
    if prob[window].max() <= 0.5:
        return None
    for inst in looks.people():
        if inst.mask[window].any() and _seen_person(inst):  # the window holds (x, y)
            return inst
    return None


def _seen_person(inst: PersonInstance) -> bool:
    """A face was detected, or the pose sees the whole torso (both shoulders and both hips):
    the pose model run on an enlarged crop also draws skeletons on animals (a duck on the water
    got a lying one with its hips invisible), and the whole-frame call had already declined."""
    if inst.face is not None:
        return True
    lms = inst.landmarks
    return lms is not None and bool((lms[list(TORSO), 2] > VISIBLE).all())


def first_mask(
    looks: FrameLooks, pos: list[tuple[int, int]], neg: list[tuple[int, int]]
) -> ClickResult:
    """The first mask for the clicks (steps 1-3, then the motion prune and reflection cut)."""
    image = looks.image
    x, y = pos[0]
    result = _person_mask(looks, pos) if looks.has_person_model else None
    if result is None:
        result = ClickResult(
            grabcut_search(image, pos, neg), "object", "the object under the click"
        )
    mask = result.mask
    if result.kind != "person" and mask.any():
        camera = looks.camera_motion(PRUNE_STEP)
        motion = motion_logodds(camera, x, y) if camera is not None else None
        if motion is not None:
            mask = prune_by_motion(mask, motion, x, y)
        axis = reflection_axis(image, mask, y) if looks.later_frame is not None else None
        if axis is not None:
            mask = cut_reflection(image, mask, motion, x, y, axis)
            # below the waterline is the object's mirror image: it stays out of every later step
            result.extras["waterline"] = axis
    result.mask = mask
    return result


def click_cues(looks: FrameLooks) -> FrameCues:
    """Superpixels, motion towards the objectness partner frames and person probability."""
    motions = []
    for step in OBJECTNESS_STEPS:
        field_ = looks.camera_motion(step)
        if field_ is not None:
            motions.append(field_)
    image = looks.image
    return frame_cues(image, region_graph(slic_labels(image)), motions, looks.person_probability())


def prepare_clicks(shared: FrameClicks) -> None:
    """Compute ahead what a first click on the frame needs wherever it lands: the pose, the
    person maps and instances, the camera motions and the objectness cues (masks are the same
    as without the preparation)."""
    looks = shared.looks
    if looks is None:
        return
    looks.pose()
    looks.camera_motion(PRUNE_STEP)
    if shared.cues is None and load_trees() is not None:
        shared.cues = click_cues(looks)
    looks.people()


def segment_points(
    image: np.ndarray,
    pos: list[tuple[int, int]],
    neg: list[tuple[int, int]],
    person: PersonSegmenter | None = None,
    later_frame: LaterFrame | None = None,
    shared: FrameClicks | None = None,
) -> ClickResult:
    """Segment the object under the positive clicks (pixel coordinates of `image`).

    `later_frame` gives frames a few steps away for the motion cues; `shared` carries what
    earlier clicks on the same frame computed (pass the same object for every click there).
    """
    if not pos:
        return ClickResult(np.zeros(image.shape[:2], bool), "object", "no positive click")
    shared = shared if shared is not None else FrameClicks()
    if shared.looks is None:
        shared.looks = FrameLooks(image, person, later_frame)
    looks = shared.looks
    trees = load_trees()
    if trees is None:
        # without the model every click restarts the search with all the clicks
        result = first_mask(looks, pos, neg)
    else:
        first = shared.first.get(pos[0])
        if first is None:
            first = first_mask(looks, pos[:1], [])
            shared.first[pos[0]] = first
        result = ClickResult(first.mask.copy(), first.kind, first.description, dict(first.extras))
        if first.mask.any():
            if shared.cues is None:
                shared.cues = click_cues(looks)
            background = None
            if "waterline" in first.extras:
                background = np.zeros(first.mask.shape, bool)
                background[first.extras["waterline"] :] = True
            whole = whole_object(image, shared.cues, trees, pos, neg, first.mask, background)
            # a person's mask comes from the pose model: the model adds to it (the bicycle or
            # horse moving with the rider; DAVIS frame-0 J horsejump-low 0.40 -> 0.76, holdout
            # mean 0.670 -> 0.678), never replaces it
            result.mask = whole | first.mask if first.kind == "person" else whole
    mask = result.mask
    if neg:
        # a negative click must win even when the cue that produced the mask ignored it
        mask = apply_negative_clicks(image, mask, pos, neg)
    mask = fill_holes(mask)
    if neg:
        _carve_negatives(mask, neg)  # filling holes must not bring a negative click back
    result.mask = mask
    result.extras.pop("waterline", None)
    return result


def _carve_negatives(mask: np.ndarray, neg: list[tuple[int, int]]) -> None:
    """Clear a small disk around each negative click in place.

    GrabCut may bridge around a negative seed, and the light blur applied when the mask is
    upsampled would close a one-pixel cut: a disk a few pixels wide keeps the click outside.
    """
    r = max(3, int(0.012 * max(mask.shape)))
    m8 = mask.view(np.uint8)
    for x, y in neg:
        cv2.circle(m8, (x, y), r, 0, -1)


def apply_negative_clicks(
    image: np.ndarray, mask: np.ndarray, pos: list[tuple[int, int]], neg: list[tuple[int, int]]
) -> np.ndarray:
    """Re-cut the mask with GrabCut so every negative click (and what looks like it) is excluded."""
    if not any(mask[y, x] for x, y in neg):
        return mask
    refined = refine_with_grabcut(image, mask, pos, neg)
    _carve_negatives(refined, neg)
    comps = np.zeros(mask.shape, bool)
    for x, y in pos:
        if 0 <= y < mask.shape[0] and 0 <= x < mask.shape[1]:
            comps |= component_at(refined, x, y)
    return comps if comps.any() else refined & mask


def segment_box(
    image: np.ndarray, box: tuple[int, int, int, int], person: PersonSegmenter | None = None
) -> ClickResult:
    """Segment the object inside a pixel box (x0, y0, x1, y1) with GrabCut (and pose for people)."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = box
    x0, x1 = sorted((max(0, x0), min(w, x1)))
    y0, y1 = sorted((max(0, y0), min(h, y1)))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return ClickResult(np.zeros((h, w), bool), "object", "empty box")
    inside = np.zeros((h, w), bool)
    inside[y0:y1, x0:x1] = True
    if person is not None and person.available:
        pose = person.pose(image)
        if pose is not None and pose.mask is not None:
            pm = (pose.mask > 0.5) & inside
            if pm.sum() > 0.2 * inside.sum():
                return ClickResult(pm, "person", "a person")
    labels = np.full((h, w), cv2.GC_BGD, np.uint8)
    labels[inside] = cv2.GC_PR_FGD
    mask = grabcut(image, labels, iterations=4) & inside
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    if mask.any():
        _, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8))
        biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        mask = lab == biggest
    else:
        mask = inside.copy()
        mask[:] = False
        cv2.ellipse(
            mask.view(np.uint8), (cx, cy), ((x1 - x0) // 2, (y1 - y0) // 2), 0, 0, 360, 1, -1
        )
    return ClickResult(fill_holes(mask), "object", "the object in the box")
