"""The correction on a propagated frame, in the engine alone (the calls the session API makes,
without HTTP): how good one robot click makes a propagated frame, and how far one correction
could lift J&F at best.

.venv/bin/python bench/eval_correction.py --part clicks     # up to 5 corrections a sequence
.venv/bin/python bench/eval_correction.py --part ceiling    # the robot's worst frame, and bounds
.venv/bin/python bench/eval_correction.py --set tune --seqs flamingo,bus --json out.json

Both parts start as the robot user of bench_sessions.py does: 3 clicks on frame 0 (the deepest
interior point, then the deepest point of the largest error region), propagate both ways.
- clicks: on the worst frame of each fifth of the sequence (frames 1..n-1; those with J <= 0.9),
  the robot's corrective click on the propagated mask; the frame's J before and after it, by the
  click's sign (a larger sample than one worst frame a sequence, for choosing a click rule).
- ceiling: on the robot's worst frame, J&F after the correction (frames before it as tracked,
  from it re-tracked forward with the memory of frame 0's prompt); the same from the true mask
  on that frame; that plus, per frame before it, the better (by the ground truth) of the first
  track and a backward track from the true mask; and the frame's J if the click had fixed
  exactly the error region it is on. The last three are bounds, not methods.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.testing.robot_clicks import corrective_click  # noqa: E402
from vtrack.testing.scenes import farthest_interior_point  # noqa: E402
from vtrack.vision.base import PointPrompt, SegmentationSession  # noqa: E402
from vtrack.vision.embedded import EmbeddedSegmenter  # noqa: E402
from vtrack.vision.embedded.davis import davis_available, davis_split, load_davis  # noqa: E402
from vtrack.vision.metrics import f_measure, jaccard  # noqa: E402

_FIFTHS = 5
_BELOW = 0.9  # a frame this good is not one a user corrects


def first_track(engine: EmbeddedSegmenter, video, gts: np.ndarray) -> tuple[np.ndarray, list]:
    """Frame 0's mask after 3 robot clicks, and every frame's mask propagated from it."""
    session = engine.start_session(video)
    points = [PointPrompt(*farthest_interior_point(gts[0]), True)]
    mask = session.add_points(0, 1, points).masks[1]
    while len(points) < 3:
        nxt = corrective_click(np.asarray(mask, bool), gts[0])
        if nxt is None:
            break
        points.append(nxt)
        session.remove_object(1)  # as the API does: the full list replaces earlier points
        mask = session.add_points(0, 1, points).masks[1]
    masks = _collect(session.propagate("both", start_frame_index=0), len(gts))
    session.close()
    return np.asarray(mask, bool), masks


def _collect(stream, n: int) -> list:
    out: list = [None] * n
    for fm in stream:
        out[fm.frame_index] = np.asarray(fm.masks[1], bool)
    return out


def robot_correction(
    engine: EmbeddedSegmenter, video, k: int, shown: np.ndarray, gt: np.ndarray
) -> tuple[SegmentationSession, np.ndarray, PointPrompt] | None:
    """An engine session prompted on frame k as the API prompts a correction (the shown,
    propagated mask, then the robot's corrective click on it) and the frame's mask after the
    click; None when the shown mask is exact. The caller closes the session."""
    click = corrective_click(shown, gt)
    if click is None:
        return None
    session = engine.start_session(video)
    if shown.any():
        session.add_mask(k, 1, shown)
    fixed = np.asarray(session.add_points(k, 1, [click]).masks[1], bool)
    return session, fixed, click


def jf(mask: np.ndarray, gt: np.ndarray) -> float:
    return (jaccard(mask, gt) + f_measure(mask, gt)) / 2


def click_rows(engine: EmbeddedSegmenter, seq: str) -> list[dict]:
    """The corrective click on the worst frame of each fifth of the sequence."""
    video, gts = load_davis(seq)
    _, masks = first_track(engine, video, gts)
    js = [jaccard(m, g) for m, g in zip(masks, gts, strict=True)]
    rows = []
    for part in np.array_split(np.arange(1, len(gts)), _FIFTHS):
        if len(part) == 0:
            continue
        k = int(part[np.argmin([js[i] for i in part])])
        done = robot_correction(engine, video, k, masks[k], gts[k]) if js[k] <= _BELOW else None
        if done is None:
            continue
        session, fixed, click = done
        session.close()
        rows.append(
            {"seq": seq, "frame": k, "positive": click.positive, "J": js[k]}
            | {"J_clicked": jaccard(fixed, gts[k])}
        )
    return rows


def retracked(session: SegmentationSession, k: int, mask0: np.ndarray, n: int) -> list:
    """Frames k.. re-tracked forward from the session's prompt on frame k, remembering frame
    0's prompt (as the API's propagation from a correction); closes the session."""
    session.remember(1, [(0, mask0)])
    masks = _collect(session.propagate("forward", start_frame_index=k), n)
    session.close()
    return masks


def ceiling_row(engine: EmbeddedSegmenter, seq: str) -> dict:
    """J&F after the robot's correction on its worst frame, and the bounds around it."""
    video, gts = load_davis(seq)
    n = len(gts)
    mask0, masks = first_track(engine, video, gts)
    js = [jaccard(m, g) for m, g in zip(masks, gts, strict=True)]
    k = int(np.argmin(js[1:])) + 1
    done = robot_correction(engine, video, k, masks[k], gts[k])
    assert done is not None, f"{seq}: the worst frame's mask is exact"
    session, fixed, click = done
    before = [jf(m, g) for m, g in zip(masks, gts, strict=True)]
    after = retracked(session, k, mask0, n)
    session = engine.start_session(video)
    session.add_mask(k, 1, gts[k])
    true_k = retracked(session, k, mask0, n)
    session = engine.start_session(video)
    session.add_mask(k, 1, gts[k])
    back = _collect(session.propagate("backward", start_frame_index=k), n)
    session.close()
    from_k = [jf(true_k[f], gts[f]) for f in range(k, n)]
    blend = [max(before[f], jf(back[f], gts[f])) for f in range(k)] + from_k
    return {
        "seq": seq,
        "frame": k,
        "positive": click.positive,
        "JF3": float(np.mean(before)),
        "JF_corrected": float(np.mean(before[:k] + [jf(after[f], gts[f]) for f in range(k, n)])),
        "JF_true_mask": float(np.mean(before[:k] + from_k)),
        "JF_true_mask_oracle_blend": float(np.mean(blend)),
        "J": js[k],
        "J_clicked": jaccard(fixed, gts[k]),
        "J_ideal_click": jaccard(_ideal_click(masks[k], gts[k], click), gts[k]),
    }


