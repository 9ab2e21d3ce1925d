"""What every click on one frame looks at, computed once per frame: the pose, the person
probability and the camera's motion towards each partner frame (the motion prune's and the
objectness cues').

None of these depend on where the click is, so a user clicking several objects (or correcting
one) on a frame pays for each once: at the working size of an 854x480 video (427x240) that is
~18 ms of pose, ~3 ms of selfie segmentation and ~35 ms of flow and RANSAC homography saved on
every click after the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

import numpy as np

from vtrack.vision.embedded.motion_field import MotionField, motion_field
from vtrack.vision.embedded.people import PersonInstance, find_people
from vtrack.vision.embedded.person_segmenter import PersonSegmenter, PoseResult

# `later_frame(step)` gives the frame `step` frames away (or as far back when the video ends
# there), at the same size, or None for a one-frame video
LaterFrame = Callable[[int], np.ndarray | None]

_MISSING = object()
T = TypeVar("T")


@dataclass
class FrameLooks:
    """Lazily computed, click-independent views of one frame (see the module docstring)."""

    image: np.ndarray
    person: PersonSegmenter | None = None
    later_frame: LaterFrame | None = None
    _memo: dict = field(default_factory=dict)

    def _once(self, key: object, compute: Callable[[], T]) -> T:
        value = self._memo.get(key, _MISSING)
        if value is _MISSING:
            value = self._memo[key] = compute()
        return cast(T, value)

    @property
    def has_person_model(self) -> bool:
        return self.person is not None and self.person.available

    def pose(self) -> PoseResult | None:
        """The pose model's most prominent person (None without the model)."""
        person = self.person
        if person is None or not person.available:
            return None
        return self._once("pose", lambda: person.pose(self.image))

    def person_probability(self) -> np.ndarray | None:
        """The selfie model's foreground probability (None without the model)."""
        person = self.person
        if person is None or not person.available:
            return None
        return self._once("person_probability", lambda: person.person_probability(self.image))

    def people_probability(self) -> np.ndarray | None:
        """The selfie model's map over overlapping windows of a wide frame (small people seen
        at twice the size: `PersonSegmenter.people_probability`)."""
        person = self.person
        if person is None or not person.available:
            return None
        return self._once("people_probability", lambda: person.people_probability(self.image))

    def people(self) -> list[PersonInstance]:
        """Every person on the frame as a separate instance (people.py): the windowed selfie
        map's parts, each searched by pose on its own box, so small people are found too."""
        person = self.person
        if person is None or not person.available:
            return []
        return self._once(
            "people", lambda: find_people(person, self.image, self.people_probability())
        )

    def camera_motion(self, step: int) -> MotionField | None:
        """Flow to the frame `step` away and its dominant homography's part; None when there is
        no partner frame or RANSAC finds no camera model."""

        def compute() -> MotionField | None:
            # the partner frame itself is not kept: only what was computed from it
            other = self.later_frame(step) if self.later_frame is not None else None
            return motion_field(self.image, other) if other is not None else None

        return self._once(("camera", step), compute)
