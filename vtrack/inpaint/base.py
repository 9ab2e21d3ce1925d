"""The video inpainting interface: frames plus per-frame hole masks in, filled frames out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from vtrack.media.frames import FrameSequence

ProgressCallback = Callable[[float], None]


class VideoInpainter(ABC):
    """A loaded inpainting engine."""

    name: str = "abstract"

    @abstractmethod
    def inpaint(
        self,
        frames: FrameSequence,
        masks: Sequence[np.ndarray],
        progress: ProgressCallback | None = None,
    ) -> Iterator[np.ndarray]:
        """Yield one filled RGB uint8 frame per input frame, in order.

        masks[i] is a bool (H, W) array: True where frame i must be filled. The engine may dilate
        it (shadows and blur sit just outside an object's edge). Pixels far outside the mask are
        returned unchanged.
        """
