"""Evaluate the embedded tracker: one click on frame 0, propagate, report J, F, J&F and speed.

.venv/bin/python bench/eval_tracking.py            # generated scenes + DAVIS tune + holdout
.venv/bin/python bench/eval_tracking.py --set holdout   # only the holdout split (never tune on it)
.venv/bin/python bench/eval_tracking.py --init mask     # frame 0's true mask: tracking alone
.venv/bin/python bench/eval_tracking.py --quick    # 2 scenes + 2 clips a split, 30 frames
.venv/bin/python bench/eval_tracking.py --speed    # only: 300 frames of 854x480, one click
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.media.frames import FrameSequence  # noqa: E402
from vtrack.testing.scenes import (  # noqa: E402
    farthest_interior_point,
    standard_scenes,
    visibility_scenes,
)
from vtrack.vision.base import PointPrompt  # noqa: E402
from vtrack.vision.embedded import EmbeddedSegmenter  # noqa: E402
from vtrack.vision.embedded.davis import (  # noqa: E402
    davis_available,
    davis_dir,
    davis_split,
    load_davis,
)
from vtrack.vision.metrics import sequence_scores  # noqa: E402


def evaluate(
    engine: EmbeddedSegmenter,
    name: str,
    video: FrameSequence,
    gts: np.ndarray,
    init: str = "click",
) -> dict[str, float | str | int]:
    """Prompt frame 0 (one click at the farthest interior point, or the ground-truth mask with
    `init="mask"`), track both ways, score every frame."""
    session = engine.start_session(video)
    t0 = time.perf_counter()
    if init == "mask":
        session.add_mask(0, 1, gts[0])
    else:
        x, y = farthest_interior_point(gts[0])
        session.add_points(0, 1, [PointPrompt(x, y, True)])
    t_click = time.perf_counter() - t0
    preds: list[np.ndarray | None] = [None] * len(video)
    t0 = time.perf_counter()
    for fm in session.propagate(direction="both"):
        if preds[fm.frame_index] is not None:
            raise RuntimeError(f"{name}: frame {fm.frame_index} yielded twice")
        preds[fm.frame_index] = fm.masks[1]
    t_track = time.perf_counter() - t0
    session.close()
    missing = [i for i, p in enumerate(preds) if p is None]
    if missing:
        raise RuntimeError(f"{name}: frames {missing[:5]} never yielded")
    scores = sequence_scores(preds, list(gts))
    empty = sum(1 for p, g in zip(preds, gts, strict=True) if g.any() and not p.any())
    ghost = sum(1 for p, g in zip(preds, gts, strict=True) if p.any() and not g.any())
    absent_in_view = count_absent_in_view(preds, gts)
    return {
        "name": name,
        "frames": len(video),
        "size": f"{video.width}x{video.height}",
        "J": scores["J"],
        "F": scores["F"],
        "JF": scores["JF"],
        "J0": scores["J_frames"][0],
        "empty": empty,
        "ghost": ghost,
        "absent_in_view": absent_in_view,
        "click_s": t_click,
        "track_s": t_track,
        "ms_per_frame": 1000 * t_track / len(video),
    }


def count_absent_in_view(preds: list[np.ndarray], gts: np.ndarray) -> int:
    """Frames reported absent (empty mask) while at least half the object is in view: its true
    area is at least half its median area over the clip's frames that show it (masks cannot
    tell a half-hidden object from a small one; the median is the clip's usual view)."""
    areas = np.array([np.count_nonzero(g) for g in gts])
    if not areas.any():
        return 0
    usual = float(np.median(areas[areas > 0]))
    return sum(1 for p, a in zip(preds, areas, strict=True) if a >= 0.5 * usual and not p.any())


def print_absent_in_view(rows: list) -> None:
    """The target "no frame reported absent while half the object is in view", per set."""
    parts = []
    for group in GROUPS:
        sel = [r for g, r in rows if g == group]
        if sel:
            n = sum(int(r.get("absent_in_view", 0)) for r in sel)
            worst = [f"{r['name']} {r['absent_in_view']}" for r in sel if r.get("absent_in_view")]
            parts.append(f"{group} {n}" + (f" ({', '.join(worst)})" if worst else ""))
    print()
    print("frames reported absent while >= half the object is in view: " + "; ".join(parts))


def speed(engine: EmbeddedSegmenter, seq: str = "bear", n_frames: int = 300) -> None:
    """Time one click + propagation through `n_frames` of 854x480 (a DAVIS clip played back and
    forth, so motion stays continuous); prints wall and CPU time."""
    video, gts = load_davis(seq)
    order = list(range(len(video))) + list(range(len(video) - 2, 0, -1))
    frames = [np.asarray(video[order[i % len(order)]]) for i in range(n_frames)]
    clip = FrameSequence.from_arrays(frames, fps=24.0)
    x, y = farthest_interior_point(gts[0])
    session = engine.start_session(clip)
    session.add_points(0, 1, [PointPrompt(x, y, True)])  # warm-up: loads mediapipe graphs
    session = engine.start_session(clip)
    t0, c0 = time.perf_counter(), time.process_time()
    session.add_points(0, 1, [PointPrompt(x, y, True)])
    t_click = time.perf_counter() - t0
    t1 = time.perf_counter()
    count = sum(1 for _ in session.propagate(direction="both"))
    wall, cpu = time.perf_counter() - t1, time.process_time() - c0
    print(
        f"speed: {seq} x{count} frames {clip.width}x{clip.height}: click {t_click:.2f} s, "
        f"propagate {wall:.2f} s wall ({1000 * wall / count:.1f} ms/frame), "
        f"click+propagate {cpu:.2f} s CPU on {os.cpu_count()} cores"
    )