def _ideal_click(shown: np.ndarray, gt: np.ndarray, click: PointPrompt) -> np.ndarray:
    """The shown mask with exactly the error region under the click added or removed."""
    h, w = shown.shape
    x, y = min(int(click.x * w), w - 1), min(int(click.y * h), h - 1)
    region = (gt & ~shown) if click.positive else (shown & ~gt)
    _, labels = cv2.connectedComponents(region.astype(np.uint8), connectivity=8)
    piece = (labels == labels[y, x]) & region
    return (shown | piece) if click.positive else (shown & ~piece)


def summary(part: str, split: str, rows: list[dict]) -> str:
    if part == "clicks":
        out = [f"{split}:"]
        for sign, name in ((True, "positive"), (False, "negative")):
            some = [r for r in rows if r["positive"] == sign]
            if some:
                before = np.mean([r["J"] for r in some])
                after = np.mean([r["J_clicked"] for r in some])
                out.append(f"{len(some)} {name} corrections, J {before:.3f} -> {after:.3f};")
        return " ".join(out)
    keys = ("JF3", "JF_corrected", "JF_true_mask", "JF_true_mask_oracle_blend")
    keys += ("J", "J_clicked", "J_ideal_click")
    return f"{split} ({len(rows)}): " + ", ".join(
        f"{key} {np.mean([r[key] for r in rows]):.3f}" for key in keys
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("clicks", "ceiling"), default="clicks")
    parser.add_argument("--set", choices=("tune", "holdout", "both"), default="both")
    parser.add_argument("--seqs", help="only these sequences (comma-separated)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not davis_available("bus"):
        print("DAVIS data not found")
        return 1
    engine = EmbeddedSegmenter()
    only = set(args.seqs.split(",")) if args.seqs else None
    report: dict[str, list[dict]] = {}
    for split in ["tune", "holdout"] if args.set == "both" else [args.set]:
        rows: list[dict] = []
        for seq in davis_split(split):
            if only and seq not in only:
                continue
            got = click_rows(engine, seq) if args.part == "clicks" else [ceiling_row(engine, seq)]
            for row in got:
                print(f"  {split:7s} " + " ".join(_fmt(k, v) for k, v in row.items()), flush=True)
            rows += got
        report[split] = rows
        print(summary(args.part, split, rows), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


def _fmt(key: str, value) -> str:
    return f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}"


if __name__ == "__main__":
    raise SystemExit(main())
