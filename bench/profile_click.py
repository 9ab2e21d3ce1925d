"""Where a click's preview time goes, stage by stage, in the engine the server runs.

.venv/bin/python bench/profile_click.py                       # bear and bmx-bumps, 30 frames
.venv/bin/python bench/profile_click.py --seqs bear --clicks 12

As the server does: the engines are loaded and warmed on another session first, the upload
prepares frame 0 (`sessions/prompting.prepare_first_frame` -> `prepare_frame(0)`), then
1. the first click, at frame 0's deepest object point (the e2e flow's first click);
2. later clicks on frame 0: each a new object at a random object pixel (the latency bench's);
3. corrective clicks on object 1 (the robot's next click, the full list sent each time);
4. a first click on a frame that was not prepared (the middle one).
Each group runs under cProfile; the table gives the wall seconds of each stage summed over the
group's clicks (stages nest as indented; grabCut is every OpenCV GrabCut call, whoever made it),
and the mask's COCO RLE encode, which the API adds. HTTP and JSON are measured by
`bench_sessions.py --only latency` (the API against the engine alone on the same clicks).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.sessions import rle  # noqa: E402
from vtrack.testing.robot_clicks import corrective_click  # noqa: E402
from vtrack.testing.scenes import farthest_interior_point  # noqa: E402
from vtrack.vision.base import PointPrompt  # noqa: E402
from vtrack.vision.embedded.davis import load_davis  # noqa: E402

_E = "vtrack/vision/embedded/"
# (label, callee file, callee function, caller function or None for every caller), in order
STAGES = [
    ("first mask", "click_segmentation.py", "first_mask", None),
    ("  pose person / selfie component", "click_segmentation.py", "_person_mask", None),
    (
        "    person instances (windowed selfie, pose per person)",
        "click_segmentation.py",
        "_instance_at",
        None,
    ),
    ("  rectangle search (GrabCut, 2 threads)", "grabcut_candidates.py", "grabcut_search", None),
    ("  motion prune", "click_motion.py", "prune_by_motion", None),
    ("  reflection axis and cut", "click_motion.py", "reflection_axis", None),
    (
        "objectness cues (superpixels, features; when not prepared)",
        "click_segmentation.py",
        "click_cues",
        None,
    ),
    ("whole object (model + GrabCut)", "objectness.py", "whole_object", None),
    ("  region model", "objectness.py", "region_probability", "whole_object"),
    ("  GrabCut of the whole object", "grabcut_candidates.py", "grabcut", "whole_object"),
    ("negative clicks (GrabCut)", "click_segmentation.py", "apply_negative_clicks", None),
    ("correction of the earlier mask", "click_sequence.py", "corrected", None),
    ("frame looks (0 when prepared): pose", "frame_looks.py", "pose", None),
    ("  selfie map", "frame_looks.py", "person_probability", None),
    ("  windowed selfie map", "frame_looks.py", "people_probability", None),
    ("  person instances", "frame_looks.py", "people", None),
    ("  camera motion (flow, homography)", "frame_looks.py", "camera_motion", None),
    ("mask to video size", "session.py", "to_full", None),
    ("every OpenCV GrabCut call", "~", "<built-in method cv2.grabCut>", None),
]


def _cum(stats: pstats.Stats, file: str, func: str, caller: str | None) -> float:
    total = 0.0
    for (path, _, name), (_, _, _, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if name != func or not (file == "~" or path.endswith(_E + file)):
            continue
        if caller is None:
            total += ct
        else:
            total += sum(c[3] for (_, _, cname), c in callers.items() if cname == caller)
    return total


def _grabcut_name(stats: pstats.Stats) -> str:
    names = [k[2] for k in stats.stats if "grabCut" in k[2]]  # type: ignore[attr-defined]
    return names[0] if names else "<built-in method cv2.grabCut>"


class Group:
    """Clicks profiled together: wall seconds per click and the cProfile of all of them."""

    def __init__(self, name: str) -> None:
        self.name, self.times, self.encode_s = name, [], 0.0
        self.profile = cProfile.Profile()

    def click(self, session, frame: int, object_id: int, points: list[PointPrompt]) -> np.ndarray:
        t0 = time.perf_counter()
        self.profile.enable()
        mask = session.add_points(frame, object_id, points).masks[object_id]
        self.profile.disable()
        self.times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rle.encode(mask)
        self.encode_s += time.perf_counter() - t0
        return mask

    def stages(self) -> dict[str, float]:
        stats = pstats.Stats(self.profile)
        out = {}
        for label, file, func, caller in STAGES:
            if file == "~":
                func = _grabcut_name(stats)
            out[label] = _cum(stats, file, func, caller)
        out["COCO RLE encode (the API's)"] = self.encode_s
        return out


def profile_seq(engine, seq: str, frames: int, clicks: int) -> list[Group]:
    video, gts = load_davis(seq, max_frames=frames)
    warm = engine.start_session(video)  # the server warms its engines before the first upload
    warm.add_points(1, 1, [PointPrompt(*farthest_interior_point(gts[1]), True)])
    warm.close()
    session = engine.start_session(video)
    t0 = time.perf_counter()
    session.prepare_frame(0)
    prepare_s = time.perf_counter() - t0
    groups = [Group(g) for g in ("first click", "new objects", "corrections", "other frame")]
    first = [PointPrompt(*farthest_interior_point(gts[0]), True)]
    mask = groups[0].click(session, 0, 1, first)
    rng = np.random.default_rng(0)
    h, w = gts[0].shape
    ys, xs = np.nonzero(gts[0])
    for k in range(clicks):
        i = int(rng.integers(len(xs)))
        point = PointPrompt((xs[i] + 0.5) / w, (ys[i] + 0.5) / h, True)
        groups[1].click(session, 0, 2 + k % 3, [point])
        session.remove_object(2 + k % 3)
    points = list(first)
    for _ in range(min(clicks, 4)):
        nxt = corrective_click(mask, gts[0])
        if nxt is None:
            break
        points.append(nxt)
        session.remove_object(1)
        mask = groups[2].click(session, 0, 1, points)
    mid = len(video) // 2
    groups[3].click(session, mid, 1, [PointPrompt(*farthest_interior_point(gts[mid]), True)])
    session.close()
    print(f"\n{seq}: frame 0 prepared in {prepare_s:.3f} s (the upload's share)")
    print_groups(groups)
    return groups


def print_groups(groups: list[Group]) -> None:
    stages = [g.stages() for g in groups]
    head = " | ".join(f"{g.name} ({len(g.times)})" for g in groups)
    print(f"| stage, s summed over the clicks | {head} |")
    print("|---" * (len(groups) + 1) + "|")
    for label in stages[0]:
        cells = " | ".join(f"{s[label]:.3f}" for s in stages)
        print(f"| {label.replace('  ', '&nbsp;&nbsp;')} | {cells} |")
    cells = " | ".join(f"{sum(g.times):.3f}" for g in groups)
    print(f"| **the clicks, wall** | {cells} |")
    cells = " | ".join(
        f"{np.median(g.times):.3f} / {max(g.times):.3f}" if g.times else "-" for g in groups
    )
    print(f"| per click, p50 / max | {cells} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seqs", default="bear,bmx-bumps")
    parser.add_argument("--frames", type=int, default=30, help="frames decoded per sequence")
    parser.add_argument("--clicks", type=int, default=8, help="new-object clicks per sequence")
    args = parser.parse_args(argv)
    from vtrack.config import Settings
    from vtrack.pipelines.engine_cache import EngineCache

    engine = EngineCache(Settings()).segmenter()
    one, five, _ = os.getloadavg()
    print(f"load average {one:.1f} / {five:.1f} (1 / 5 min) on {os.cpu_count()} cores")
    for seq in args.seqs.split(","):
        profile_seq(engine, seq, args.frames, args.clicks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
