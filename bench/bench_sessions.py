"""Interactive sessions through the HTTP API of a real `vtrack serve`: preview latency, the robot
user on DAVIS (tune and holdout side by side), and the memory of a server holding 5 sessions.

.venv/bin/python bench/bench_sessions.py                      # all three
.venv/bin/python bench/bench_sessions.py --only latency --clicks 30
.venv/bin/python bench/bench_sessions.py --only robot --set holdout --json out.json
.venv/bin/python bench/bench_sessions.py --only memory
.venv/bin/python bench/bench_sessions.py --only robot --max-frames 40   # the first 40 frames of each
.venv/bin/python bench/bench_sessions.py --only robot --no-noc --seqs bus,stroller  # a subset

Robot user (the way interactive video segmentation is measured): the first click at frame 0's
interior point farthest from the object's boundary; each next click at that point of the largest
error region (positive where the object was missed, negative where background was taken), up to
3 on frame 0 (NoC@85 goes on to 20 clicks); the full list is sent each time (the API replaces
earlier points); propagate; one correction click on the worst frame; propagate again from there.
J&F over every frame against the human masks.
Latency (session_latency.py): POST .../prompts on an 854x480 clip: the first click after the
upload, warm new-object clicks spread over frames and objects, and later (corrective) clicks,
each kind apart; the floors are the engine alone and a GET of the session in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from session_latency import latency  # noqa: E402

from vtrack.sessions import rle  # noqa: E402
from vtrack.testing.robot_clicks import corrective_click  # noqa: E402
from vtrack.testing.scenes import farthest_interior_point  # noqa: E402
from vtrack.testing.services import start_api  # noqa: E402
from vtrack.vision.embedded.davis import davis_available, davis_dir, davis_split  # noqa: E402
from vtrack.vision.metrics import jaccard, sequence_scores  # noqa: E402

NOC_LIMIT = 20


def load_gt(seq: str, max_frames: int | None = None) -> np.ndarray:
    import cv2

    paths = sorted((davis_dir() / f"{seq}_masks").glob("*.png"))[:max_frames]
    return np.stack([cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) > 127 for p in paths])


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} cores"


def clip_of(seq: str, max_frames: int | None, tmp: Path) -> Path:
    """The sequence's video, or its first `max_frames` frames as an H.264 clip."""
    if max_frames is None:
        return davis_dir() / f"{seq}.mp4"
    from vtrack.testing.davis_clip import write_clip

    out = tmp / f"{seq}-{max_frames}.mp4"
    if not out.exists():
        write_clip(seq, out, max_frames)
    return out


