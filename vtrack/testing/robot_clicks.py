"""The interactive-segmentation robot: where a benchmark user clicks next to correct a mask."""

from __future__ import annotations

import cv2
import numpy as np

from vtrack.testing.scenes import farthest_interior_point
from vtrack.vision.base import PointPrompt


def corrective_click(pred: np.ndarray, gt: np.ndarray) -> PointPrompt | None:
    """The next click: the interior point farthest from the boundary of the largest error
    region, positive where the object was missed, negative where background was taken
    (relative coordinates); None when the mask is exact."""
    best: tuple[int, np.ndarray, bool] | None = None
    for region, positive in ((gt & ~pred, True), (pred & ~gt, False)):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(region.astype(np.uint8), 8)
        if n <= 1:
            continue
        k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        area = int(stats[k, cv2.CC_STAT_AREA])
        if best is None or area > best[0]:
            best = (area, labels == k, positive)
    if best is None:
        return None
    x, y = farthest_interior_point(best[1])
    return PointPrompt(x, y, best[2])
