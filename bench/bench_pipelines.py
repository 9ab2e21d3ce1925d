"""End-to-end speed and memory of each workflow on real footage, as ratios to the transcode floor.

    .venv/bin/python bench/bench_pipelines.py [--runs 3] [--clips 720p,1080p60,1080p10]
        [--only floor,track,text,remove] [--sequence bear] [--cpus 1]

Clips are made at bench time from real DAVIS footage (see bench/workload.py): `720p` (10 s,
1280x720), `1080p60` (60 s, 1920x1080) and `1080p10` (its first 10 s, for the memory
comparison); `480p` (10 s, 854x480: the removal's budget) and `480p60` (60 s, the removal's
memory against it), all 30 fps with a real recorded drum loop as the sound. The floor is a plain
transcode of the same clip: decode, H.264 at the output size with the same settings, the sound
as AAC.

Every run is a fresh process that starts like the server (engines loaded and warmed up on a tiny
clip, `workflows/warmup.py`), then runs its job twice: the first is the cold figure (the first
job after start), the second the warm one. Wall and CPU are the job's own (CPU of all threads);
peak RSS is the process's. Runs of different workflows alternate, so a machine that slows down
slows them all. Figures are min / median / max over `--runs`, and the ratio of medians to the
floor of the same clip, measured in the same invocation. `--cpus N` pins every run to N of the
machine's cores (how a workflow scales with cores, against a floor pinned the same way).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import Clip, click_of, make_clip  # noqa: E402

CLIPS = {
    "720p": ("1280x720, 10 s", 1280, 720, 10.0),
    "1080p60": ("1920x1080, 60 s", 1920, 1080, 60.0),
    "1080p10": ("1920x1080, 10 s", 1920, 1080, 10.0),
    "480p": ("854x480, 10 s", 854, 480, 10.0),
    "480p60": ("854x480, 60 s", 854, 480, 60.0),
}
# What each clip is measured with: every workflow on 720p, point-to-track on the 1080p clips.
PLAN = {
    "720p": ("floor", "track", "text", "remove"),
    "1080p60": ("floor", "track"),
    "1080p10": ("track",),
    "480p": ("floor", "remove"),  # the removal's 10 s 854x480 budget (issue 14)
    "480p60": ("floor", "remove"),  # the removal's memory in a long video, against 480p's
}
JOB = {"track": "track_point", "text": "text_to_video", "remove": "remove_object"}
TARGET = {
    ("720p", "track"): 1.5,
    ("720p", "text"): 2.0,
    ("720p", "remove"): 2.5,
    ("1080p60", "track"): 2.5,
}
PROMPT = "the {subject}"  # the seed's fallback stem ("other") is separated too


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(workflow: str, clip_path: str, sequence: str, subject: str) -> dict:
    """One server-like process: start (engines warm), then the same job twice."""
    clip = Path(clip_path)
    from workload import run_job, transcode_floor

    from vtrack.config import Settings
    from vtrack.pipelines.engine_cache import EngineCache
    from vtrack.workflows.warmup import warm_up

    settings = Settings()
    started = time.perf_counter()
    engines = EngineCache(settings)
    if workflow != "floor":
        warm_up(engines)
    start_s = time.perf_counter() - started
    x, y = click_of(sequence)
    fields = {"x": f"{x:.2f}", "y": f"{y:.2f}", "frame_idx": "0"}
    if workflow == "text":
        fields = {"prompt": PROMPT.format(subject=subject)}
    jobs = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(2):
            t0, c0 = time.perf_counter(), _cpu()
            if workflow == "floor":
                transcode_floor(clip, Path(tmp) / f"floor{k}.mp4", settings)
                result: dict = {}
            else:
                result = run_job(JOB[workflow], clip, fields, engines, Path(tmp) / f"job{k}")
            jobs.append(
                {
                    "wall": time.perf_counter() - t0,
                    "cpu": _cpu() - c0,
                    "frames_with_object": result.get("frames_with_object"),
                }
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"start_s": start_s, "cold": jobs[0], "warm": jobs[1], "peak_rss_mb": peak}


def spread(values: list[float], digits: int = 2) -> str:
    return "/".join(
        f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )


def report(name: str, runs: dict[str, list[dict]]) -> None:
    floor = runs.get("floor")
    floor_wall = statistics.median(r["warm"]["wall"] for r in floor) if floor else None
    floor_cpu = statistics.median(r["warm"]["cpu"] for r in floor) if floor else None
    print(
        f"{'workflow':<8}{'warm wall s':>19}{'x floor':>8}{'warm CPU s':>19}{'x floor':>8}"
        f"{'cold wall s':>19}{'cold-warm':>10}{'peak RSS MB':>16}{'target':>8}"
    )
    for workflow, rows in runs.items():
        warm = [r["warm"]["wall"] for r in rows]
        cpu = [r["warm"]["cpu"] for r in rows]
        cold = [r["cold"]["wall"] for r in rows]
        rss = [r["peak_rss_mb"] for r in rows]
        ratio = f"{statistics.median(warm) / floor_wall:.2f}" if floor_wall else "-"
        cpu_ratio = f"{statistics.median(cpu) / floor_cpu:.2f}" if floor_cpu else "-"
        extra = statistics.median(c - w for c, w in zip(cold, warm, strict=True))
        target = TARGET.get((name, workflow))
        print(
            f"{workflow:<8}{spread(warm):>19}{ratio:>8}{spread(cpu):>19}{cpu_ratio:>8}"
            f"{spread(cold):>19}{extra:>+10.2f}{spread(rss, 0):>16}"
            f"{(f'<={target}x' if target else ''):>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clips", default="720p,1080p60,1080p10")
    parser.add_argument("--only", default="floor,track,text,remove")
    parser.add_argument("--sequence", default="lucia", help="DAVIS sequence the clips are made of")
    parser.add_argument("--subject", default="person", help="what the text prompt asks for")
    parser.add_argument("--keep", type=Path, help="make the clips here and keep them")
    parser.add_argument(
        "--cpus",
        type=int,
        help="run the jobs (and the floor) on this many of the machine's cores, to show how "
        "the workflows scale with cores (default: all)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    if args.make:
        _, w, h, seconds = CLIPS[args.make[0]]
        make_clip(Clip(args.make[0], args.sequence, w, h, seconds), Path(args.make[1]))
        return
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name in args.clips.split(","):
            clip = folder / f"{name}-{args.sequence}.mp4"
            if not clip.exists():
                # In a child: ru_maxrss survives fork+exec, so the parent must stay small.
                _self(["--make", name, str(clip), "--sequence", args.sequence], check=True)
            bench_clip(name, clip, args, only)


def _self(argv: list[str], **run) -> subprocess.CompletedProcess:
    """This script again, in a fresh process (each run starts like a server)."""
    return subprocess.run([sys.executable, __file__, *argv], **run)


def _pin(cpus: int | None) -> Callable[[], None] | None:
    """Before exec, keep the child on its first `cpus` cores (FFmpeg, x264 and OpenCV size
    their thread pools from the cores the process may use)."""
    if cpus is None:
        return None
    cores = sorted(os.sched_getaffinity(0))[:cpus]
    return lambda: os.sched_setaffinity(0, cores)


def bench_clip(name: str, clip: Path, args: argparse.Namespace, only: set[str]) -> None:
    """Every wanted workflow of the clip's plan, `args.runs` fresh processes each, in turn."""
    label = CLIPS[name][0]
    print(
        f"\n== {name}: DAVIS '{args.sequence}' at {label}, 30 fps, AAC drum loop; "
        f"{args.runs} runs; cores {args.cpus or len(os.sched_getaffinity(0))}; machine load {Path('/proc/loadavg').read_text().split()[0]}"
    )
    workflows = [w for w in PLAN[name] if w in only]
    runs: dict[str, list[dict]] = {w: [] for w in workflows}
    for _ in range(args.runs):
        for workflow in workflows:
            argv = ["--child", workflow, str(clip), args.sequence, args.subject]
            proc = _self(
                argv, capture_output=True, text=True, check=False, preexec_fn=_pin(args.cpus)
            )
            if proc.returncode != 0:
                print(f"{workflow} FAILED\n{proc.stderr[-3000:]}")
                continue
            runs[workflow].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    report(name, {w: r for w, r in runs.items() if r})


if __name__ == "__main__":
    main()
