"""Train the click objectness model on the DAVIS tune split (never on holdout).

    .venv/bin/python -m vtrack.vision.embedded.click_model.train          # writes objectness_trees.npz
    .venv/bin/python -m vtrack.vision.embedded.click_model.train --cv     # leave-sequences-out check

Samples: every 6th frame of each tune sequence that has 8 frames after it, two clicks per frame
(the interior point farthest from the boundary, as the benchmark clicks, and one random interior
point at least 0.3 of that depth from the boundary, as a person might click). Each click's first
mask comes from the same code the studio runs (`first_mask`); each superpixel is one sample,
labelled by whether most of it is object, weighted by its area. The learner is scikit-learn's
histogram gradient boosting (needed only here; the studio evaluates the exported trees in numpy).
Everything is seeded: the same data gives the same file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from vtrack.vision.embedded.click_segmentation import OBJECTNESS_STEPS, click_cues, first_mask
from vtrack.vision.embedded.davis import davis_split, load_davis
from vtrack.vision.embedded.frame_looks import FrameLooks
from vtrack.vision.embedded.imageops import resize, work_size
from vtrack.vision.embedded.objectness import MODEL_PATH, TreeEnsemble, save_trees
from vtrack.vision.embedded.objectness_features import FEATURES, click_features
from vtrack.vision.embedded.person_segmenter import shared_person_segmenter

_STRIDE = 6
# gradient boosting: 150 trees of depth 4 (16 leaves) with >= 100 samples a leaf. Shallow trees
# and large leaves keep it from memorising the 20 sequences; in leave-sequences-out runs on
# tune, deeper trees or more of them did not score higher.
_PARAMS = {
    "max_iter": 150,
    "max_depth": 4,
    "learning_rate": 0.1,
    "min_samples_leaf": 100,
    "random_state": 0,
}


def clicks_for(gt: np.ndarray, rng: np.random.Generator) -> list[tuple[int, int]]:
    """The farthest interior point and one random point well inside the mask."""
    depth = cv2.distanceTransform(np.pad(gt.astype(np.uint8), 1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    y, x = np.unravel_index(int(np.argmax(depth)), depth.shape)
    inside = np.argwhere(depth >= 0.3 * depth.max())
    ry, rx = inside[rng.integers(len(inside))]
    return [(int(x), int(y)), (int(rx), int(ry))]


def sequence_samples(seq: str, rng: np.random.Generator) -> list[tuple[np.ndarray, ...]]:
    """(features, object fraction, area) per superpixel for every sampled click of `seq`."""
    video, gts = load_davis(seq)
    size = work_size(video.width, video.height)
    person = shared_person_segmenter()
    n = len(video)
    out = []
    for t in range(0, n - max(OBJECTNESS_STEPS), _STRIDE):
        image = np.ascontiguousarray(resize(np.asarray(video[t]), size))
        gt = resize(gts[t].astype(np.float32), size) > 0.5
        if gt.sum() < 50:
            continue

        def later(step: int, t: int = t) -> np.ndarray:
            return np.ascontiguousarray(resize(np.asarray(video[t + step]), size))

        looks = FrameLooks(image, person, later)
        cues = click_cues(looks)
        label = cues.graph.mean(gt.astype(np.float32))
        for click in clicks_for(gt, rng):
            first = first_mask(looks, [click], [])
            x = click_features(cues, [click], first.mask)
            out.append((x, label, cues.graph.area.astype(np.float32)))
    return out


def dataset(seqs: list[str]) -> tuple[np.ndarray, ...]:
    """Stacked samples and the index of the sequence each came from."""
    rng = np.random.default_rng(0)
    xs, ys, areas, groups = [], [], [], []
    for g, seq in enumerate(seqs):
        for x, y, a in sequence_samples(seq, rng):
            xs.append(x)
            ys.append(y)
            areas.append(a)
            groups.append(np.full(len(y), g))
        print(f"  {seq}: {sum(len(y) for y in ys)} superpixels so far", file=sys.stderr)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(areas), np.concatenate(groups)


def fit(x: np.ndarray, y: np.ndarray, area: np.ndarray) -> TreeEnsemble:
    """Fit the boosted trees and export them into the numpy ensemble."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(**_PARAMS).fit(x, y > 0.5, sample_weight=area)
    trees = [p[0].nodes for p in model._predictors]
    width = max(len(t) for t in trees)

    def pad(field: str, dtype: type) -> np.ndarray:
        arr = np.zeros((len(trees), width), dtype)
        for i, t in enumerate(trees):
            arr[i, : len(t)] = t[field]
        return arr

    leaf = pad("is_leaf", bool)
    leaf |= np.arange(width)[None, :] >= np.array([len(t) for t in trees])[:, None]
    ensemble = TreeEnsemble(
        float(np.ravel(model._baseline_prediction)[0]),
        pad("feature_idx", np.int64),
        pad("num_threshold", np.float64),
        pad("left", np.int64),
        pad("right", np.int64),
        leaf,
        pad("value", np.float64),
        int(max(t["depth"].max() for t in trees)),
    )
    # the export must answer exactly as the library does
    check = x[:: max(1, len(x) // 5000)]
    expected = model.predict_proba(check)[:, 1]
    if not np.allclose(ensemble.probability(check), expected, atol=1e-4):
        raise RuntimeError("exported trees disagree with scikit-learn")
    return ensemble


def sequence_j(prob: np.ndarray, y: np.ndarray, area: np.ndarray) -> float:
    """Pixel IoU of the superpixels the model calls object against the true mask."""
    pred = prob > 0.5
    inter = float((area * y * pred).sum())
    union = float((area * y).sum() + (area * pred).sum()) - inter
    return inter / union if union else 0.0


def cross_validate(x: np.ndarray, y: np.ndarray, area: np.ndarray, groups: np.ndarray) -> None:
    """Five folds of whole sequences: superpixel-level J of held-out sequences, model vs the
    first mask alone (all frames of a sequence pooled)."""
    seed_col = FEATURES.index("seed")
    folds = groups % 5
    for k in range(5):
        test = folds == k
        trees = fit(x[~test], y[~test], area[~test])
        prob = trees.probability(x[test])
        for g in np.unique(groups[test]):
            s = groups[test] == g
            model_j = sequence_j(prob[s], y[test][s], area[test][s])
            seed_j = sequence_j(x[test][s, seed_col], y[test][s], area[test][s])
            print(f"fold {k} sequence {g}: first mask {seed_j:.3f} -> model {model_j:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="cross-validate instead of writing")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    seqs = davis_split("tune")
    if not seqs:
        print("DAVIS tune split not found", file=sys.stderr)
        return 1
    x, y, area, groups = dataset(seqs)
    if args.cv:
        cross_validate(x, y, area, groups)
        return 0
    save_trees(args.out, fit(x, y, area))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, {len(y)} samples)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
