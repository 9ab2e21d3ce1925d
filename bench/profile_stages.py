"""Where a workflow's CPU goes, thread by thread, on a real clip.

    .venv/bin/python bench/profile_stages.py CLIP --point X,Y [--workflow track|text|remove]
        [--prompt "..."] [--frame N]

Runs the workflow once, warm (engines loaded and warmed up first, as the server does:
`workflows/warmup.py`), while a sampler reads each thread's CPU time from /proc every 20 ms.
Python threads are named by their stage (vtrack-decode, vtrack-render, vtrack-render-decode,
vtrack-encode, MainThread = tracking, ...); threads started by native libraries have no Python
name and are grouped by the name the kernel has for them (/proc/.../comm): FFmpeg's decoder
threads ("av:h264:df0", ...), mediapipe's graph threads ("mediapipe/..."), and the rest under
the process's own name, split by when they started: during the job (x264's encoder threads,
swscale's slice threads: each converter (`ToRGB`) starts its own, torch's OpenMP worker for a
separation) or before it (OpenCV's worker pool). For a call-level view of the Python threads,
run the same command under `py-spy record -r 50 -o prof.svg -- ...`. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TICK = os.sysconf("SC_CLK_TCK")


def _native_name(tid: int, before_job: bool) -> str:
    """A native thread's group, from the kernel's name for it and whether it predates the job."""
    try:
        with open(f"/proc/self/task/{tid}/comm") as f:
            comm = f.read().strip()
    except OSError:
        return "native (ended)"
    if comm.startswith("av:"):
        return "native: FFmpeg decoder threads"
    if comm.startswith("mediapipe"):
        return "native: mediapipe graph threads"
    if before_job:
        return "native, unnamed, before the job: OpenCV worker"
    return "native, unnamed, from the job: x264, swscale, torch"


def _thread_cpu() -> dict[int, float]:
    """CPU seconds of every thread of this process, by native thread id."""
    out: dict[int, float] = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread just ended
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / TICK
    return out


class Sampler:
    """Keeps each thread's last CPU reading and the Python name it had."""

    def __init__(self, interval: float = 0.02) -> None:
        self.cpu: dict[int, float] = {}
        self.names: dict[int, str] = {}
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, name="profiler", daemon=True)

    def _sample(self) -> None:
        python = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
        cpu = _thread_cpu()
        for tid in cpu:
            # a native thread names itself just after it starts: read its name every time
            self.names[tid] = python.get(tid) or _native_name(tid, tid in self._before)
        self.cpu.update(cpu)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(self._interval)

    def __enter__(self) -> Sampler:
        self._before = _thread_cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def by_stage(self) -> dict[str, float]:
        stages: dict[str, float] = defaultdict(float)
        for tid, cpu in self.cpu.items():
            name = self.names.get(tid, "native (ended)")
            if name == "profiler":
                continue
            if name.startswith("ThreadPoolExecutor"):
                name = "thread pool (engine workers)"
            stages[name] += cpu - self._before.get(tid, 0.0)
        return dict(stages)


def run(args: argparse.Namespace) -> dict:
    from workload import run_job

    from vtrack.config import Settings
    from vtrack.pipelines.engine_cache import EngineCache
    from vtrack.pipelines.video_io import open_video
    from vtrack.workflows.warmup import warm_up

    settings = Settings()
    engines = EngineCache(settings)
    warm_up(engines)
    x, y = args.point.split(",")
    fields = {"x": x, "y": y, "frame_idx": str(args.frame)}
    name = {"track": "track_point", "text": "text_to_video", "remove": "remove_object"}
    if args.workflow == "text":
        fields = {"prompt": args.prompt}
    fmt = open_video(args.clip, settings).fmt
    with tempfile.TemporaryDirectory() as tmp, Sampler() as sampler:
        start = time.perf_counter()
        cpu0 = time.process_time()
        run_job(name[args.workflow], args.clip, fields, engines, Path(tmp))
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu0
    return {"wall": wall, "cpu": cpu, "stages": sampler.by_stage(), "frames": fmt}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clip", type=Path)
    parser.add_argument("--point", default="50,50", help="click, percent of width,height")
    parser.add_argument("--frame", type=int, default=0)
    parser.add_argument("--workflow", choices=("track", "text", "remove"), default="track")
    parser.add_argument("--prompt", default="the person, isolate the drums")
    args = parser.parse_args()
    result = run(args)
    fmt = result["frames"]
    print(
        f"{args.workflow} on {args.clip.name}: {fmt.frame_count} frames, work "
        f"{fmt.width}x{fmt.height}, output {fmt.out_width}x{fmt.out_height}"
    )
    print(f"wall {result['wall']:.2f} s, CPU {result['cpu']:.2f} s")
    for name, cpu in sorted(result["stages"].items(), key=lambda kv: -kv[1]):
        per_frame = 1000 * cpu / max(1, fmt.frame_count)
        print(f"  {name:<32}{cpu:7.2f} s {per_frame:7.1f} ms/frame")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
