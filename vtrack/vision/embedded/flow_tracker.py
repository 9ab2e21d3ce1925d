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


def _fit_affine(
    flow: np.ndarray, region: np.ndarray, grid: tuple[np.ndarray, np.ndarray], step: int = 3
) -> np.ndarray | None:
    """Least-squares affine motion (2x3) of the flow inside `region` (subsampled for speed)."""
    sub = region[::step, ::step]
    if np.count_nonzero(sub) < 12:
        return None
    xs = grid[0][::step, ::step][sub]
    ys = grid[1][::step, ::step][sub]
    fx = flow[::step, ::step, 0][sub]
    fy = flow[::step, ::step, 1][sub]
    a = np.stack([xs, ys, np.ones_like(xs)], axis=1)
    try:
        coef, *_ = np.linalg.lstsq(a, np.stack([fx, fy], axis=1), rcond=None)
    except np.linalg.LinAlgError:
        return None
    return coef.T.astype(np.float32)


def motion_evidence(
    flow: np.ndarray, warped: np.ndarray, grid: tuple[np.ndarray, np.ndarray]
) -> np.ndarray | None:
    """Log-odds that a pixel moves with the object rather than with its surroundings.

    Backward warping copies the object into the background it just uncovered (that background's
    previous position was under the object); comparing each pixel's flow with the object's and
    the surrounding background's affine motion tells those pixels apart. Returns None when the
    two motions are too similar to discriminate.
    """
    if np.count_nonzero(warped) < 50:
        return None
    size = np.sqrt(np.count_nonzero(warped))
    m = warped.astype(np.uint8)
    core = cv2.erode(m, disk(max(2, int(0.08 * size)))) > 0
    ring = (cv2.dilate(m, disk(max(4, int(0.3 * size)))) > 0) & ~(
        cv2.dilate(m, disk(max(2, int(0.08 * size)))) > 0
    )
    a_obj = _fit_affine(flow, core, grid)
    a_bg = _fit_affine(flow, ring, grid)
    if a_obj is None or a_bg is None:
        return None
    gx, gy = grid
    fo_x = a_obj[0, 0] * gx + a_obj[0, 1] * gy + a_obj[0, 2]
    fo_y = a_obj[1, 0] * gx + a_obj[1, 1] * gy + a_obj[1, 2]
    fb_x = a_bg[0, 0] * gx + a_bg[0, 1] * gy + a_bg[0, 2]
    fb_y = a_bg[1, 0] * gx + a_bg[1, 1] * gy + a_bg[1, 2]
    sep = float(np.hypot(fo_x - fb_x, fo_y - fb_y)[warped].mean())
    if sep < 0.75:
        return None
    d_obj = (flow[..., 0] - fo_x) ** 2 + (flow[..., 1] - fo_y) ** 2
    d_bg = (flow[..., 0] - fb_x) ** 2 + (flow[..., 1] - fb_y) ** 2
    # scale by the separation so the cue is as strong as the motions are distinct
    noise = 0.25 * sep * sep + 0.5
    weight = float(np.clip((sep - 0.75) / 1.5, 0.0, 1.0)) * 1.5
    return (weight * np.clip((d_bg - d_obj) / noise, -3.0, 3.0)).astype(np.float32)


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

    def _flow(self, cur_gray: np.ndarray, prev_gray: np.ndarray) -> np.ndarray:
        """For every pixel of the current frame, its displacement back to the previous one."""
        flow = self.dis.calc(cur_gray, prev_gray, None)
        w, h = self.work_size
        flow = cv2.resize(flow, (w, h), interpolation=cv2.INTER_LINEAR)
        flow[..., 0] *= w / self.flow_size[0]
        flow[..., 1] *= h / self.flow_size[1]
        return flow

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
            flow = self._flow(gray, prev_gray)
            prev_gray = gray
            seg = self.person.person_probability(image) if self.needs_seg(states) else None
            out: dict[int, tuple[np.ndarray, float]] = {}
            for obj_id, state in states.items():
                out[obj_id] = self._step(state, image, flow, seg)
            yield index, out

    def _step(
        self,
        state: TrackState,
        image: np.ndarray,
        flow: np.ndarray,
        seg: np.ndarray | None,
    ) -> tuple[np.ndarray, float]:
        mapx = self._grid[0] + flow[..., 0]
        mapy = self._grid[1] + flow[..., 1]
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
        motion = motion_evidence(flow, warped_bin, self._grid)
        if motion is not None:
            fused += motion
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
