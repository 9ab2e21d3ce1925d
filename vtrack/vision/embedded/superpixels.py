"""Superpixels of one frame and the region graph the click's objectness works on.

SLICO superpixels follow colour edges, so a statistic taken per superpixel (its mean colour,
flow or person probability) has a sharp boundary even where the per-pixel map it averages is
blurred (DIS flow smears a moving object's motion a few pixels into the background).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

# SLICO region size in pixels at the working resolution (427x240 -> ~500 superpixels): small
# enough that a leg or a bicycle wheel gets its own regions, large enough that the per-region
# statistics are not noise and the graph search stays under a millisecond.
REGION_PX = 14


@dataclass
class RegionGraph:
    """Superpixel labels and the adjacency of neighbouring regions."""

    labels: np.ndarray  # (H, W) int32 in [0, n)
    n: int
    area: np.ndarray  # (n,) pixels
    centroid: np.ndarray  # (n, 2) x, y in pixels
    pairs: np.ndarray  # (m, 2) adjacent region indices, i < j
    shared: np.ndarray  # (m,) boundary length in pixel pairs

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Per-region mean of a per-pixel map (H, W) or (H, W, C)."""
        flat = self.labels.ravel()
        if values.ndim == 2:
            sums = np.bincount(flat, weights=values.ravel().astype(np.float64), minlength=self.n)
            return (sums / np.maximum(self.area, 1)).astype(np.float32)
        cols = [self.mean(values[..., c]) for c in range(values.shape[-1])]
        return np.stack(cols, axis=1)

    def boundary_mean(self, values: np.ndarray) -> np.ndarray:
        """Per-pair mean of a per-pixel map over the pixels on either side of their border."""
        lab = self.labels
        sums = np.zeros(len(self.pairs), np.float64)
        index = _pair_index(self.pairs, self.n)
        for a, b, va, vb in (
            (lab[:, :-1], lab[:, 1:], values[:, :-1], values[:, 1:]),
            (lab[:-1, :], lab[1:, :], values[:-1, :], values[1:, :]),
        ):
            cross = a != b
            lo = np.minimum(a[cross], b[cross]).astype(np.int64)
            hi = np.maximum(a[cross], b[cross]).astype(np.int64)
            k = index[lo * self.n + hi]
            sums += np.bincount(k, weights=0.5 * (va[cross] + vb[cross]), minlength=len(sums))
        return (sums / np.maximum(self.shared, 1)).astype(np.float32)

    def geodesic(self, weights: np.ndarray, sources: list[int]) -> np.ndarray:
        """Shortest-path distance from the nearest source region over the adjacency graph, with
        `weights` (m,) the cost of stepping across each adjacent pair."""
        i, j = self.pairs[:, 0], self.pairs[:, 1]
        # a zero-cost edge would vanish from a sparse matrix: keep a tiny floor
        w = np.maximum(weights.astype(np.float64), 1e-6)
        graph = coo_matrix((w, (i, j)), shape=(self.n, self.n)).tocsr()
        dist = dijkstra(graph, directed=False, indices=sources, min_only=True)
        return np.where(np.isfinite(dist), dist, dist[np.isfinite(dist)].max()).astype(np.float32)


def _pair_index(pairs: np.ndarray, n: int) -> np.ndarray:
    """Dense lookup from lo * n + hi to the pair's row (n is a few hundred: n*n is small)."""
    index = np.zeros(n * n, np.int64)
    index[pairs[:, 0].astype(np.int64) * n + pairs[:, 1]] = np.arange(len(pairs))
    return index


def slic_labels(image: np.ndarray, region_px: int = REGION_PX) -> np.ndarray:
    """SLICO superpixels of an RGB image (labels (H, W) int32, consecutive from 0)."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2Lab)
    slic = cv2.ximgproc.createSuperpixelSLIC(lab, cv2.ximgproc.SLICO, region_px)
    slic.iterate(4)
    slic.enforceLabelConnectivity(25)
    labels = slic.getLabels().astype(np.int32)
    _, inverse = np.unique(labels, return_inverse=True)
    return inverse.reshape(labels.shape).astype(np.int32)


def region_graph(labels: np.ndarray) -> RegionGraph:
    """Areas, centroids and the 4-neighbour adjacency of a label map."""
    n = int(labels.max()) + 1
    h, w = labels.shape
    flat = labels.ravel()
    area = np.bincount(flat, minlength=n).astype(np.float64)
    yy, xx = np.mgrid[0:h, 0:w]
    cx = np.bincount(flat, weights=xx.ravel(), minlength=n) / np.maximum(area, 1)
    cy = np.bincount(flat, weights=yy.ravel(), minlength=n) / np.maximum(area, 1)
    keys = []
    for a, b in ((labels[:, :-1], labels[:, 1:]), (labels[:-1, :], labels[1:, :])):
        cross = a != b
        lo = np.minimum(a[cross], b[cross]).astype(np.int64)
        hi = np.maximum(a[cross], b[cross]).astype(np.int64)
        keys.append(lo * n + hi)
    all_keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    uniq, counts = np.unique(all_keys, return_counts=True)
    pairs = np.stack([uniq // n, uniq % n], axis=1).astype(np.int32)
    return RegionGraph(labels, n, area, np.stack([cx, cy], 1), pairs, counts.astype(np.float64))
