"""Click quality on frame 0 alone: frame-0 J from one click, then robot corrective clicks.

.venv/bin/python bench/eval_click.py                  # DAVIS tune + holdout, 1/3/5 clicks
.venv/bin/python bench/eval_click.py --set holdout    # only the holdout split (never tune on it)
.venv/bin/python bench/eval_click.py --noc            # also NoC@85 (clicks until J >= 0.85, max 20)
.venv/bin/python bench/eval_click.py --png out/       # save each first-click mask as an overlay
.venv/bin/python bench/eval_click.py --random 4       # also 4 clicks at random object pixels

The first click is the interior point farthest from the object's boundary (the DAVIS protocol);
each further click goes to the interior point farthest from the boundary of the largest error
region, positive where the object was missed, negative where background was taken.
`--random N` adds N first clicks per sequence at object pixels drawn at random (seeded), each a
new object on the same frame: users click anywhere on an object, not at its deepest point.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.testing.robot_clicks import corrective_click  # noqa: E402
from vtrack.testing.scenes import farthest_interior_point  # noqa: E402
from vtrack.vision.base import PointPrompt  # noqa: E402
from vtrack.vision.embedded import EmbeddedSegmenter  # noqa: E402
from vtrack.vision.embedded.davis import (  # noqa: E402
    davis_available,
    davis_dir,
    davis_split,
    load_davis,
)
from vtrack.vision.metrics import jaccard  # noqa: E402

# frames decoded per clip: the click's motion cues look a few frames ahead, never further
_FRAMES = 12


def click_rows(
    engine: EmbeddedSegmenter, seq: str, clicks: int, noc: bool
) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    """One sequence: J after each robot click (up to `clicks`, or 20 for NoC@85)."""
    video, gts = load_davis(seq, max_frames=_FRAMES)
    gt = gts[0]
    session = engine.start_session(video)
    x, y = farthest_interior_point(gt)
    t0, c0 = time.perf_counter(), time.process_time()
    masks = session.add_points(0, 1, [PointPrompt(x, y, True)])
    t_click, c_click = time.perf_counter() - t0, time.process_time() - c0
    first = masks.masks[1]
    pred = first
    js = [jaccard(pred, gt)]
    limit = 20 if noc else clicks
    while len(js) < limit and not (noc and len(js) >= clicks and js[-1] >= 0.85):
        nxt = corrective_click(pred, gt)
        if nxt is None:
            break
        pred = session.add_points(0, 1, [nxt]).masks[1]
        js.append(jaccard(pred, gt))
    session.close()
    reached = [i + 1 for i, j in enumerate(js) if j >= 0.85]
    row = {
        "name": seq,
        "J1": js[0],
        "J3": js[min(2, len(js) - 1)],
        "J5": js[min(4, len(js) - 1)],
        "NoC85": reached[0] if reached else 20,
        "click_s": t_click,
        "click_cpu_s": c_click,
        "Js": js,
    }
    return row, np.asarray(video[0]), first, gt


def random_click_rows(engine: EmbeddedSegmenter, seq: str, n: int) -> list[dict]:
    """J and CPU seconds of `n` first clicks at random object pixels of frame 0."""
    video, gts = load_davis(seq, max_frames=_FRAMES)
    gt = gts[0]
    h, w = gt.shape
    ys, xs = np.nonzero(gt)
    rng = np.random.default_rng(1)
    session = engine.start_session(video)
    rows = []
    for k in range(n):
        i = int(rng.integers(len(xs)))
        point = PointPrompt((xs[i] + 0.5) / w, (ys[i] + 0.5) / h, True)
        c0 = time.process_time()
        mask = session.add_points(0, k + 1, [point]).masks[k + 1]
        rows.append({"name": seq, "J": jaccard(mask, gt), "cpu_s": time.process_time() - c0})
    session.close()
    return rows


def print_random(rows: list[tuple[str, dict]]) -> None:
    print("\n| set | clicks | J, one click at a random object pixel | click CPU s p50 | mean |")
    print("|---|---|---|---|---|")
    for group in ("tune", "holdout"):
        sel = [r for g, r in rows if g == group]
        if sel:
            cpu = [r["cpu_s"] for r in sel]
            print(
                f"| {group} | {len(sel)} | {np.mean([r['J'] for r in sel]):.3f} | "
                f"{np.median(cpu):.3f} | {np.mean(cpu):.3f} |"
            )


def save_overlay(path: Path, image: np.ndarray, pred: np.ndarray, gt: np.ndarray) -> None:
    """Prediction in red, the ground truth's outline in green."""
    out = image.astype(np.float32)
    out[pred] = 0.5 * out[pred] + 0.5 * np.array([255, 0, 0])
    edge = gt.astype(np.uint8) - cv2.erode(gt.astype(np.uint8), np.ones((3, 3), np.uint8))
    out[edge > 0] = (0, 255, 0)
    cv2.imwrite(str(path), cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_RGB2BGR))


