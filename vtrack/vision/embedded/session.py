"""The embedded engine's session: prompts per object, then bidirectional flow tracking."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from vtrack.boxes import Box
from vtrack.errors import InvalidInput
from vtrack.media.frames import FrameSequence
from vtrack.vision.base import (
    BoxPrompt,
    Direction,
    FrameMasks,
    PointPrompt,
    ProgressCallback,
    SegmentationSession,
    SoundSource,
    TextDetection,
)
from vtrack.vision.embedded.click_segmentation import FrameClicks, prepare_clicks, segment_box
from vtrack.vision.embedded.click_sequence import segment_clicks
from vtrack.vision.embedded.correction import Corrections
from vtrack.vision.embedded.flow_tracker import FlowTracker, StepResult, TrackState, init_state
from vtrack.vision.embedded.frame_looks import FrameLooks
from vtrack.vision.embedded.imageops import resize, upsample_box
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.repair import pick_better, repair_dips
from vtrack.vision.embedded.text_grounding import ground_text
from vtrack.vision.embedded.track_memory import replayed_state
from vtrack.vision.embedded.work_frames import WorkFrames

log = logging.getLogger(__name__)


# Clicked frames whose shared click state is kept: a user corrects back and forth between a few
# frames; each holds the frame's superpixel and motion cues and the masks after each click
# (a few MB at 854x480).
_CLICKED_FRAMES_KEPT = 4


@dataclass
class ObjectPrompt:
    """One object's prompt: the frame, its mask there (working res) and the clicks that made it."""

    frame_index: int
    mask: np.ndarray
    kind: str = "object"
    label: str = ""
    # A mask given with add_mask: clicks on this frame correct it instead of starting over.
    base: np.ndarray | None = None
    clicks: list[PointPrompt] = field(default_factory=list)  # both kinds, in the order given


