"""End-to-end speed and memory of each workflow on a 10 s 854x480 30 fps clip with audio.

    .venv/bin/python bench/bench_pipelines.py [--frames 300] [--only floor,track,text,remove]

Each workflow runs in its own fresh process, so its peak RSS is its own. Engines are loaded
once before timing (the server keeps them loaded); their load time is reported separately.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKFLOWS = ("floor", "track", "text", "remove")
BUDGET_S = {"track": 6.2, "text": 9.1, "remove": 13.4}


def make_clip(path: Path, frames: int, fps: float) -> tuple[float, float]:
    from vtrack.testing.make_clip import write_scene
    from vtrack.testing.scenes import composite_scene

    scene = composite_scene(
        "bench",
        n_frames=frames,
        size=(854, 480),
        pan_px=120,
        fps=fps,
        scale_range=(0.35, 0.5),
        seed=11,
    )
    write_scene(scene, path)
    return scene.click


def run_one(workflow: str, clip: Path, click: tuple[float, float]) -> dict:
    from vtrack.config import Settings
    from vtrack.pipelines.engine_cache import EngineCache
    from vtrack.pipelines.outputs import OutputFiles
    from vtrack.pipelines.point_to_track import PointRequest, point_track_steps, run_point_to_track
    from vtrack.pipelines.progress import Progress
    from vtrack.pipelines.remove_object import removal_steps, run_remove_object
    from vtrack.pipelines.text_to_video import run_text_to_video, text_steps
    from vtrack.pipelines.video_io import decode, encode_frames, open_video, original_audio
    from vtrack.pipelines.workflows import REMOVE_OBJECT, TEXT_TO_VIDEO, TRACK_POINT
    from vtrack.vision.base import PointPrompt

    settings = Settings()
    engines = EngineCache(settings)
    load_start = time.perf_counter()
    if workflow != "floor":
        engines.segmenter()
    if workflow in ("text", "remove"):
        engines.separator()
    if workflow == "remove":
        engines.inpainter()
    load_s = time.perf_counter() - load_start
    request = PointRequest([PointPrompt(*click)], 0)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        video = open_video(clip, settings)
        if workflow == "floor":
            frames = decode(video, out / ".work")
            encode_frames(
                iter(frames),
                out / "copy.mp4",
                original_audio(video),
                video.fmt,
                settings,
                len(frames),
            )
            extra = {}
        elif workflow == "track":
            files = OutputFiles(out, TRACK_POINT.outputs)
            extra = run_point_to_track(
                video, request, files, engines, settings, Progress(point_track_steps())
            )
        elif workflow == "text":
            files = OutputFiles(out, TEXT_TO_VIDEO.outputs)
            extra = run_text_to_video(
                video, "isolate the drums", files, engines, settings, Progress(text_steps())
            )
        else:
            files = OutputFiles(out, REMOVE_OBJECT.outputs)
            extra = run_remove_object(
                video, request, files, engines, settings, Progress(removal_steps())
            )
        wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "workflow": workflow,
        "wall_s": round(wall, 2),
        "engine_load_s": round(load_s, 2),
        "peak_rss_mb": round(peak_mb),
        "frames": extra.get("frame_count"),
        "frames_with_object": extra.get("frames_with_object"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--only", default=",".join(WORKFLOWS))
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--make-clip", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_clip:
        x, y = make_clip(Path(args.make_clip), args.frames, args.fps)
        print(f"{x} {y}")
        return
    if args.child:
        workflow, clip, x, y = args.child
        print(json.dumps(run_one(workflow, Path(clip), (float(x), float(y)))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "bench.mp4"
        # Made in a child process: ru_maxrss survives fork+exec, so a parent that held the
        # generated frames would inflate every workflow's reported peak.
        made = subprocess.run(
            [
                sys.executable,
                __file__,
                "--make-clip",
                str(clip),
                "--frames",
                str(args.frames),
                "--fps",
                str(args.fps),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        x, y = (float(v) for v in made.stdout.split()[-2:])
        print(f"clip: {args.frames} frames 854x480 @ {args.fps:g} fps with AAC audio")
        print(f"{'workflow':<10}{'wall s':>8}{'budget':>8}{'load s':>8}{'peak RSS MB':>13}")
        for workflow in args.only.split(","):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", workflow, str(clip), str(x), str(y)],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                print(f"{workflow:<10} FAILED\n{proc.stderr[-2000:]}")
                continue
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            budget = BUDGET_S.get(workflow)
            print(
                f"{workflow:<10}{row['wall_s']:>8.2f}{budget or 0:>8.1f}"
                f"{row['engine_load_s']:>8.2f}{row['peak_rss_mb']:>13}"
            )


if __name__ == "__main__":
    main()
