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
from vtrack.pipelines.overlay import PALETTE, draw_mask, draw_masks, highlight

Effect = Callable[[np.ndarray, dict[int, np.ndarray]], np.ndarray]


def outline_width(frame: np.ndarray) -> int:
    """2 px at 480p, thicker on larger frames, so outlines look the same at every size."""
    return max(2, round(min(frame.shape[:2]) / 240))


def overlay(alpha: float = 0.5, colors: dict[int, tuple[int, int, int]] | None = None) -> Effect:
    """Each object tinted in its colour (`colors` by object id, else its palette colour: object
    1 red), with a crisp outline."""

    def draw(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
        if not colors:
            return draw_masks(frame, masks, alpha, outline_width(frame))
        for obj_id, mask in sorted(masks.items()):
            color = colors.get(obj_id, PALETTE[(obj_id - 1) % len(PALETTE)])
            draw_mask(frame, mask, color, alpha, outline_width(frame))
        return frame

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


# ---- privacy, background, cutout (session renders) ---------------------------------------------

# Privacy effects grow the object's mask by this share of the long side, so its edge (hair, a
# licence plate's frame) never shows through; blur sigma and pixel blocks are chosen so a face
# at 480p is unrecognisable.
_PRIVACY_GROW = 0.01
_BLUR_SIGMA = 0.02
_PIXEL_BLOCK = 1 / 48
_BACKGROUND_SIGMA = 0.015


def long_side(frame: np.ndarray) -> int:
    return max(frame.shape[:2])


def union(masks: dict[int, np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    if not masks:
        return np.zeros(shape[:2], bool)
    return np.logical_or.reduce([np.asarray(m, bool) for m in masks.values()])


def _region(frame: np.ndarray, masks: dict[int, np.ndarray], target: str) -> np.ndarray:
    """Where a privacy effect applies: the objects (grown a little) or everything but them."""
    inside = union(masks, frame.shape)
    if target == "background":
        return ~inside
    grow = max(1, int(_PRIVACY_GROW * long_side(frame)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    return cv2.dilate(inside.astype(np.uint8), kernel) > 0


def _paste(frame: np.ndarray, other: np.ndarray, where: np.ndarray) -> np.ndarray:
    np.copyto(frame, other, where=where[..., None])
    return frame


def blur(target: str = "object") -> Effect:
    """A strong Gaussian blur over the objects ("object") or over everything else."""

    def draw(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
        region = _region(frame, masks, target)
        if not region.any():
            return frame
        sigma = _BLUR_SIGMA * long_side(frame)
        return _paste(frame, cv2.GaussianBlur(frame, (0, 0), sigma), region)

    return draw


def pixelate(target: str = "object") -> Effect:
    """Big square pixels over the objects ("object") or over everything else."""

    def draw(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
        region = _region(frame, masks, target)
        if not region.any():
            return frame
        h, w = frame.shape[:2]
        block = max(4, round(_PIXEL_BLOCK * long_side(frame)))
        small = cv2.resize(frame, (max(1, w // block), max(1, h // block)), cv2.INTER_AREA)
        return _paste(frame, cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST), region)

    return draw


def background(fill: str | tuple[int, int, int] = "blur") -> Effect:
    """Everything but the objects blurred (`"blur"`) or replaced by a colour."""

    def draw(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
        keep = union(masks, frame.shape).astype(np.float32)
        # a one-pixel soft edge, so the cut does not show as a staircase
        alpha = cv2.GaussianBlur(keep, (0, 0), max(0.8, long_side(frame) / 600))[..., None]
        if fill == "blur":
            other = cv2.GaussianBlur(frame, (0, 0), _BACKGROUND_SIGMA * long_side(frame))
        else:
            other = np.empty_like(frame)
            other[:] = fill
        mixed = frame.astype(np.float32) * alpha + other.astype(np.float32) * (1 - alpha)
        frame[:] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
        return frame

    return draw


def cutout_rgba(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
    """The objects on a transparent background: RGBA (H, W, 4)."""
    alpha = union(masks, frame.shape).astype(np.uint8) * 255
    return np.dstack([frame, alpha])


def matte(frame: np.ndarray, masks: dict[int, np.ndarray]) -> np.ndarray:
    """The alpha matte as a picture: white objects on black (for compositing in an editor)."""
    inside = union(masks, frame.shape)
    frame[:] = 0
    frame[inside] = 255
    return frame


def parse_color(text: str) -> tuple[int, int, int]:
    """'#rrggbb' to an RGB triple (ValueError otherwise)."""
    value = text.strip().lstrip("#")
    if len(value) != 6:
        raise ValueError(f"'{text}' is not a colour like #00ff00")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