GROUPS = ("generated", "visibility", "tune", "holdout")


def davis_rows(split: str, args: argparse.Namespace, engine: EmbeddedSegmenter) -> list:
    seqs = davis_split(split)
    if args.quick:
        seqs = seqs[:2]
    rows = []
    for seq in seqs:
        if args.seq and seq not in args.seq:
            continue
        if not davis_available(seq):
            print(f"skip {seq}: DAVIS data not found under {davis_dir()}", file=sys.stderr)
            continue
        video, gts = load_davis(seq, max_frames=30 if args.quick else None)
        rows.append((split, evaluate(engine, seq, video, gts, args.init)))
        print(f"  {split} {seq}: J&F {rows[-1][1]['JF']:.3f}", file=sys.stderr, flush=True)
    return rows


def scene_rows(args: argparse.Namespace, engine: EmbeddedSegmenter) -> list:
    rows = []
    scenes = standard_scenes()
    if args.quick:
        scenes = [scenes[1], scenes[3]]
    groups = [("generated", scenes), ("visibility", [] if args.quick else visibility_scenes())]
    for group, group_scenes in groups:
        for scene in group_scenes:
            if args.seq and scene.name not in args.seq:
                continue
            video = FrameSequence.from_arrays(list(scene.frames), fps=scene.fps)
            masks = scene.masks
            rows.append((group, evaluate(engine, scene.name, video, masks, args.init)))
    return rows


def print_table(rows: list) -> None:
    print(
        "| set | sequence | frames | size | J | F | J&F | J frame0 | empty | ghost | click s "
        "| track s | ms/frame |"
    )
    print("|" + "---|" * 13)
    for group, r in rows:
        print(
            f"| {group} | {r['name']} | {r['frames']} | {r['size']} | {r['J']:.3f} | {r['F']:.3f} "
            f"| {r['JF']:.3f} | {r['J0']:.3f} | {r['empty']} | {r['ghost']} | {r['click_s']:.2f} "
            f"| {r['track_s']:.2f} | {r['ms_per_frame']:.1f} |"
        )
    print()
    print("| set | n | J | F | **J&F** | frame-0 J | frame-0 J >= 0.7 | empty | ghost | ms/frame |")
    print("|" + "---|" * 10)
    for group in GROUPS:
        sel = [r for g, r in rows if g == group]
        if not sel:
            continue
        good = sum(1 for r in sel if r["J0"] >= 0.7)
        print(
            f"| {group} | {len(sel)} | {np.mean([r['J'] for r in sel]):.3f} "
            f"| {np.mean([r['F'] for r in sel]):.3f} | **{np.mean([r['JF'] for r in sel]):.3f}** "
            f"| {np.mean([r['J0'] for r in sel]):.3f} | {good}/{len(sel)} "
            f"| {sum(int(r['empty']) for r in sel)} | {sum(int(r['ghost']) for r in sel)} "
            f"| {np.mean([r['ms_per_frame'] for r in sel]):.1f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2 scenes + 2 clips a split, 30 frames"
    )
    parser.add_argument("--quality", choices=["fast", "best"], default="fast")
    parser.add_argument(
        "--set",
        choices=["all", "generated", "davis", "tune", "holdout"],
        default="all",
        help="davis = tune + holdout; all = generated + visibility + tune + holdout",
    )
    parser.add_argument(
        "--init",
        choices=["click", "mask"],
        default="click",
        help="prompt frame 0 with one click (default) or the ground-truth mask (tracking alone)",
    )
    parser.add_argument("--no-mediapipe", action="store_true", help="measure the fallback path")
    parser.add_argument("--seq", nargs="*", help="only these sequence names")
    parser.add_argument("--json", type=Path, help="also write every row to this JSON file")
    parser.add_argument("--speed", action="store_true", help="only time 300 frames of 854x480")
    args = parser.parse_args(argv)

    engine = EmbeddedSegmenter(quality=args.quality, use_mediapipe=not args.no_mediapipe)
    if args.speed:
        speed(engine)
        return 0
    rows = []
    if args.set in ("all", "generated"):
        rows += scene_rows(args, engine)
    for split in ("tune", "holdout"):
        if args.set in ("all", "davis", split):
            rows += davis_rows(split, args, engine)
    print_table(rows)
    print_absent_in_view(rows)
    if args.json:
        args.json.write_text(json.dumps([{"set": g, **r} for g, r in rows], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
