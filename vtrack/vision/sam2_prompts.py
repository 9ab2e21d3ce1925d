"""SAM 2's conventions: pixel coordinates in, (N, 1, H, W) mask logits out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from vtrack.vision.base import BoxPrompt, FrameMasks, PointPrompt


def to_pixel_points(
    points: Sequence[PointPrompt], width: int, height: int
) -> tuple[np.ndarray, np.ndarray]:
    """Our relative clicks to SAM 2's pixel coordinates (float32 N x 2) and labels (int32, 1/0)."""
    coords = np.array(
        [[min(max(p.x, 0.0), 1.0) * width, min(max(p.y, 0.0), 1.0) * height] for p in points],
        dtype=np.float32,
    ).reshape(-1, 2)
    labels = np.array([1 if p.positive else 0 for p in points], dtype=np.int32)
    return coords, labels


def to_pixel_box(box: BoxPrompt, width: int, height: int) -> np.ndarray:
    """Our relative box to SAM 2's pixel [x0, y0, x1, y1] (float32), corners ordered."""
    x0, x1 = sorted((min(max(box.x0, 0.0), 1.0), min(max(box.x1, 0.0), 1.0)))
    y0, y1 = sorted((min(max(box.y0, 0.0), 1.0), min(max(box.y1, 0.0), 1.0)))
    return np.array([x0 * width, y0 * height, x1 * width, y1 * height], dtype=np.float32)


def _to_numpy(array: Any) -> np.ndarray:
    if hasattr(array, "detach"):  # a torch tensor, possibly on the GPU and in bf16
        return array.detach().float().cpu().numpy()
    return np.asarray(array, dtype=np.float32)


def logits_to_frame_masks(frame_index: int, obj_ids: Sequence[int], mask_logits: Any) -> FrameMasks:
    """SAM 2's (N, 1, H, W) mask logits to bool masks (logit > 0) with a confidence per object."""
    logits = _to_numpy(mask_logits)
    if logits.ndim == 4:
        logits = logits[:, 0]
    ids = [int(i) for i in obj_ids]
    if logits.shape[0] != len(ids):
        raise ValueError(f"{len(ids)} object ids but {logits.shape[0]} masks")
    result = FrameMasks(frame_index=int(frame_index))
    for i, obj_id in enumerate(ids):
        result.masks[obj_id] = logits[i] > 0.0
        # SAM 2 yields no per-frame score: the sigmoid of the strongest logit stands in for one.
        peak = float(logits[i].max()) if logits[i].size else -20.0
        result.scores[obj_id] = float(1.0 / (1.0 + np.exp(-np.clip(peak, -20.0, 20.0))))
    return result