def print_tables(rows: list[tuple[str, dict]], noc: bool) -> None:
    head = "| set | sequence | J 1 click | J 3 clicks | J 5 clicks |"
    head += " NoC@85 |" if noc else ""
    print(head + " click s | click CPU s |")
    print("|" + "---|" * (head.count("|") + 1))
    for group, r in rows:
        cells = f"| {group} | {r['name']} | {r['J1']:.3f} | {r['J3']:.3f} | {r['J5']:.3f} |"
        cells += f" {r['NoC85']} |" if noc else ""
        print(cells + f" {r['click_s']:.2f} | {r['click_cpu_s']:.2f} |")
    print()
    head = "| set | n | J 1 click | J >= 0.7 | J 3 clicks | J 5 clicks |"
    head += " NoC@85 |" if noc else ""
    print(head + " click s p50 | click CPU s p50 |")
    print("|" + "---|" * (head.count("|") + 1))
    for group in ("tune", "holdout"):
        sel = [r for g, r in rows if g == group]
        if not sel:
            continue
        good = sum(1 for r in sel if r["J1"] >= 0.7)
        cells = (
            f"| {group} | {len(sel)} | {np.mean([r['J1'] for r in sel]):.3f} | {good}/{len(sel)} "
            f"| {np.mean([r['J3'] for r in sel]):.3f} | {np.mean([r['J5'] for r in sel]):.3f} |"
        )
        cells += f" {np.mean([r['NoC85'] for r in sel]):.2f} |" if noc else ""
        print(
            cells + f" {np.median([r['click_s'] for r in sel]):.2f} "
            f"| {np.median([r['click_cpu_s'] for r in sel]):.2f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["davis", "tune", "holdout"], default="davis")
    parser.add_argument("--seq", nargs="*", help="only these sequence names")
    parser.add_argument("--clicks", type=int, default=5, help="robot clicks per sequence")
    parser.add_argument("--noc", action="store_true", help="click on to 20 for NoC@85")
    parser.add_argument("--no-mediapipe", action="store_true", help="measure the fallback path")
    parser.add_argument("--png", type=Path, help="save first-click overlays into this folder")
    parser.add_argument("--json", type=Path, help="also write every row to this JSON file")
    parser.add_argument("--random", type=int, default=0, help="random-pixel clicks per sequence")
    args = parser.parse_args(argv)

    engine = EmbeddedSegmenter(use_mediapipe=not args.no_mediapipe)
    if args.png:
        args.png.mkdir(parents=True, exist_ok=True)
    rows, randoms = [], []
    for split in ("tune", "holdout"):
        if args.set not in ("davis", split):
            continue
        for seq in davis_split(split):
            if args.seq and seq not in args.seq:
                continue
            if not davis_available(seq):
                print(f"skip {seq}: DAVIS data not found under {davis_dir()}", file=sys.stderr)
                continue
            row, image, first, gt = click_rows(engine, seq, max(1, args.clicks), args.noc)
            rows.append((split, row))
            randoms += [(split, r) for r in random_click_rows(engine, seq, args.random)]
            print(f"  {split} {seq}: J {row['J1']:.3f}", file=sys.stderr, flush=True)
            if args.png:
                save_overlay(args.png / f"{split}_{seq}.png", image, first, gt)
    print_tables(rows, args.noc)
    if randoms:
        print_random(randoms)
    if args.json:
        args.json.write_text(json.dumps([{"set": g, **r} for g, r in rows], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
