"""The pose model's person map for the frames being tracked: started ahead, carried between.

mediapipe pose is too slow to run on every frame, so it runs on every few frames in its own
thread, started a few frames before the frame is refined, and between pose frames its last map
is moved along by the dense flow at a decaying weight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from vtrack.vision.embedded.person_segmenter import VideoPose

# mediapipe pose (video mode: 18 ms per 480x270 frame on this CPU, 5x the selfie model) runs in
# its own thread for objects clicked as people, as an extra log-odds term, on every
# _POSE_EVERY[quality]-th frame (every 4th: DAVIS 0.758, tennis x300 3.4 s when it ran in the
# worker; every 6th: 0.753, 3.1 s; without: 0.745, 1.8 s). Quality "fast" takes every 8th frame:
# with the dip repair, DAVIS 0.754 -> 0.761 (every 6th: +0.003 on the person clips, 33 % more calls).
# Every 5th at "fast" since the selfie map and the long-baseline flow are spared on person clips
# (below) to pay for it: DAVIS 0.762 -> 0.770 (tennis 0.778 -> 0.798, swing 0.721 -> 0.741),
# tennis x300 CPU 4.16 -> 4.10 s; every 4th: DAVIS 0.773 but +0.11 s CPU (+2.5 %); every 6th: 0.768
_POSE_EVERY = {"fast": 5, "best": 4}
# the selfie map is not computed on a pose frame and the frame after it (the pose map, fresh or
# carried at half weight, says more; swing even gains): an extra pose call costs 18 ms, a selfie
# call 2.5 ms; sparing it on 3 frames of 4 lets swing's mask collapse behind the pole (0.732 ->
# 0.675 at every 4th)
_SELFIE_SPARED = 2
# between pose frames the last pose map is carried by the dense flow for up to _POSE_CARRY
# frames, its weight halving each frame (DAVIS 0.758 -> 0.760; decay 0.7 / 0.35: 0.759 / 0.760;
# at every 8th frame, 7 frames at 0.7: no change; at every 5th, 2 frames instead of 3: DAVIS
# 0.770 -> 0.771 and one full-frame warp fewer per pose call; 4 frames or decay 0.7: person
# clips -0.0005 / -0.003)
_POSE_CARRY = 2
_POSE_DECAY = 0.5
# the pose call for a frame starts this many frames before the frame is refined, so it overlaps
# the flow and refinement stages (taken 1-2 frames late instead, warped by the flow: tennis 0.80
# -> 0.756 / 0.736, the limbs have moved); 3 frames since pose runs every 5th: its 18 ms no
# longer fit in 2 frames of ~9 ms (tennis x300 wall median 2.77 -> 2.68 s, same results)
_POSE_AHEAD = 3


class PoseCue:
    """Schedules the pose model over a tracking pass and answers each frame's pose map."""

    def __init__(
        self,
        graph: VideoPose | None,
        pool: ThreadPoolExecutor,
        quality: str,
        warp: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> None:
        self.graph = graph
        self.pool = pool
        self.every = _POSE_EVERY.get(quality, _POSE_EVERY["fast"])
        self.warp = warp  # (map, flow) -> the map moved onto the flow's frame
        self.jobs: dict[int, Future[np.ndarray | None]] = {}
        # the pose frames and the _SELFIE_SPARED - 1 frames read after each (filled as the
        # frames are read, so which frames skip the selfie map does not depend on timing)
        self.near_pose: set[int] = set()
        self._carried: np.ndarray | None = None
        self._age = 0

    def ahead(self, frames: Iterator[tuple[int, np.ndarray]]) -> Iterator[tuple[int, np.ndarray]]:
        """Pass the frames on _POSE_AHEAD frames late, having started the pose model on every
        few of them as soon as it was read (in reading order: a backward pass reads indices
        downwards)."""
        assert self.graph is not None
        buf: list[tuple[int, np.ndarray]] = []
        for pos, (index, image) in enumerate(frames, start=2):
            if pos % self.every == 0:
                self.jobs[index] = self.pool.submit(self.graph.mask, image)
            if pos % self.every < _SELFIE_SPARED:
                self.near_pose.add(index)
            buf.append((index, image))
            if len(buf) > _POSE_AHEAD:
                yield buf.pop(0)
        yield from buf

    def map_for(self, index: int, flow: np.ndarray) -> tuple[np.ndarray | None, float]:
        """Frame `index`'s pose map (fresh, or carried by `flow`) and its weight; None when
        there is none."""
        job = self.jobs.pop(index, None)
        pose = job.result() if job is not None else None
        if pose is not None:
            self._carried, self._age = pose, 0
        elif self._carried is not None and self._age < _POSE_CARRY:
            self._carried = self.warp(self._carried, flow)
            self._age += 1
        else:
            self._carried = None
        return self._carried, _POSE_DECAY**self._age
