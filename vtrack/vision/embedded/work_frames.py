"""A video's frames at the embedded engine's working resolution, read on demand.

The session (clicks, tracking) and text grounding both read frames this way; it lives apart from
both so neither imports the other for it.
"""

from __future__ import annotations

import numpy as np

from vtrack.media.frames import FrameSequence
from vtrack.vision.embedded.imageops import resize, work_size


class WorkFrames:
    """Frames of `video` shrunk to the working size; the last one read is cached (clicks and
    grounding come in bursts on one frame)."""

    def __init__(self, video: FrameSequence) -> None:
        self.video = video
        self.full = (video.width, video.height)
        self.size = work_size(*self.full)
        self._cache: tuple[int, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.video)

    @property
    def fps(self) -> float:
        return float(self.video.fps)

    def image(self, frame_index: int) -> np.ndarray:
        """Frame `frame_index` at the working size (cached)."""
        if self._cache is not None and self._cache[0] == frame_index:
            return self._cache[1]
        image = self.read(frame_index)
        self._cache = (frame_index, image)
        return image

    def read(self, frame_index: int) -> np.ndarray:
        """Frame `frame_index` at the working size, without touching the cache (streams)."""
        return np.ascontiguousarray(resize(np.asarray(self.video[frame_index]), self.size))

    def partner(self, frame_index: int, step: int) -> np.ndarray | None:
        """A frame `step` away (forward when possible) for a motion cue; None for one frame."""
        n = len(self.video)
        other = frame_index + step if frame_index + step < n else frame_index - step
        other = int(np.clip(other, 0, n - 1))
        if other == frame_index:
            return None
        return self.read(other)

    def forget(self) -> None:
        self._cache = None
