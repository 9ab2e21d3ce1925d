"""What the flow tracker carries for one object from frame to frame, and what a step answers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vtrack.boxes import Box
from vtrack.vision.embedded.appearance import ColourModel
from vtrack.vision.embedded.reacquire import Keyframe

# (soft mask inside box, box in work pixels, score)
StepResult = tuple[np.ndarray, Box, float]
# what a step answers for an object that is not in the frame: an empty mask, score 0
ABSENT: StepResult = (np.zeros((1, 1), np.float32), (0, 0, 1, 1), 0.0)
ABSENT[0].setflags(write=False)  # shared by every absent answer: nobody may write into it

# a mask within this many working pixels of the frame's edge is leaving (or entering) the frame
_EDGE_PX = 3


@dataclass
class TrackState:
    """What the tracker carries for one object from frame to frame."""

    mask: np.ndarray  # bool, working resolution
    colour: ColourModel  # short-term: refreshed on confident frames
    anchor: ColourModel  # long-term: the prompt frame's appearance, never updated
    colour_weight: float
    seg_weight: float
    ref_area: float
    pose: bool = False  # a person: the pose model's mask joins the cues every few frames
    confident_count: int = 0
    steps: int = 0  # frames tracked since the prompt (or the last re-seat)
    # the object left the frame or is hidden: an empty mask until it is found again
    absent: bool = False
    # what the object looked like: at the prompt frame, and at the latest full, confident view
    keyframes: list[Keyframe] = field(default_factory=list)
    # the latest full, confident view, moved along with the object since (bool, working res):
    # what of the object should still be there when part of it is hidden or lost
    latent: np.ndarray | None = None
    # the latest full view at least as like the object as the clean view before it, moved along
    # likewise: what the mask is cut back to when it grows into something else (`clean_view.py`)
    clean: np.ndarray | None = None


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two bool masks (1 when both are empty)."""
    union = np.count_nonzero(a | b)
    return float(np.count_nonzero(a & b) / union) if union else 1.0


def at_edge(mask: np.ndarray) -> bool:
    """True when the mask reaches the frame's border (the object is partly outside)."""
    e = _EDGE_PX
    return bool(mask[:e].any() or mask[-e:].any() or mask[:, :e].any() or mask[:, -e:].any())


def init_state(
    image: np.ndarray, mask: np.ndarray, seg_prob: np.ndarray | None, person: bool = False
) -> TrackState:
    """Build the tracking state of one object from its prompt mask and frame (working res).

    `person`: the click segmentation found a person, so the (costly) pose mask may help.
    """
    mask = mask.astype(bool)
    colour = ColourModel(image, mask)
    anchor = ColourModel(image, mask)
    # colour only has to place the boundary, so its weight comes from how well it separates
    # the prompt mask's boundary band (a whole-mask IoU under-rates multi-coloured objects)
    acc = colour.boundary_accuracy(image, mask) if mask.any() else 0.5
    colour_weight = float(np.clip((acc - 0.55) / 0.3, 0.15, 1.0))
    seg_weight = 0.0
    if seg_prob is not None and mask.any():
        agree = iou(seg_prob > 0.5, mask)
        # only objects the person/foreground model actually covered get that cue
        inside = float(seg_prob[mask].mean())
        if inside > 0.6:
            seg_weight = float(np.clip((max(agree, inside - 0.2) - 0.3) / 0.4, 0.0, 1.2))
    return TrackState(
        mask=mask,
        colour=colour,
        anchor=anchor,
        colour_weight=colour_weight,
        seg_weight=seg_weight,
        ref_area=float(mask.sum()),
        pose=person and seg_weight > 0,
    )
