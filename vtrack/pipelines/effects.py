"""Effects: what a result shows, as functions of (frame, masks) -> frame at the output resolution.

The renderer calls an effect once per frame, in frame order, with the source frame at output
resolution (RGB uint8, the effect may modify it) and the visible objects' masks at the same
resolution, by object id. Effects that need more than one frame (removal's fill) keep their
own position in the video.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from vtrack.boxes import mask_box
from vtrack.media.frames import FrameSequence
from vtrack.pipelines.overlay import draw_masks, highlight

Effect = Callable[[np.ndarray, dict[int, np.ndarray]], np.ndarray]


def outline_width(frame: np.ndarray) -> int:
    """2 px at 480p, thicker on larger frames, so outlines look the same at every size."""
    return max(2, round(min(frame.shape[:2]) / 240))


def overlay(alpha: float = 0.5) -> Effect:
    """Each object tinted in its palette colour (object 1 red), with a crisp outline."""

    def draw(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
        return draw_masks(frame, masks, alpha, outline_width(frame))

    return draw


def spotlight(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
    """The objects at full colour with an outline, the rest of the picture dimmed to grey."""
    union = np.logical_or.reduce(list(masks.values())) if masks else None
    if union is None:
        return highlight(frame, np.zeros(frame.shape[:2], bool))
    return highlight(frame, union, outline_px=outline_width(frame))


def unchanged(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
    return frame


class FillFrom:
    """Removal at output resolution: an engine's filled frames (working resolution) are scaled
    up where the engine changed the picture; everywhere else the source keeps its own pixels.

    `filled` yields one frame per frame of `work` (the frames the engine saw), in order.
    Engine-agnostic: the changed region is read off the difference, so any inpainter works.
    """

    def __init__(self, work: FrameSequence, filled: Iterator[np.ndarray]) -> None:
        self.work = work
        self.filled = filled
        self.index = 0

    def __call__(self, frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
        i = self.index
        self.index += 1
        fill = next(self.filled)
        original = self.work[i]
        channels = cv2.split(cv2.absdiff(fill, original))
        changed = cv2.max(cv2.max(channels[0], channels[1]), channels[2])
        box = mask_box(changed, pad=2)
        if box is None:
            return frame
        if fill.shape[:2] == frame.shape[:2]:
            np.copyto(frame, fill, where=(changed > 0)[..., None])
            return frame
        return _blend_up(frame, fill, (changed > 0).astype(np.float32), box)


def _blend_up(
    frame: np.ndarray, fill: np.ndarray, changed: np.ndarray, box: tuple[int, int, int, int]
) -> np.ndarray:
    """Blend `fill` (working res) into `frame` (output res) over `box`, with a soft edge."""
    x0, y0, x1, y1 = box
    out_h, out_w = frame.shape[:2]
    sx, sy = out_w / fill.shape[1], out_h / fill.shape[0]
    fx0, fy0 = int(np.floor(x0 * sx)), int(np.floor(y0 * sy))
    fx1, fy1 = min(out_w, int(np.ceil(x1 * sx))), min(out_h, int(np.ceil(y1 * sy)))
    # One working pixel of soft edge, so the seam does not show as a step.
    alpha = cv2.blur(changed[y0:y1, x0:x1], (3, 3))
    warp = np.float32(
        [[1 / sx, 0, (fx0 + 0.5) / sx - 0.5 - x0], [0, 1 / sy, (fy0 + 0.5) / sy - 0.5 - y0]]
    )
    size = (fx1 - fx0, fy1 - fy0)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    up_fill = cv2.warpAffine(
        np.ascontiguousarray(fill[y0:y1, x0:x1]),
        warp,
        size,
        flags=flags,
        borderMode=cv2.BORDER_REPLICATE,
    )
    up_alpha = cv2.warpAffine(alpha, warp, size, flags=flags, borderMode=cv2.BORDER_REPLICATE)
    region = frame[fy0:fy1, fx0:fx1]
    region[...] = cv2.blendLinear(up_fill, np.ascontiguousarray(region), up_alpha, 1 - up_alpha)
    return frame