class EmbeddedSession(SegmentationSession):
    """Classical CPU segmentation session (see the package docstring for the method)."""

    def __init__(
        self, video: FrameSequence, person: PersonSegmenter | None, quality: str = "fast"
    ) -> None:
        if len(video) == 0:
            raise InvalidInput("the video has no frames")
        self.video = video
        self.person = person
        self.quality = quality
        self.frames = WorkFrames(video)
        self.size = self.frames.full
        self.work = self.frames.size
        self._scale = (self.size[0] / self.work[0], self.size[1] / self.work[1])
        self.objects: dict[int, ObjectPrompt] = {}
        # what clicks on a frame share (cues, earlier masks), for the last few frames clicked
        self._clicks: OrderedDict[int, FrameClicks] = OrderedDict()
        self._corrections = Corrections(_CLICKED_FRAMES_KEPT)
        self._sound: SoundSource | None = None
        # per object: its masks (working res) on frames prompted before this session's, oldest first
        self._history: dict[int, list[tuple[int, np.ndarray]]] = {}

    # ---- helpers -------------------------------------------------------------------------
    def _check_frame(self, frame_index: int) -> None:
        if not 0 <= frame_index < len(self.video):
            raise InvalidInput(
                f"frame {frame_index} is outside the video (0-{len(self.video) - 1})"
            )

    def work_image(self, frame_index: int) -> np.ndarray:
        """The frame at working resolution (the last one is cached: clicks come in bursts)."""
        return self.frames.image(frame_index)

    def _motion_partner(self, frame_index: int, step: int = 4) -> np.ndarray | None:
        """A frame `step` away (forward when possible) at working resolution, for the click's
        motion cue; None for a single-frame video."""
        return self.frames.partner(frame_index, step)

    def _to_px(self, x: float, y: float) -> tuple[int, int]:
        w, h = self.work
        return (
            int(np.clip(round(x * w - 0.5), 0, w - 1)),
            int(np.clip(round(y * h - 0.5), 0, h - 1)),
        )

    def to_full(self, soft_or_mask: np.ndarray, box: Box | None = None) -> np.ndarray:
        """Working-resolution mask (bool or soft, covering `box` or the whole frame) to a bool
        mask at the video's resolution."""
        soft = soft_or_mask.astype(np.float32)
        if soft_or_mask.dtype == bool:
            # a light blur turns the staircase of an upsampled binary mask into a smooth edge
            soft = cv2.GaussianBlur(soft, (0, 0), 0.8)
        if box is None:
            box = (0, 0, soft.shape[1], soft.shape[0])
        return upsample_box(soft, box, self._scale, self.size)

    def _frame_masks(self, frame_index: int) -> FrameMasks:
        out = FrameMasks(frame_index=frame_index)
        for obj_id, prompt in self.objects.items():
            if prompt.frame_index == frame_index:
                out.masks[obj_id] = self.to_full(prompt.mask)
                out.scores[obj_id] = 1.0 if prompt.mask.any() else 0.0
        return out

    # ---- prompts -------------------------------------------------------------------------
    def add_points(self, frame_index: int, obj_id: int, points: list[PointPrompt]) -> FrameMasks:
        self._check_frame(frame_index)
        if not points:
            raise InvalidInput("add_points needs at least one point")
        prev = self.objects.get(obj_id)
        same_frame = prev is not None and prev.frame_index == frame_index
        ordered = (list(prev.clicks) if prev is not None and same_frame else []) + list(points)
        base = prev.base if prev is not None and same_frame else None
        if not any(p.positive for p in ordered) and base is None and not same_frame:
            raise InvalidInput("the first click on an object must be a positive one")
        image = self.work_image(frame_index)
        if prev is not None and base is not None:
            clicks = [(*self._to_px(p.x, p.y), p.positive) for p in ordered]
            looks = self._frame_clicks(frame_index).looks
            mask = self._corrections.correct(image, frame_index, base, clicks, looks)
            self.objects[obj_id] = ObjectPrompt(
                frame_index, mask, prev.kind, prev.label, base=base, clicks=ordered
            )
            return self._frame_masks(frame_index)
        shared = self._frame_clicks(frame_index)
        result = segment_clicks(
            image,
            [(*self._to_px(p.x, p.y), p.positive) for p in ordered],
            self.person,
            lambda step: self._motion_partner(frame_index, step),
            shared,
        )
        self.objects[obj_id] = ObjectPrompt(
            frame_index, result.mask, result.kind, result.description, clicks=ordered
        )
        return self._frame_masks(frame_index)

    def _frame_clicks(self, frame_index: int) -> FrameClicks:
        """What clicks on `frame_index` share (the most recently clicked frames are kept)."""
        shared = self._clicks.pop(frame_index, None) or FrameClicks()
        self._clicks[frame_index] = shared
        while len(self._clicks) > _CLICKED_FRAMES_KEPT:
            self._clicks.popitem(last=False)
        if shared.looks is None:
            shared.looks = FrameLooks(
                self.work_image(frame_index),
                self.person,
                lambda step: self._motion_partner(frame_index, step),
            )
        return shared

    def prepare_frame(self, frame_index: int) -> None:
        """What a first click on the frame computes wherever it lands (`prepare_clicks`: ~0.3-0.8 s
        of CPU of a first click on an 854x480 video on this machine)."""
        self._check_frame(frame_index)
        prepare_clicks(self._frame_clicks(frame_index))

    def _is_a_person(self, frame_index: int, mask: np.ndarray) -> bool:
        """Whether a given mask (a propagated mask being corrected) is the pose model's person
        on that frame: their intersection is at least half their union. The object then keeps
        the person cues when it is tracked from here (before, a correction on a person's frame
        tracked on as a plain object: DAVIS robot user, J&F after the correction tune 0.703 ->
        0.713, holdout 0.575 -> 0.575; tennis 0.613 -> 0.750, hockey 0.712 -> 0.740)."""
        if not mask.any():
            return False
        looks = self._frame_clicks(frame_index).looks
        pose = looks.pose() if looks is not None else None
        if pose is None or pose.mask is None:
            return False
        person = pose.mask > 0.5
        return 2 * np.count_nonzero(person & mask) >= np.count_nonzero(person | mask)

    def add_box(self, frame_index: int, obj_id: int, box: BoxPrompt) -> FrameMasks:
        self._check_frame(frame_index)
        image = self.work_image(frame_index)
        x0, y0 = self._to_px(box.x0, box.y0)
        x1, y1 = self._to_px(box.x1, box.y1)
        result = segment_box(image, (x0, y0, x1 + 1, y1 + 1), self.person)
        self.objects[obj_id] = ObjectPrompt(
            frame_index, result.mask, result.kind, label=result.description
        )
        return self._frame_masks(frame_index)

    def add_mask(
        self, frame_index: int, obj_id: int, mask: np.ndarray, label: str = ""
    ) -> FrameMasks:
        """Prompt with a ready mask at the video's resolution (a correction's starting point,
        text grounding, tests)."""
        self._check_frame(frame_index)
        work_mask = resize(mask.astype(np.float32), self.work) > 0.5
        person = label == "person" or (not label and self._is_a_person(frame_index, work_mask))
        kind = "person" if person else "object"
        self.objects[obj_id] = ObjectPrompt(
            frame_index, work_mask, kind, label=label, base=work_mask
        )
        return self._frame_masks(frame_index)

    def remember(self, obj_id: int, frames: list[tuple[int, np.ndarray]]) -> None:
        """The object's masks (bool, video resolution) on frames it was prompted on before, for
        tracking it forward from a later prompt (`_start_state`); replaces earlier ones."""
        self._history[obj_id] = sorted(
            ((f, resize(m.astype(np.float32), self.work) > 0.5) for f, m in frames),
            key=lambda item: item[0],
        )

    def set_sound(self, sound: SoundSource | None) -> None:
        self._sound = sound

    def add_text(self, frame_index: int, text: str) -> TextDetection:
        self._check_frame(frame_index)
        found = ground_text(self.frames, self.person, frame_index, text, self._sound)
        next_id = max(self.objects, default=0) + 1
        labels: dict[int, str] = {}
        for offset, (mask, kind, label) in enumerate(found.objects):
            obj_id = next_id + offset
            self.objects[obj_id] = ObjectPrompt(frame_index, mask, kind, label=label)
            labels[obj_id] = label
        fm = FrameMasks(frame_index=frame_index)
        for obj_id in labels:
            fm.masks[obj_id] = self.to_full(self.objects[obj_id].mask)
            fm.scores[obj_id] = found.score
        return TextDetection(frame_masks=fm, labels=labels, description=found.description)

    def remove_object(self, obj_id: int) -> None:
        self.objects.pop(obj_id, None)
        self._history.pop(obj_id, None)

    # ---- tracking ------------------------------------------------------------------------
    def _track_group(
        self, start: int, obj_ids: list[int], direction: Direction
    ) -> Iterator[tuple[int, dict[int, StepResult]]]:
        """Yield (frame, {obj: (soft work-res mask in box, box, score)}) for one prompt frame."""
        first = self.work_image(start)
        seg = None
        tracker = FlowTracker(self.work, self.person, self.quality)
        if self.person is not None and self.person.available:
            seg = self.person.person_probability(first)
        whole = (0, 0, self.work[0], self.work[1])
        yield (
            start,
            {
                o: (
                    self.objects[o].mask,
                    whole,
                    1.0 if self.objects[o].mask.any() else 0.0,
                )
                for o in obj_ids
            },
        )
        n = len(self.video)
        ranges = []
        if direction in ("both", "forward"):
            ranges.append(range(start + 1, n))
        if direction in ("both", "backward"):
            ranges.append(range(start - 1, -1, -1))
        for frames in ranges:
            if len(frames) == 0:
                continue
            states = {o: self._start_state(o, start, frames, first, seg) for o in obj_ids}
            stream = ((i, resize(np.asarray(self.video[i]), self.work)) for i in frames)
            yield from repair_dips(tracker.run(stream, states, first), self._retrack_back)

    def _start_state(
        self, obj_id: int, start: int, frames: range, first: np.ndarray, seg: np.ndarray | None
    ) -> TrackState:
        """The object's state on its prompt frame `start`: going forward from a correction, as
        tracked again from its earliest remembered prompt (`track_memory.py`), else fresh."""
        prompt = self.objects[obj_id]
        earlier = [(f, m) for f, m in self._history.get(obj_id, []) if f < start]
        if not earlier or frames.step < 0:
            return init_state(first, prompt.mask, seg, person=prompt.kind == "person")
        keyed = earlier + [(start, prompt.mask)]
        first_frame, first_mask = keyed[0]
        person = self._is_a_person(first_frame, first_mask)  # as the first track was
        return replayed_state(self.frames, self.person, self.quality, keyed, person)

    def _retrack_back(
        self, held: list[tuple[int, dict[int, StepResult]]], obj_ids: list[int]
    ) -> None:
        """Re-track `obj_ids` from the last held frame back over the others, in place; each
        frame keeps the better of its two results, or their union where both are partial."""
        last_index, last = held[-1]
        image = self.work_image(last_index)
        seg = None
        if self.person is not None and self.person.available:
            seg = self.person.person_probability(image)
        states = {}
        for o in obj_ids:
            soft, (x0, y0, x1, y1), _ = last[o]
            mask = np.zeros((self.work[1], self.work[0]), bool)
            mask[y0:y1, x0:x1] = soft > 0.5
            states[o] = init_state(image, mask, seg, person=self.objects[o].kind == "person")
        slots = {index: per_obj for index, per_obj in held[:-1]}
        order = [index for index, _ in reversed(held[:-1])]
        stream = ((i, resize(np.asarray(self.video[i]), self.work)) for i in order)
        tracker = FlowTracker(self.work, self.person, self.quality)
        for index, per_obj in tracker.run(stream, states, image, allow_pose=False):
            for o, result in per_obj.items():
                slots[index][o] = pick_better(slots[index][o], result)

    def propagate(
        self,
        direction: Direction = "both",
        start_frame_index: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Iterator[FrameMasks]:
        n = len(self.video)
        if not self.objects:
            for i in range(n):
                yield FrameMasks(frame_index=i)
            if progress:
                progress(1.0)
            return
        groups: dict[int, list[int]] = {}
        for obj_id, prompt in self.objects.items():
            groups.setdefault(prompt.frame_index, []).append(obj_id)
        if start_frame_index is not None and start_frame_index in groups:
            # the requested start frame's group runs first (its prompts are the freshest)
            ordered = [start_frame_index] + [g for g in groups if g != start_frame_index]
        else:
            ordered = sorted(groups)
        covered = set()
        if direction in ("both", "forward"):
            covered |= set(range(min(ordered), n))
        if direction in ("both", "backward"):
            covered |= set(range(0, max(ordered) + 1))
        total = max(1, len(covered) * len(ordered))
        done = 0
        if len(ordered) == 1:
            for index, per_obj in self._track_group(ordered[0], groups[ordered[0]], direction):
                yield self._to_frame_masks(index, per_obj)
                done += 1
                if progress:
                    progress(min(1.0, done / total))
            return
        # several prompt frames: collect compact working-resolution masks, merge, then yield
        merged: dict[int, dict[int, StepResult]] = {}
        for g in ordered:
            for index, per_obj in self._track_group(g, groups[g], direction):
                slot = merged.setdefault(index, {})
                for obj_id, (soft, box, score) in per_obj.items():
                    compact = soft if soft.dtype == bool else (soft * 255).astype(np.uint8)
                    slot[obj_id] = (compact, box, score)
                done += 1
                if progress:
                    progress(min(0.99, done / total))
        for index in sorted(merged):
            per_obj = {
                o: (s if s.dtype == bool else s.astype(np.float32) / 255.0, b, sc)
                for o, (s, b, sc) in merged[index].items()
            }
            yield self._to_frame_masks(index, per_obj)
        if progress:
            progress(1.0)

    def _to_frame_masks(self, index: int, per_obj: dict[int, StepResult]) -> FrameMasks:
        fm = FrameMasks(frame_index=index)
        for obj_id, (soft, box, score) in per_obj.items():
            fm.masks[obj_id] = self.to_full(soft, box)
            fm.scores[obj_id] = float(score)
        return fm

    def close(self) -> None:
        self.frames.forget()
        self._clicks.clear()
        self._corrections.clear()
        self.objects.clear()
