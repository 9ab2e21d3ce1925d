"""Click -> the whole object: a small learned model weighs per-superpixel cues against the click's
first mask, GrabCut then places the boundary at pixel level.

The first mask (GrabCut rectangles, the selfie component) is often the most colour-distinct
part of the object: a car's red bonnet, a rider's trousers, a dog's dark back. The model asks of
every superpixel whether it belongs with the click given how it moves (camera-compensated
residual flow: parts of one object move together), how hard it is to reach from the click
across edges, colour changes and motion boundaries, its colour, and whether the first mask
holds it. It is a boosted tree ensemble trained on the DAVIS tune split only by
`click_model/train.py` (weights beside it, ~100 KB, evaluated in numpy: no learning library at
run time).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vtrack.vision.embedded.grabcut_candidates import grabcut
from vtrack.vision.embedded.imageops import component_at, disk, fill_holes
from vtrack.vision.embedded.objectness_features import FEATURES, FrameCues, click_features

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).with_name("click_model") / "objectness_trees.npz"

# Pixel-level GrabCut from the superpixel probability map. The map is certain enough to pin
# only where the model is sure (> 0.85 inside the mask, eroded so a pinned pixel is never on
# the boundary); where it says < 0.15 and the pixel is far from the mask, it is certain
# background; the band in between is GrabCut's to decide by colour and edges. The band is 8
# px at 427x240 (~2% of the long side): a superpixel is ~14 px across, so the true boundary is
# within about half a superpixel of the map's.
_SURE_FG = 0.85
_MAYBE_BG = 0.15
_BAND_PX = 8


@dataclass
class TreeEnsemble:
    """Boosted binary decision trees, padded to one node count: (trees, nodes) arrays."""

    baseline: float
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    depth: int

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(object) of each row of `x` (n, features)."""
        n, trees = len(x), len(self.feature)
        node = np.zeros((n, trees), np.int64)
        cols = np.arange(trees)[None, :]
        for _ in range(self.depth):
            f = self.feature[cols, node]
            go_left = np.take_along_axis(x, f, axis=1) <= self.threshold[cols, node]
            step = np.where(go_left, self.left[cols, node], self.right[cols, node])
            node = np.where(self.leaf[cols, node], node, step)
        raw = self.baseline + self.value[cols, node].sum(axis=1)
        return (1.0 / (1.0 + np.exp(-raw))).astype(np.float32)


def save_trees(path: Path, ensemble: TreeEnsemble) -> None:
    """Write an ensemble with the feature names it expects (compact: small ints, float32)."""
    np.savez_compressed(
        path,
        features=np.array(FEATURES),
        baseline=np.float64(ensemble.baseline),
        feature=ensemble.feature.astype(np.int16),
        threshold=ensemble.threshold.astype(np.float32),
        left=ensemble.left.astype(np.int16),
        right=ensemble.right.astype(np.int16),
        leaf=ensemble.leaf,
        value=ensemble.value.astype(np.float32),
        depth=np.int64(ensemble.depth),
    )


@functools.lru_cache(maxsize=1)
def load_trees(path: Path = MODEL_PATH) -> TreeEnsemble | None:
    """The trained ensemble, or None (with a warning) if the file is missing or was trained on
    other features than this code computes."""
    try:
        data = np.load(path)
    except OSError as exc:
        log.warning("click objectness model unavailable: %s", exc)
        return None
    if tuple(str(f) for f in data["features"]) != FEATURES:
        log.warning("click objectness model %s was trained on other features; ignored", path)
        return None
    return TreeEnsemble(
        float(data["baseline"]),
        data["feature"].astype(np.int64),
        data["threshold"].astype(np.float64),
        data["left"].astype(np.int64),
        data["right"].astype(np.int64),
        data["leaf"].astype(bool),
        data["value"].astype(np.float64),
        int(data["depth"]),
    )


def region_probability(
    cues: FrameCues,
    trees: TreeEnsemble,
    pos: list[tuple[int, int]],
    neg: list[tuple[int, int]],
    seed: np.ndarray,
) -> np.ndarray:
    """P(object) per superpixel; a region closer (geodesically) to a negative click than to
    every positive one is background, whatever the model says."""
    prob = trees.probability(click_features(cues, pos, seed))
    if neg:
        g = cues.graph
        cost = cues.pair_cost()
        to_pos = g.geodesic(cost, sorted({int(g.labels[y, x]) for x, y in pos}))
        to_neg = g.geodesic(cost, sorted({int(g.labels[y, x]) for x, y in neg}))
        prob[to_neg < to_pos] = 0.0
    return prob


def whole_object(
    image: np.ndarray,
    cues: FrameCues,
    trees: TreeEnsemble,
    pos: list[tuple[int, int]],
    neg: list[tuple[int, int]],
    seed: np.ndarray,
    background: np.ndarray | None = None,
) -> np.ndarray:
    """The object under the positive clicks (pixel coordinates), from its first mask `seed`;
    `background` marks pixels an earlier cue proved are not the object (a reflection)."""
    prob = region_probability(cues, trees, pos, neg, seed)[cues.graph.labels]
    if background is not None:
        prob = np.where(background, 0.0, prob)
    rough = np.zeros(prob.shape, bool)
    for x, y in pos:
        rough |= component_at(prob > 0.5, x, y)
    if not rough.any():
        return seed
    m8 = rough.astype(np.uint8)
    labels = np.full(prob.shape, cv2.GC_BGD, np.uint8)
    labels[(prob > _MAYBE_BG) | (cv2.dilate(m8, disk(_BAND_PX)) > 0)] = cv2.GC_PR_BGD
    labels[rough] = cv2.GC_PR_FGD
    labels[rough & (prob > _SURE_FG) & (cv2.erode(m8, disk(3)) > 0)] = cv2.GC_FGD
    for x, y in pos:
        cv2.circle(labels, (x, y), 3, int(cv2.GC_FGD), -1)
    for x, y in neg:
        cv2.circle(labels, (x, y), 3, int(cv2.GC_BGD), -1)
    if background is not None:
        labels[background] = cv2.GC_BGD
    cut = grabcut(image, labels)
    mask = np.zeros(prob.shape, bool)
    for x, y in pos:
        mask |= component_at(cut, x, y)
    return fill_holes(mask) if mask.any() else rough
