"""Per-frame OpenCV Telea inpainting: the baseline the embedded engine is compared against."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np

from vtrack.boxes import mask_box
from vtrack.config import get_settings
from vtrack.inpaint.base import ProgressCallback, VideoInpainter
from vtrack.inpaint.embedded.masks import dilate
from vtrack.media.frames import FrameSequence


class TeleaInpainter(VideoInpainter):
    """Each frame filled on its own with cv2.inpaint (Telea): no temporal information at all."""

    name = "telea"

    def __init__(self, margin_px: int | None = None, radius: int = 5) -> None:
        self.margin = get_settings().removal_margin_px if margin_px is None else int(margin_px)
        self.radius = radius

    def inpaint(
        self,
        frames: FrameSequence,
        masks: Sequence[np.ndarray],
        progress: ProgressCallback | None = None,
    ) -> Iterator[np.ndarray]:
        if len(masks) != len(frames):
            raise ValueError(f"{len(masks)} masks for {len(frames)} frames")
        n = len(frames)
        for i in range(n):
            frame = np.ascontiguousarray(frames[i])
            box = mask_box(np.asarray(masks[i]), pad=self.margin + 2 * self.radius + 2)
            if box is None:
                yield frame.copy()
            else:
                # Telea only reads a radius around the hole: inpaint the box, not the frame.
                x0, y0, x1, y1 = box
                hole = dilate(np.asarray(masks[i])[y0:y1, x0:x1], self.margin)
                out = frame.copy()
                out[y0:y1, x0:x1] = cv2.inpaint(
                    np.ascontiguousarray(frame[y0:y1, x0:x1]),
                    hole.astype(np.uint8) * 255,
                    self.radius,
                    cv2.INPAINT_TELEA,
                )
                yield out
            if progress is not None:
                progress((i + 1) / n)
