"""Draw masks over frames: the red overlay with a crisp outline, and highlights for text prompts."""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.boxes import mask_box

RED = (255, 40, 40)
PALETTE = [(255, 40, 40), (40, 200, 255), (80, 255, 80), (255, 200, 0), (220, 80, 255)]


def _box_slices(mask: np.ndarray, pad: int) -> tuple[slice, slice] | None:
    """The mask's bounding box grown by `pad`, as (rows, cols) slices; None when empty."""
    box = mask_box(mask, pad)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    return slice(y0, y1), slice(x0, x1)


def draw_mask(
    frame: np.ndarray,
    mask: np.ndarray,
    color: tuple[int, int, int] = RED,
    alpha: float = 0.5,
    outline_px: int = 2,
) -> np.ndarray:
    """Blend `color` over `mask` at `alpha` and draw its outline; modifies and returns `frame`.

    Work is confined to the mask's bounding box, so small objects cost little.
    """
    box = _box_slices(mask, outline_px + 1)
    if box is None:
        return frame
    region = frame[box]
    m = mask[box]
    tint = np.asarray(color, np.float32)
    blended = region[m].astype(np.float32) * (1 - alpha) + tint * alpha
    region[m] = blended.astype(np.uint8)
    if outline_px > 0:
        contours, _ = cv2.findContours(m.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        cv2.drawContours(region, contours, -1, color, outline_px, lineType=cv2.LINE_AA)
    return frame


def draw_masks(frame: np.ndarray, masks: dict[int, np.ndarray], alpha: float = 0.5) -> np.ndarray:
    """Overlay several objects, each in its own palette colour (object 1 is red)."""
    for obj_id, mask in sorted(masks.items()):
        draw_mask(frame, mask, PALETTE[(obj_id - 1) % len(PALETTE)], alpha)
    return frame


def highlight(frame: np.ndarray, mask: np.ndarray, dim: float = 0.35) -> np.ndarray:
    """Spotlight: the object at full colour with a yellow outline, the rest dimmed to grey.

    Returns a new frame. Every frame is dimmed, also those where the object is not visible,
    so the video does not flash when it leaves the picture.
    """
    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    cv2.convertScaleAbs(gray, dst=gray, alpha=dim)
    out = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    box = _box_slices(mask, 3)
    if box is None:
        return out
    region, m = out[box], mask[box]
    np.copyto(region, frame[box], where=m[..., None])
    contours, _ = cv2.findContours(m.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(region, contours, -1, (255, 220, 0), 2, lineType=cv2.LINE_AA)
    return out
