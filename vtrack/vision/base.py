"""The video segmentation interface, shaped like SAM 2 / SAM 3's video predictors.

A session is opened on a video; prompts (points with positive/negative labels, a box, or text) are
added on a frame; `propagate` then yields per-frame masks keyed by object id. Pipelines talk only
to this interface, so the real SAM 3 adapter and the embedded CPU engine are interchangeable.

Coordinates in prompts are RELATIVE (0-1) to the frame's width and height, as in SAM 3.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from vtrack.media.frames import FrameSequence

Direction = Literal["both", "forward", "backward"]
ProgressCallback = Callable[[float], None]


@dataclass(frozen=True)
class PointPrompt:
    """A click at relative coordinates; `positive=False` marks background."""

    x: float
    y: float
    positive: bool = True


@dataclass(frozen=True)
class BoxPrompt:
    """A box in relative coordinates (x0, y0, x1, y1)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class FrameMasks:
    """Masks of every tracked object on one frame.

    masks[obj_id] is a bool array (H, W) at the video's resolution; scores[obj_id] in [0, 1] is the
    engine's confidence that the object is visible and correctly segmented on this frame.
    """

    frame_index: int
    masks: dict[int, np.ndarray] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class StemEnvelope:
    """The sound a prompt names, per video frame, for grounding roles by audio-visual sync.

    `onset` is the stem's onset strength (how much new sound starts on each frame: hits, notes),
    `energy` its loudness (RMS); both have one value per video frame.
    """

    stem: str
    onset: np.ndarray
    energy: np.ndarray


# Called when (and only when) an engine needs the sound: it may wait for the stem separation.
SoundSource = Callable[[], StemEnvelope | None]


@dataclass
class TextDetection:
    """Result of a text prompt: the objects found on the prompt frame and a plain-words summary."""

    frame_masks: FrameMasks
    labels: dict[int, str]
    description: str


class SegmentationSession(ABC):
    """One video, several objects, prompts on any frame, propagation in both directions."""

    @abstractmethod
    def add_points(self, frame_index: int, obj_id: int, points: list[PointPrompt]) -> FrameMasks:
        """Add (or refine with) clicks for one object on one frame; returns that frame's masks."""

    @abstractmethod
    def add_box(self, frame_index: int, obj_id: int, box: BoxPrompt) -> FrameMasks:
        """Prompt one object with a box on one frame."""

    def prepare_frame(self, frame_index: int) -> None:  # noqa: B027 - optional hook
        """Compute now what any click on this frame will need (the frame a user sees first),
        so the first click there costs what later ones do. Engines without such state ignore it.
        """

    def set_sound(self, sound: SoundSource | None) -> None:  # noqa: B027 - optional hook
        """Give the session the sound a later text prompt names ("the drummer": the drums).

        Engines that tell musicians apart by what they play use it; the others ignore it.
        """

    def remember(self, obj_id: int, frames: list[tuple[int, np.ndarray]]) -> None:  # noqa: B027
        """The object's masks (bool, the video's resolution) on frames it was prompted on before
        this session's prompts: an engine that tracks with memory goes on from what those frames
        showed when it tracks forward from a later prompt (a correction); others ignore it."""

    def add_mask(self, frame_index: int, obj_id: int, mask: np.ndarray) -> FrameMasks:
        """Prompt one object with a mask (bool, the video's resolution) on one frame; clicks
        added on that frame afterwards correct this mask (as SAM 2's `add_new_mask` followed by
        `add_new_points_or_box`). Engines that cannot take a mask raise NotImplementedError."""
        raise NotImplementedError(f"{type(self).__name__} does not take mask prompts")

    @abstractmethod
    def add_text(self, frame_index: int, text: str) -> TextDetection:
        """Find every instance matching `text` on the frame; assigns object ids itself.

        Raises `vtrack.errors.PromptNotUnderstood` when the engine cannot ground the prompt.
        """

    @abstractmethod
    def remove_object(self, obj_id: int) -> None:
        """Forget one object and its prompts."""

    @abstractmethod
    def propagate(
        self,
        direction: Direction = "both",
        start_frame_index: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> Iterator[FrameMasks]:
        """Yield masks for every frame (each frame exactly once, any order), prompts included."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources held by the session."""

    def __enter__(self) -> SegmentationSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class VideoSegmenter(ABC):
    """A loaded segmentation engine; opens sessions on videos."""

    name: str = "abstract"
    supports_text: bool = False
    supports_negative_points: bool = True

    @abstractmethod
    def start_session(self, video: FrameSequence) -> SegmentationSession:
        """Open a session on a decoded video."""
