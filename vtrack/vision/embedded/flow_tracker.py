"""Mask propagation: warp the previous mask with DIS optical flow, then re-fit it to the frame.

Each step fuses, in log-odds, (a) the flow-warped previous mask blurred by its uncertainty, (b) a
colour likelihood from the object's fg/bg histograms, and (c) mediapipe's person/foreground
probability when that cue agreed with the prompt mask. An edge-aware guided filter snaps the fused
map to image edges. Work happens at a reduced resolution (flow at a quarter of the frame's pixels)
and only the final soft mask is upsampled, which keeps a frame at a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from vtrack.vision.embedded.appearance import ColourModel
from vtrack.vision.embedded.imageops import (
    disk,
    fill_holes,
    keep_components,
    logit,
    resize,
    sigmoid,
)
from vtrack.vision.embedded.person_segmenter import PersonSegmenter

FLOW_DOWNSCALE = 2  # flow runs at half the working resolution
# guided-filter regulariser for a uint8 guide: edges weaker than ~5% of the range get smoothed
_GUIDED_EPS = (0.05 * 255) ** 2


@dataclass
class TrackState:
    """What the tracker carries for one object from frame to frame."""

    mask: np.ndarray  # bool, working resolution
    colour: ColourModel
    colour_weight: float
    seg_weight: float
    ref_area: float
    lost: bool = False
    last_confident: np.ndarray | None = None
    history: list[float] = field(default_factory=list)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.count_nonzero(a | b)
    return float(np.count_nonzero(a & b) / union) if union else 1.0


def init_state(image: np.ndarray, mask: np.ndarray, seg_prob: np.ndarray | None) -> TrackState:
    """Build the tracking state of one object from its prompt mask and frame (working res)."""
    mask = mask.astype(bool)
    colour = ColourModel(image, mask)
    sep = colour.separability(image, mask)
    colour_weight = float(np.clip((sep - 0.2) / 0.5, 0.15, 1.0))
    seg_weight = 0.0
    if seg_prob is not None and mask.any():
        agree = _iou(seg_prob > 0.5, mask)
        # only objects the person/foreground model actually covered get that cue
        inside = float(seg_prob[mask].mean())
        if inside > 0.6:
            seg_weight = float(np.clip((max(agree, inside - 0.2) - 0.3) / 0.4, 0.0, 1.2))
    return TrackState(
        mask=mask,
        colour=colour,
        colour_weight=colour_weight,
        seg_weight=seg_weight,
        ref_area=float(mask.sum()),
        last_confident=mask.copy(),
    )


class FlowTracker:
    """Propagates several objects' masks through a sequence of working-resolution frames."""

    def __init__(
        self, work_size: tuple[int, int], person: PersonSegmenter | None, quality: str = "fast"
    ) -> None:
        self.work_size = work_size
        self.person = person if person is not None and person.available else None
        self.quality = quality
        w, h = work_size
        self.flow_size = (max(16, w // FLOW_DOWNSCALE), max(16, h // FLOW_DOWNSCALE))
        preset = cv2.DISOPTICAL_FLOW_PRESET_FAST
        if quality == "best":
            preset = cv2.DISOPTICAL_FLOW_PRESET_MEDIUM
        self.dis = cv2.DISOpticalFlow_create(preset)
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        self._grid = (gx, gy)

    def _gray(self, image: np.ndarray) -> np.ndarray:
        return resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), self.flow_size)

    def _flow_maps(
        self, cur_gray: np.ndarray, prev_gray: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For every pixel of the current frame, where it came from in the previous one."""
        flow = self.dis.calc(cur_gray, prev_gray, None)
        w, h = self.work_size
        sx, sy = w / self.flow_size[0], h / self.flow_size[1]
        flow = cv2.resize(flow, (w, h), interpolation=cv2.INTER_LINEAR)
        return self._grid[0] + flow[..., 0] * sx, self._grid[1] + flow[..., 1] * sy

    def needs_seg(self, states: dict[int, TrackState]) -> bool:
        return self.person is not None and any(s.seg_weight > 0 for s in states.values())

    def run(
        self,
        frames: Iterator[tuple[int, np.ndarray]],
        states: dict[int, TrackState],
        first_image: np.ndarray,
    ) -> Iterator[tuple[int, dict[int, tuple[np.ndarray, float]]]]:
        """Yield (frame index, {obj: (soft mask at working res, score)}) for frames after the first."""
        prev_gray = self._gray(first_image)
        for index, image in frames:
            gray = self._gray(image)
            mapx, mapy = self._flow_maps(gray, prev_gray)
            prev_gray = gray
            seg = self.person.person_probability(image) if self.needs_seg(states) else None
            out: dict[int, tuple[np.ndarray, float]] = {}
            for obj_id, state in states.items():
                out[obj_id] = self._step(state, image, mapx, mapy, seg)
            yield index, out

    def _step(
        self,
        state: TrackState,
        image: np.ndarray,
        mapx: np.ndarray,
        mapy: np.ndarray,
        seg: np.ndarray | None,
    ) -> tuple[np.ndarray, float]:
        w, h = self.work_size
        prior_src = state.mask if not state.lost else state.last_confident
        warped = cv2.remap(
            prior_src.astype(np.float32), mapx, mapy, cv2.INTER_LINEAR, borderValue=0.0
        )
        warped_bin = warped > 0.5
        area = max(float(warped_bin.sum()), 1.0)
        size = np.sqrt(max(area, state.ref_area * 0.25))
        # the prior's uncertainty grows with object size: boundaries of big things move more
        sigma = float(np.clip(0.04 * size, 1.5, 8.0))
        prior = cv2.GaussianBlur(warped, (0, 0), sigma)
        colour_p = state.colour.probability(image)
        fused = 1.6 * logit(prior, 0.03) + state.colour_weight * logit(colour_p, 0.05)
        if seg is not None and state.seg_weight > 0:
            fused += 1.5 * state.seg_weight * logit(seg, 0.05)
        # the object cannot jump: far outside the warped mask is background
        reach = int(np.clip(0.25 * size, 6, 40))
        near = cv2.dilate(warped_bin.astype(np.uint8), disk(reach)) > 0
        fused[~near] = -8.0
        soft = sigmoid(fused)
        soft = cv2.ximgproc.guidedFilter(image, soft, 4, _GUIDED_EPS)
        new = soft > 0.5
        if new.any():
            new = keep_components(new, warped_bin, min_overlap=0.3, min_area=int(0.02 * area))
            new = fill_holes(new)
        agree = _iou(new, warped_bin) if warped_bin.any() else 0.0
        new_area = float(new.sum())
        ratio = new_area / max(state.ref_area, 1.0)
        score = float(np.clip(agree, 0.0, 1.0)) * float(
            np.clip(min(ratio, 1 / max(ratio, 1e-3)) * 2, 0, 1)
        )
        if not new.any() and warped_bin.any() and warped_bin.sum() > 0.15 * state.ref_area:
            # the evidence dropped the object (e.g. lighting change): fall back to the flow mask
            new = warped_bin
            soft = np.clip(warped, 0.0, 1.0)
            score = 0.3
        state.mask = new
        state.lost = not new.any()
        if score > 0.7 and new.any():
            state.colour.update(image, new, rate=0.05)
            state.ref_area = 0.9 * state.ref_area + 0.1 * new_area
            state.last_confident = new
        state.history.append(score)
        soft = np.where(new, np.maximum(soft, 0.51), np.minimum(soft, 0.49)).astype(np.float32)
        return soft, score
