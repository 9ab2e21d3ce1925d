"""Video object segmentation metrics: region similarity J, contour accuracy F and J&F (DAVIS)."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

# DAVIS uses a boundary tolerance of 0.8% of the image diagonal.
BOUNDARY_TOLERANCE = 0.008


def jaccard(pred: np.ndarray, gt: np.ndarray) -> float:
    """Region similarity J: intersection over union; 1.0 when both masks are empty."""
    pred = np.asarray(pred, bool)
    gt = np.asarray(gt, bool)
    union = np.count_nonzero(pred | gt)
    if union == 0:
        return 1.0
    return float(np.count_nonzero(pred & gt) / union)


def boundary_map(mask: np.ndarray) -> np.ndarray:
    """One-pixel-wide boundary of a mask: mask pixels with a 4-neighbour outside it.

    Pixels on the image border are not boundary unless the mask ends there, matching the DAVIS
    convention that the frame edge is not an object contour.
    """
    m = np.asarray(mask, bool)
    if not m.any():
        return np.zeros_like(m)
    padded = np.pad(m, 1, mode="edge")
    inner = (
        padded[1:-1, 1:-1]
        & padded[:-2, 1:-1]
        & padded[2:, 1:-1]
        & padded[1:-1, :-2]
        & padded[1:-1, 2:]
    )
    return m & ~inner


def f_measure(pred: np.ndarray, gt: np.ndarray, tolerance: float = BOUNDARY_TOLERANCE) -> float:
    """Contour accuracy F: boundary precision/recall within `tolerance` x image diagonal."""
    pred_b = boundary_map(pred)
    gt_b = boundary_map(gt)
    n_pred = int(np.count_nonzero(pred_b))
    n_gt = int(np.count_nonzero(gt_b))
    if n_pred == 0 and n_gt == 0:
        return 1.0
    if n_pred == 0 or n_gt == 0:
        return 0.0
    h, w = pred_b.shape
    radius = max(1, int(np.ceil(tolerance * np.hypot(h, w))))
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    gt_dil = cv2.dilate(gt_b.astype(np.uint8), disk) > 0
    pred_dil = cv2.dilate(pred_b.astype(np.uint8), disk) > 0
    precision = np.count_nonzero(pred_b & gt_dil) / n_pred
    recall = np.count_nonzero(gt_b & pred_dil) / n_gt
    if precision + recall == 0:
        return 0.0
    return float(2 * precision * recall / (precision + recall))


def sequence_scores(
    preds: Sequence[np.ndarray], gts: Sequence[np.ndarray]
) -> dict[str, float | list[float]]:
    """Per-frame J and F plus their means and J&F for one sequence."""
    if len(preds) != len(gts):
        raise ValueError(f"{len(preds)} predicted masks for {len(gts)} ground-truth masks")
    js = [jaccard(p, g) for p, g in zip(preds, gts, strict=True)]
    fs = [f_measure(p, g) for p, g in zip(preds, gts, strict=True)]
    j = float(np.mean(js)) if js else 0.0
    f = float(np.mean(fs)) if fs else 0.0
    return {"J": j, "F": f, "JF": (j + f) / 2, "J_frames": js, "F_frames": fs}
