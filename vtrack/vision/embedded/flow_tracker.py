"""Mask propagation: warp the previous mask with DIS optical flow, then re-fit it to the frame.

Each step fuses, in log-odds, (a) the flow-warped previous mask blurred by its uncertainty, (b) a
colour likelihood from a long-term (prompt frame) and a short-term (recent confident frames)
fg/bg histogram, (c) a motion cue (object vs surrounding affine motion) and (d) mediapipe's
person/foreground probability when that cue agreed with the prompt mask. An edge-aware guided
filter snaps the fused map to image edges. This module runs the pass (threads, per-frame flow)
and decides each step's verdict; the stages of a step are in `refine.py`, the per-object state
in `track_state.py`, the pose model's schedule in `pose_cue.py`.

An object is reported absent (an empty mask, score 0) only on evidence: when its refined mask
collapses, the flow's mask is kept while that place still looks like the object (blur, fast
motion), and only when it does not (a wall in front) or the flow lost it too (it left the frame)
is it absent, instead of being replaced by whatever looks most like it; every frame it is then
looked for again, by its keypoints and by a colour blob that must pass verification
(`reacquire.py`). The latest full view of the object is kept and moved along with it, so a part
hidden for a while (behind a pole) has a neutral prior, not a negative one, when it comes back.

Speed: flow runs once per frame on a quarter of the working pixels; everything per object runs
only inside a padded box around where the object can be (a few percent of the frame for small
objects); large-radius morphology is done with distance transforms, whose cost does not grow with
the radius. The tracker yields the soft map of that box only; the session upsamples just the box.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from vtrack.boxes import Box, mask_box
from vtrack.vision.embedded.clean_view import hold_to_clean_view
from vtrack.vision.embedded.imageops import resize
from vtrack.vision.embedded.person_segmenter import PersonSegmenter
from vtrack.vision.embedded.pose_cue import PoseCue
from vtrack.vision.embedded.reacquire import PLAUSIBLE_MATCH, RECHECK_EVERY, Reacquirer
from vtrack.vision.embedded.refine import (
    POSE_REACH,
    Prior,
    Window,
    accept,
    agreement_score,
    edge_filter,
    far_side,
    fuse_cues,
    search_box,
    snap,
    warp_latent,
    warp_prior,
)
from vtrack.vision.embedded.relocate import relocated
from vtrack.vision.embedded.track_state import (
    ABSENT,
    StepResult,
    TrackState,
    at_edge,
    init_state,
)

__all__ = ["FlowTracker", "StepResult", "TrackState", "init_state"]

FLOW_DOWNSCALE = 2  # flow runs at half the working resolution
# frames between the two ends of the long-baseline flow: per-frame object/background motion
# differences of slow objects (0.3-0.6 px) are below DIS's noise, over 4 frames they are not
LONG_BASELINE = 4
# short-term colour model refresh: every few confident frames is enough and saves histogramming
_COLOUR_UPDATE_EVERY = 4
# the short-term colour model is refreshed from the mask of every fresh pose frame at this rate
# (that mask holds the limbs and shorts the propagated mask loses: person clips +0.002)
_POSE_COLOUR_RATE = 0.3
# the keyframe used to re-acquire an object that left the frame is refreshed every this many
# confident frames (ORB on the object's box: ~1-2 ms)
_KEYFRAME_EVERY = 8
# a mask shrunk below this fraction of the object's usual area means it is (almost) hidden
_VANISHED = 0.02
# a view of the object at least this fraction of its usual area counts as a full view
_FULL_VIEW = 0.85
# a collapsed mask is replaced by the flow's when that still covers this fraction of the
# object's usual area and looks like the object; such a frame's score (below the dip repair's)
_KEPT_MIN_PRIOR = 0.15
_KEPT_SCORE = 0.3

# (index, image, its grey, flow image, flow, person map, long-baseline flow)
_Map = np.ndarray | None
PreparedFrame = tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, _Map, _Map]


class FlowTracker:
    """Propagates several objects' masks through a sequence of working-resolution frames."""

    def __init__(
        self, work_size: tuple[int, int], person: PersonSegmenter | None, quality: str = "fast"
    ) -> None:
        self.work_size = work_size
        self.person = person if person is not None and person.available else None
        self.quality = quality
        w, h = work_size
        down = FLOW_DOWNSCALE if quality == "fast" else 1
        self.flow_size = (max(16, w // down), max(16, h // down))
        self.dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        self._flow_scale = np.float32([w / self.flow_size[0], h / self.flow_size[1]])
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        self._grid = (gx, gy)
        self.reacquirer = Reacquirer()
        self._prev_gray: np.ndarray | None = None  # working-res grey, set by `run`
        self._cur_gray: np.ndarray | None = None

    def _gray(self, gray: np.ndarray) -> np.ndarray:
        """The flow image of a frame, from its working-resolution grey."""
        return resize(gray, self.flow_size)

    def _flow(self, cur_gray: np.ndarray, prev_gray: np.ndarray) -> np.ndarray:
        """For every pixel of the current frame, its displacement back to the previous one."""
        flow = self.dis.calc(cur_gray, prev_gray, None)
        if self.work_size != self.flow_size:
            flow = cv2.resize(flow, self.work_size, interpolation=cv2.INTER_LINEAR)
            flow *= self._flow_scale  # both components in one pass (same float32 products)
        return flow

    def needs_seg(self, states: dict[int, TrackState]) -> bool:
        return self.person is not None and any(s.seg_weight > 0 for s in states.values())

    def _prepare(
        self,
        frames: Iterator[tuple[int, np.ndarray]],
        grays: list[np.ndarray],
        want_seg: bool,
        want_long: bool = True,
        no_seg: set[int] | None = None,
    ) -> PreparedFrame | None:
        """Next frame's per-frame work (decode/resize, grey, flow, long-baseline flow, person
        map), object-independent. `grays` holds the last LONG_BASELINE frames' flow images,
        newest last. The selfie map is skipped for the frame indices in `no_seg` (filled as the
        frames are read, so which frames skip it does not depend on timing).
        """
        item = next(frames, None)
        if item is None:
            return None
        index, image = item
        full_gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        gray = self._gray(full_gray)
        flow = self._flow(gray, grays[-1])
        long_flow = (
            self._flow(gray, grays[0]) if want_long and len(grays) >= LONG_BASELINE else None
        )
        if no_seg is not None and index in no_seg:
            want_seg = False
        seg = self.person.person_probability(image) if want_seg and self.person else None
        return index, image, full_gray, gray, flow, seg, long_flow

    def _warp_back(self, prob: np.ndarray, flow: np.ndarray) -> np.ndarray:
        """A previous frame's map moved onto the current one by the dense flow."""
        gx, gy = self._grid
        return cv2.remap(prob, gx + flow[..., 0], gy + flow[..., 1], cv2.INTER_LINEAR)

    def run(
        self,
        frames: Iterator[tuple[int, np.ndarray]],
        states: dict[int, TrackState],
        first_image: np.ndarray,
        allow_pose: bool = True,
    ) -> Iterator[tuple[int, dict[int, StepResult]]]:
        """Yield (frame index, {obj: (soft mask in box, box, score)}) for frames after the first.

        Two-stage pipeline: a worker thread prepares frame t+1 (resize, flow, person map; OpenCV
        and mediapipe release the GIL) while this thread refines the masks of frame t, so on two
        cores the per-frame cost is close to the larger of the two stages, not their sum.
        For people, a third thread runs the pose model on every few frames, started
        a few frames before that frame is refined (`pose_cue.py`), so the 18 ms call overlaps the other
        stages instead of stalling the pipeline (the map is the same, so are the results).
        `allow_pose=False` skips it (short repair passes: the graph's start-up would cost more
        than it brings).
        """
        frames = iter(frames)
        want_seg = self.needs_seg(states)
        want_pose = allow_pose and self.person is not None and any(s.pose for s in states.values())
        # where every object is a person followed by the pose model, that model's map replaces
        # the selfie map next to pose frames and the long-baseline motion cue (it serves slow
        # rigid objects; people: DAVIS -0.001), which pays for running pose more often
        all_pose = want_pose and all(s.pose for s in states.values())
        self._cur_gray = cv2.cvtColor(first_image, cv2.COLOR_RGB2GRAY)
        grays = [self._gray(self._cur_gray)]
        self._first_keyframes(states, self._cur_gray)
        pose_graph = self.person.video_pose() if want_pose and self.person else None
        try:
            with (
                ThreadPoolExecutor(max_workers=1) as pose_pool,
                ThreadPoolExecutor(max_workers=1) as pool,
            ):
                cue = PoseCue(pose_graph, pose_pool, self.quality, self._warp_back)
                if pose_graph is not None:
                    frames = cue.ahead(frames)
                no_seg = cue.near_pose if all_pose else None
                pending = pool.submit(
                    self._prepare, frames, list(grays), want_seg, not all_pose, no_seg
                )
                while (ready := pending.result()) is not None:
                    index, image, full_gray, gray, flow, seg, long_flow = ready
                    grays = (grays + [gray])[-LONG_BASELINE:]
                    pending = pool.submit(
                        self._prepare, frames, list(grays), want_seg, not all_pose, no_seg
                    )
                    pose, pose_w = cue.map_for(index, flow)
                    self._prev_gray, self._cur_gray = self._cur_gray, full_gray
                    out = {
                        obj_id: self._step(state, image, flow, seg, long_flow, pose, pose_w)
                        for obj_id, state in states.items()
                    }
                    yield index, out
        finally:
            # also when the consumer stops early (the generator is closed); both pools have
            # finished their calls by now
            if pose_graph is not None:
                pose_graph.close()

    def _first_keyframes(self, states: dict[int, TrackState], gray: np.ndarray) -> None:
        """The prompt frame's view of every object without a keyframe yet (to find it again)."""
        for state in states.values():
            key = self.reacquirer.object_keyframe(gray, state.mask) if not state.keyframes else None
            if key is not None:
                state.keyframes = [key]

    def _window(self, image: np.ndarray, flow: np.ndarray, box: Box, in_place: bool) -> Window:
        x0, y0, x1, y1 = box
        fl = flow[y0:y1, x0:x1]
        if in_place:
            fl = np.zeros_like(fl)  # no motion to apply: re-acquisition placed the mask here
        return Window(
            box, image[y0:y1, x0:x1], fl, self._grid[0][y0:y1, x0:x1], self._grid[1][y0:y1, x0:x1]
        )

    def _step(
        self,
        state: TrackState,
        image: np.ndarray,
        flow: np.ndarray,
        seg: np.ndarray | None,
        long_flow: np.ndarray | None = None,
        pose: np.ndarray | None = None,
        pose_w: float = 1.0,
    ) -> StepResult:
        """One object's mask in the next frame: where to look, the warped prior, the fused cues,
        the mask they give, then the verdict (tracked, or absent until found again)."""
        in_place = False  # prior_src already shows where the object is in this frame
        prior_src = state.mask
        if state.absent:
            found = self._find_again(state, image)
            if found is None:
                return ABSENT
            prior_src, in_place = found, True
            state.absent = False
        elif (drifted := self._drifted(state)) is not None:
            prior_src, in_place = drifted, True
        size0 = np.sqrt(max(float(np.count_nonzero(prior_src)), state.ref_area * 0.25, 1.0))
        reach = int(np.clip(0.25 * size0, 6, 40))
        moved = None if in_place else self._relocated(state, image, flow, reach)
        if moved is not None:
            prior_src, state.latent = moved  # placed by the long-range re-search
        elif in_place:
            state.latent = None  # from before it was lost: not moved along since
        in_place = in_place or moved is not None
        if in_place:
            state.clean = None
        fresh_pose = pose is not None and state.pose and pose_w >= 1.0
        region = prior_src if state.latent is None else prior_src | state.latent
        box = search_box(region, flow, int(POSE_REACH * reach) if fresh_pose else reach)
        if box is None:
            state.absent = True
            return ABSENT
        win = self._window(image, flow, box, in_place)
        prior = warp_prior(prior_src, win, state.ref_area)
        latent, clean_view = self._move_views(state, win, prior)
        fused, posed = fuse_cues(state, win, prior, reach, seg, long_flow, pose, pose_w, latent)
        x0, y0, x1, y1 = box
        edges = edge_filter(np.ascontiguousarray(self._cur_gray[y0:y1, x0:x1]))
        soft = far_side(state, win, prior, fused, snap(fused, edges), edges)
        new, clean = hold_to_clean_view(
            state.anchor, win.colours, accept(soft, prior), clean_view, prior.size
        )
        return self._conclude(state, image, win, prior, soft, new, posed, clean)

    def _conclude(
        self,
        state: TrackState,
        image: np.ndarray,
        win: Window,
        prior: Prior,
        soft: np.ndarray,
        new: np.ndarray,
        posed: bool,
        clean: bool = True,
    ) -> StepResult:
        """The step's verdict on the mask and the bookkeeping (`clean`: see `clean_view.py`)."""
        new_area = float(np.count_nonzero(new))
        score = agreement_score(new, prior, state.ref_area)
        if new_area < _VANISHED * state.ref_area and self._still_there(state, win, prior):
            # the evidence lost the object (blur, fast motion, a lighting change) but where the
            # flow puts it still looks like it: keep the flow's mask, unconfident
            new, new_area = prior.inside, prior.area
            soft = np.clip(prior.soft, 0.0, 1.0)
            score = _KEPT_SCORE
        if new_area < _VANISHED * state.ref_area:
            # it left the frame or went behind something: look for it elsewhere, and report it
            # absent (empty mask) until it is really seen again rather than settle on whatever
            # looks most like it
            return self._vanished(state, image)
        h, w = state.mask.shape
        x0, y0, x1, y1 = win.box
        full = np.zeros((h, w), bool)
        full[y0:y1, x0:x1] = new
        state.mask = full
        if score > 0.7 and new.any():
            self._learn(state, image, full, new_area, posed, clean)
        soft = np.where(new, np.maximum(soft, 0.51), np.minimum(soft, 0.49)).astype(np.float32)
        return soft, win.box, score

    def _drifted(self, state: TrackState) -> np.ndarray | None:
        """Every few frames: the keyframes' mask where their keypoints are seen, when that is
        clearly not where the mask is (recovery from the last confident views)."""
        state.steps += 1
        if state.steps % RECHECK_EVERY or not state.keyframes or self._cur_gray is None:
            return None
        keys, gray = state.keyframes, self._cur_gray
        return self.reacquirer.elsewhere(keys, gray, state.mask, state.ref_area)

    def _relocated(
        self, state: TrackState, image: np.ndarray, flow: np.ndarray, reach: int
    ) -> tuple | None:
        if self._prev_gray is None or self._cur_gray is None:
            return None  # `relocate.py`: the object placed by its own pixels, not the flow
        prev, cur, looks = self._prev_gray, self._cur_gray, (state.anchor, image)
        return relocated(prev, cur, state.mask, state.latent, flow, reach, looks)

    @staticmethod
    def _move_views(state: TrackState, win: Window, prior: Prior) -> tuple[_Map, _Map]:
        """Move the object's last full view and its clean view along with the prior; their
        window-sized copies (None for a view not held)."""
        x0, y0, x1, y1 = win.box
        latent = None if state.latent is None else warp_latent(state.latent, win, prior)
        clean = None if state.clean is None else warp_latent(state.clean, win, prior)
        for name, part in (("latent", latent), ("clean", clean)):
            if part is not None:
                view = np.zeros_like(state.mask)  # new arrays: a view may be the old mask
                view[y0:y1, x0:x1] = part
                setattr(state, name, view)
        return latent, clean

    @staticmethod
    def _still_there(state: TrackState, win: Window, prior: Prior) -> bool:
        """Absent only on evidence: the object is still where the flow puts it unless that
        place no longer looks like it (its colours no longer match the first frame's, as when
        a wall or a person covers it) or the flow itself lost most of it (it left the frame)."""
        if prior.area <= _KEPT_MIN_PRIOR * state.ref_area:
            return False
        return state.anchor.similarity(win.image, prior.inside) >= PLAUSIBLE_MATCH

    def _vanished(self, state: TrackState, image: np.ndarray) -> StepResult:
        state.absent = True
        state.latent = state.clean = None
        found = self._find_again(state, image)
        if found is None:
            return ABSENT
        state.absent = False
        state.mask = found
        h, w = found.shape
        fx0, fy0, fx1, fy1 = mask_box(found, 2) or (0, 0, w, h)
        return found[fy0:fy1, fx0:fx1].astype(np.float32), (fx0, fy0, fx1, fy1), 0.1

    def _learn(
        self,
        state: TrackState,
        image: np.ndarray,
        full: np.ndarray,
        area: float,
        posed: bool,
        clean: bool,
    ) -> None:
        """A confident frame: refresh the short-term colours, the usual area, the views."""
        state.confident_count += 1
        if posed:
            state.colour.update(image, full, rate=_POSE_COLOUR_RATE)
        elif state.confident_count % _COLOUR_UPDATE_EVERY == 0:
            state.colour.update(image, full, rate=0.15)
        state.ref_area = 0.9 * state.ref_area + 0.1 * area
        if area > _FULL_VIEW * state.ref_area:
            state.latent = full
            if clean:
                state.clean = full.copy()
        if (
            state.confident_count % _KEYFRAME_EVERY == 0
            and area > _FULL_VIEW * state.ref_area
            and not at_edge(full)
        ):
            # only full views: a half-hidden object's keypoints would miss the other half
            key = self.reacquirer.object_keyframe(self._cur_gray, full)  # `image`'s grey
            if key is not None:
                state.keyframes = state.keyframes[:1] + [key]

    def _find_again(self, state: TrackState, image: np.ndarray) -> np.ndarray | None:
        return self.reacquirer.find_object(state.keyframes, state.anchor, state.ref_area, image)
