"""SAM 3 outputs to our masks, and the pure helpers that carry objects from chunk to chunk."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from vtrack.vision.base import BoxPrompt, FrameMasks, PointPrompt
from vtrack.vision.chunks import plan_chunks

__all__ = ["mask_to_seed", "match_ids_by_iou", "parse_frame_outputs", "plan_chunks"]


def _resize_mask(mask: np.ndarray, frame_size: tuple[int, int] | None) -> np.ndarray:
    """Bring a mask to (height, width); the engine may have read the source at another size."""
    mask = np.asarray(mask).astype(bool, copy=False)
    if mask.ndim == 3:  # (1, H, W) as some predictors return per object
        mask = mask[0]
    if frame_size is None or mask.shape == tuple(frame_size):
        return mask
    h, w = frame_size
    resized = cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    return resized.astype(bool)


def parse_frame_outputs(
    outputs: dict[str, Any] | None,
    frame_index: int,
    frame_size: tuple[int, int] | None = None,
) -> FrameMasks:
    """SAM 3's per-frame dict (`out_obj_ids`, `out_probs`, `out_binary_masks`) to FrameMasks.

    `outputs` is None on non-zero ranks of a multi-GPU predictor; that frame then has no masks.
    """
    result = FrameMasks(frame_index=int(frame_index))
    if outputs is None:
        return result
    obj_ids = np.asarray(outputs.get("out_obj_ids", []), dtype=np.int64).reshape(-1)
    probs = np.asarray(outputs.get("out_probs", np.ones(len(obj_ids))), dtype=np.float64)
    masks = outputs.get("out_binary_masks")
    if masks is None or len(obj_ids) == 0:
        return result
    masks = np.asarray(masks)
    if masks.shape[0] != len(obj_ids):
        raise ValueError(f"{len(obj_ids)} object ids but {masks.shape[0]} masks")
    for i, obj_id in enumerate(obj_ids.tolist()):
        result.masks[obj_id] = _resize_mask(masks[i], frame_size)
        result.scores[obj_id] = float(np.clip(probs[i], 0.0, 1.0)) if i < len(probs) else 1.0
    return result


# --- chunking: carrying objects across chunks ---


def mask_to_seed(mask: np.ndarray) -> tuple[list[PointPrompt], BoxPrompt] | None:
    """A box around the mask and a click at its most interior pixel, in relative coordinates.

    This re-prompts an object on the first frame of the next chunk (the request API has no
    "add mask" call), giving the tracker both its extent and a point surely inside it.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return None
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    dist = cv2.distanceTransform(np.pad(mask, 1).astype(np.uint8), cv2.DIST_L2, 3)[1:-1, 1:-1]
    cy, cx = np.unravel_index(int(np.argmax(dist)), dist.shape)
    point = PointPrompt(x=(cx + 0.5) / w, y=(cy + 0.5) / h, positive=True)
    box = BoxPrompt(x0=xs.min() / w, y0=ys.min() / h, x1=(xs.max() + 1) / w, y1=(ys.max() + 1) / h)
    return [point], box


def match_ids_by_iou(
    previous: dict[int, np.ndarray], current: dict[int, np.ndarray], min_iou: float = 0.5
) -> dict[int, int]:
    """Map current ids to previous ids (greedy by IoU), so re-detections keep their old ids."""
    pairs = []
    for cid, cmask in current.items():
        for pid, pmask in previous.items():
            union = np.logical_or(cmask, pmask).sum()
            if union:
                iou = np.logical_and(cmask, pmask).sum() / union
                if iou >= min_iou:
                    pairs.append((float(iou), cid, pid))
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for _, cid, pid in sorted(pairs, reverse=True):
        if cid not in mapping and pid not in used:
            mapping[cid] = pid
            used.add(pid)
    return mapping