class Api:
    """The session endpoints over HTTP."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=600)

    def open(self, path: Path) -> dict:
        with open(path, "rb") as fh:
            answer = self.http.post("/api/sessions", files={"video": (path.name, fh, "video/mp4")})
        answer.raise_for_status()
        return answer.json()

    def prompt(self, sid: str, frame: int, points: list, object_id: int = 1) -> np.ndarray:
        body = {
            "frame_idx": frame,
            "object_id": object_id,
            "points": [{"x": p.x * 100, "y": p.y * 100, "positive": p.positive} for p in points],
        }
        answer = self.http.post(f"/api/sessions/{sid}/prompts", json=body)
        answer.raise_for_status()
        return rle.decode(answer.json()["mask"])

    def propagate(self, sid: str, **body) -> float:
        t0 = time.perf_counter()
        task = self.http.post(f"/api/sessions/{sid}/propagate", json=body).json()
        with self.http.stream("GET", task["events_url"]) as stream:
            for _ in stream.iter_lines():
                pass
        status = self.http.get(task["task_url"]).json()
        if status["status"] != "complete":
            raise RuntimeError(f"propagation ended {status['status']}: {status['error']}")
        return time.perf_counter() - t0

    def masks(self, sid: str, n: int, object_id: int = 1) -> list[np.ndarray]:
        out = []
        for i in range(n):
            found = self.http.get(f"/api/sessions/{sid}/masks", params={"frame_idx": i}).json()
            out.append(rle.decode(found["masks"][str(object_id)]))
        return out

    def get(self, sid: str) -> dict:
        answer = self.http.get(f"/api/sessions/{sid}")
        answer.raise_for_status()
        return answer.json()

    def delete(self, sid: str) -> None:
        self.http.delete(f"/api/sessions/{sid}")


def robot_frame0(api: Api, sid: str, gt: np.ndarray, noc: bool) -> tuple[list, list[float]]:
    """Clicks on frame 0: J after each; returns the first 3 clicks and every J."""
    x, y = farthest_interior_point(gt)
    from vtrack.vision.base import PointPrompt

    points = [PointPrompt(x, y, True)]
    pred = api.prompt(sid, 0, points)
    js = [jaccard(pred, gt)]
    limit = NOC_LIMIT if noc else 3
    while len(js) < limit and not (len(js) >= 3 and js[-1] >= 0.85):
        nxt = corrective_click(pred, gt)
        if nxt is None:
            break
        points.append(nxt)
        pred = api.prompt(sid, 0, points)
        js.append(jaccard(pred, gt))
    if len(points) > 3:
        api.prompt(sid, 0, points[:3])  # back to the 3-click mask for the propagation
    return points[:3], js


def robot_sequence(api: Api, seq: str, noc: bool, clip: Path, max_frames: int | None) -> dict:
    gts = load_gt(seq, max_frames)
    info = api.open(clip)
    sid, n = info["session_id"], min(info["frame_count"], len(gts))
    gts = gts[:n]
    t0 = time.perf_counter()
    _, js = robot_frame0(api, sid, gts[0], noc)
    reached = [i + 1 for i, j in enumerate(js) if j >= 0.85]
    track_s = api.propagate(sid)
    preds = api.masks(sid, n)
    after3 = sequence_scores(preds, list(gts))
    worst = int(np.argmin(after3["J_frames"][1:])) + 1 if n > 1 else 0
    fix = corrective_click(preds[worst], gts[worst])
    fixed_j = after3["J_frames"][worst]
    if fix is not None and worst != 0:
        fixed_j = jaccard(api.prompt(sid, worst, [fix]), gts[worst])
        track_s += api.propagate(sid, start_frame_idx=worst)
        preds = api.masks(sid, n)
    corrected = sequence_scores(preds, list(gts))
    api.delete(sid)
    return {
        "name": seq,
        "frames": n,
        "J1": js[0],
        "J3": js[min(2, len(js) - 1)],
        "NoC85": reached[0] if reached else NOC_LIMIT,
        "JF3": after3["JF"],
        "worst_frame": worst,
        "worst_J": after3["J_frames"][worst],
        "worst_J_clicked": fixed_j,
        "JF_corrected": corrected["JF"],
        "J_frames_3": [round(float(j), 4) for j in after3["J_frames"]],
        "J_frames_corrected": [round(float(j), 4) for j in corrected["J_frames"]],
        "propagate_s": track_s,
        "total_s": time.perf_counter() - t0,
    }


def robot(
    api: Api,
    splits: list[str],
    noc: bool,
    max_frames: int | None,
    tmp: Path,
    only: set[str] | None = None,
) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    print(f"\nRobot user ({load_average()} at the start)", flush=True)
    for split in splits:
        rows[split] = []
        for seq in davis_split(split):
            if only and seq not in only:
                continue
            row = robot_sequence(api, seq, noc, clip_of(seq, max_frames, tmp), max_frames)
            print(
                f"  {split:7s} {seq:18s} J1 {row['J1']:.3f} J3 {row['J3']:.3f} "
                f"NoC85 {row['NoC85']:2d} J&F3 {row['JF3']:.3f} -> corrected "
                f"{row['JF_corrected']:.3f} (worst frame {row['worst_frame']}: J "
                f"{row['worst_J']:.3f} -> {row['worst_J_clicked']:.3f}) "
                f"{row['total_s']:.0f} s",
                flush=True,
            )
            rows[split].append(row)
    print(f"\nRobot user through the HTTP API (means over sequences; {load_average()})")
    print(
        "| split | seqs | frame-0 J, 1 click | J, 3 clicks | NoC@85 | J&F, 3 clicks | "
        "J&F, + correction | corrected frame's J before / after its click | "
        "J&F better / worse after the correction |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for split, split_rows in rows.items():
        mean = {
            k: float(np.mean([r[k] for r in split_rows]))
            for k in ("J1", "J3", "NoC85", "JF3", "JF_corrected", "worst_J", "worst_J_clicked")
        }
        print(
            f"| {split} | {len(split_rows)} | {mean['J1']:.3f} | {mean['J3']:.3f} | "
            f"{mean['NoC85']:.1f} | {mean['JF3']:.3f} | {mean['JF_corrected']:.3f} | "
            f"{mean['worst_J']:.3f} / {mean['worst_J_clicked']:.3f} | "
            f"{_changed(split_rows, 1)} / {_changed(split_rows, -1)} |"
        )
    return rows


def _changed(rows: list[dict], sign: int) -> int:
    """Sequences whose J&F the correction moved by more than 0.001 in the direction `sign`."""
    return sum(sign * (r["JF_corrected"] - r["JF3"]) > 0.001 for r in rows)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory(api: Api, pid: int, seqs: list[str]) -> dict:
    """Peak RSS of the server after opening, clicking and propagating 5 sessions, all kept."""
    from vtrack.vision.base import PointPrompt

    start = peak_rss_mb(pid)
    held = []
    for seq in seqs:
        gts = load_gt(seq)
        sid = api.open(davis_dir() / f"{seq}.mp4")["session_id"]
        api.prompt(sid, 0, [PointPrompt(*farthest_interior_point(gts[0]), True)])
        api.propagate(sid)
        held.append(sid)
    for sid in held:  # everything read back once more while all 5 are held
        api.http.get(f"/api/sessions/{sid}/masks.zip").raise_for_status()
    peak = peak_rss_mb(pid)
    print(
        f"\nMemory: peak RSS of the server holding {len(held)} sessions "
        f"({', '.join(seqs)}): {peak:.0f} MB (after start-up {start:.0f} MB)"
    )
    return {"sessions": seqs, "peak_rss_mb": peak, "startup_peak_rss_mb": start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("latency", "robot", "memory"))
    parser.add_argument("--set", choices=("tune", "holdout", "both"), default="both")
    parser.add_argument("--clicks", type=int, default=20, help="latency clicks")
    parser.add_argument("--no-noc", action="store_true", help="robot: stop at 3 clicks")
    parser.add_argument(
        "--max-frames", type=int, help="robot: only the first N frames of each sequence"
    )
    parser.add_argument("--seqs", help="robot: only these sequences (comma-separated)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not davis_available("bus"):
        print(f"DAVIS data not found in {davis_dir()}")
        return 1
    splits = ["tune", "holdout"] if args.set == "both" else [args.set]
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="vtrack-bench-sessions-") as tmp:
        env = {"VTRACK_DATA_DIR": str(Path(tmp) / "data"), "VTRACK_PRELOAD_ENGINES": "true"}
        server, base = start_api(env, Path(tmp) / "server.log")
        try:
            api = Api(base)
            if args.only in (None, "memory"):
                report["memory"] = memory(api, server.pid, davis_split("holdout")[:5])
            if args.only in (None, "latency"):
                seq = davis_split("holdout")[0]
                report["latency"] = latency(api, seq, load_gt(seq), args.clicks, load_average)
            if args.only in (None, "robot"):
                only = set(args.seqs.split(",")) if args.seqs else None
                report["robot"] = robot(
                    api, splits, not args.no_noc, args.max_frames, Path(tmp), only
                )
        finally:
            server.stop()
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
