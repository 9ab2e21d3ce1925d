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


def _outline(region: np.ndarray, mask: np.ndarray, color: tuple[int, int, int], px: int) -> None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    # Anti-aliasing thick lines costs ~5x more; at the sizes that need them (720p and up) the
    # steps of a plain line are below a pixel of the 480p look.
    line = cv2.LINE_AA if px <= 2 else cv2.LINE_8
    cv2.drawContours(region, contours, -1, color, px, lineType=line)


def draw_mask(
    frame: np.ndarray,
    mask: np.ndarray,
    color: tuple[int, int, int] = RED,
    alpha: float = 0.5,
    outline_px: int = 2,
) -> np.ndarray:
    """Blend `color` over `mask` at `alpha` and draw its outline; modifies and returns `frame`.

    Work is confined to the mask's bounding box, so small objects cost little; OpenCV does the
    arithmetic (numpy's masked indexing costs ~10x more on a 1080p object).
    """
    box = _box_slices(mask, outline_px + 1)
    if box is None:
        return frame
    region = frame[box]
    m = mask[box].view(np.uint8) if mask.dtype == bool else mask[box].astype(np.uint8)
    tint = tuple(float(c) * alpha for c in color) + (0.0,)
    tinted = cv2.add(cv2.multiply(region, (1 - alpha,) * 3 + (0.0,), dtype=cv2.CV_8U), tint)
    cv2.copyTo(tinted, m, region)
    if outline_px > 0:
        _outline(region, m, color, outline_px)
    return frame


def draw_masks(
    frame: np.ndarray, masks: dict[int, np.ndarray], alpha: float = 0.5, outline_px: int = 2
) -> np.ndarray:
    """Overlay several objects, each in its own palette colour (object 1 is red)."""
    for obj_id, mask in sorted(masks.items()):
        draw_mask(frame, mask, PALETTE[(obj_id - 1) % len(PALETTE)], alpha, outline_px)
    return frame


def highlight(
    frame: np.ndarray, mask: np.ndarray, dim: float = 0.35, outline_px: int = 2
) -> np.ndarray:
    """Spotlight: the object at full colour with a yellow outline, the rest dimmed to grey.

    Returns a new frame. Every frame is dimmed, also those where the object is not visible,
    so the video does not flash when it leaves the picture.
    """
    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    cv2.convertScaleAbs(gray, dst=gray, alpha=dim)
    out = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    box = _box_slices(mask, outline_px + 1)
    if box is None:
        return out
    region = out[box]
    m = mask[box].view(np.uint8) if mask.dtype == bool else mask[box].astype(np.uint8)
    cv2.copyTo(frame[box], m, region)
    _outline(region, m, (255, 220, 0), outline_px)
    return out
