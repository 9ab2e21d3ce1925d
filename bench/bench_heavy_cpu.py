"""CPU cost of the heavy engines (SAM 2.1, HT-Demucs) beside the embedded engines, same input.

Usage: .venv/bin/python bench/bench_heavy_cpu.py [--frames 6] [--models tiny,small]
       [--sizes 1024,512] [--precisions float32,bfloat16] [--audio-seconds 10] [--threads N]
       [--skip-audio] [--skip-vision] [--json out.json] [--tables-from out.json]

No trained weights can be had here, so both heavy models are built by their own libraries with
random weights: the same architecture does the same arithmetic, so the cost is that of the
trained model (only the masks and stems are meaningless). Vision: the first `--frames` frames of
DAVIS 'bear' (854x480), one click on frame 0 at the ground truth's most interior point, then
forward propagation through our session interface; SAM 2 also gets its image encoder timed alone
on one frame at its input size. Audio: a 10 s real-recording mix (vtrack/audio/mixes.py) through
our DemucsSeparator over demucs.api, beside the embedded separator. Every figure is a median of
wall and CPU (process, all threads) seconds; ratios are to the embedded engine in the same run,
so they hold when other jobs share the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.testing.scenes import farthest_interior_point  # noqa: E402
from vtrack.vision.base import PointPrompt  # noqa: E402
from vtrack.vision.embedded.davis import load_davis  # noqa: E402

SAM2_CONFIGS = {
    "tiny": "configs/sam2.1/sam2.1_hiera_t.yaml",
    "small": "configs/sam2.1/sam2.1_hiera_s.yaml",
    "base_plus": "configs/sam2.1/sam2.1_hiera_b+.yaml",
    "large": "configs/sam2.1/sam2.1_hiera_l.yaml",
}
# HT-Demucs as the `htdemucs` release was trained: HTDemucs' constructor defaults are that
# configuration (48 channels, depth 4, 5 cross-transformer layers, nfft 4096); segment 7.8 s.
HTDEMUCS_SEGMENT_S = 7.8


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """fn()'s result, wall seconds, CPU seconds of this process (every thread)."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - t0, time.process_time() - c0


def median_timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        _, wall, cpu = timed(fn)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def track_forward(segmenter: Any, video: Any, click: tuple[float, float]) -> dict[str, float]:
    """Open a session, click frame 0, propagate forward: wall/CPU per stage and per frame."""
    n = len(video)
    session, open_wall, open_cpu = timed(lambda: segmenter.start_session(video))
    _, click_wall, click_cpu = timed(lambda: session.add_points(0, 1, [PointPrompt(*click)]))
    masks, wall, cpu = timed(lambda: list(session.propagate("forward", start_frame_index=0)))
    session.close()
    assert sorted(m.frame_index for m in masks) == list(range(n))
    return {
        "open_s": open_wall,
        "click_s": click_wall,
        "frame_wall_s": wall / (n - 1),  # frame 0 is the click's own mask
        "frame_cpu_s": cpu / (n - 1),
        "open_cpu_s": open_cpu,
        "click_cpu_s": click_cpu,
    }


def embedded_vision(video: Any, click: tuple[float, float]) -> dict[str, float]:
    from vtrack.vision.embedded import EmbeddedSegmenter

    segmenter = EmbeddedSegmenter(quality="fast")
    track_forward(segmenter, video, click)  # warm-up: first-call costs, as a loaded server has
    return {"engine": "embedded", **track_forward(segmenter, video, click)}


def sam2_random(model: str, image_size: int) -> Any:
    """sam2's own builder with random weights (no checkpoint) and our adapter's overrides."""
    import torch
    from sam2.build_sam import build_sam2_video_predictor

    from vtrack.vision.sam2_adapter import model_overrides, upcast_memories

    torch.manual_seed(0)
    predictor = build_sam2_video_predictor(
        SAM2_CONFIGS[model], None, device="cpu", hydra_overrides_extra=model_overrides(image_size)
    )
    upcast_memories(predictor)
    return predictor


def sam2_vision(
    model: str, image_size: int, bf16: bool, video: Any, click: tuple[float, float]
) -> dict:
    import contextlib

    import torch

    from vtrack.vision.sam2_adapter import Sam2Segmenter

    predictor = sam2_random(model, image_size)
    params = sum(p.numel() for p in predictor.parameters())
    image = torch.zeros(1, 3, image_size, image_size)
    cast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
    with torch.inference_mode(), cast:
        predictor.forward_image(image)  # warm-up
        encode_wall, encode_cpu = median_timed(lambda: predictor.forward_image(image), 3)
    segmenter = Sam2Segmenter(predictor=predictor, device="cpu", cpu_bf16=bf16)
    row = track_forward(segmenter, video, click)
    return {
        "engine": f"sam2.1-{model}" + (" bf16" if bf16 else ""),
        "input": image_size,
        "params_m": params / 1e6,
        "encode_wall_s": encode_wall,
        "encode_cpu_s": encode_cpu,
        **row,
    }


def htdemucs_repo(folder: Path) -> Path:
    """A local Demucs model folder holding a random HT-Demucs in Demucs' own package format."""
    import torch
    import yaml
    from demucs.htdemucs import HTDemucs

    torch.manual_seed(0)
    model = HTDemucs(sources=["drums", "bass", "other", "vocals"], segment=HTDEMUCS_SEGMENT_S)
    args, kwargs = model._init_args_kwargs
    package = {"klass": HTDemucs, "args": args, "kwargs": kwargs, "state": model.state_dict()}
    torch.save(package, folder / "0b5e6c7a.th")
    (folder / "htdemucs.yaml").write_text(yaml.safe_dump({"models": ["0b5e6c7a"]}))
    return folder


def audio_rows(seconds: float) -> list[dict]:
    from vtrack.audio.demucs_adapter import DemucsSeparator
    from vtrack.audio.embedded import EmbeddedSeparator
    from vtrack.audio.mixes import build_mix

    mix = build_mix("amen_pop", seconds=seconds)
    rows = []
    with tempfile.TemporaryDirectory(prefix="vtrack-bench-demucs-") as tmp:
        demucs = DemucsSeparator(htdemucs_repo(Path(tmp)), "htdemucs", device="cpu")
        params = sum(p.numel() for p in demucs._sep.model.parameters())
        for name, sep, runs in (("embedded", EmbeddedSeparator(), 3), ("htdemucs", demucs, 2)):
            sep.separate(mix.mix[:, : mix.sample_rate], mix.sample_rate)  # warm-up
            wall, cpu = median_timed(lambda s=sep: s.separate(mix.mix, mix.sample_rate), runs)
            rows.append(
                {
                    "engine": name,
                    "audio_s": seconds,
                    "wall_s": wall,
                    "cpu_s": cpu,
                    "wall_per_audio_s": wall / seconds,
                    "cpu_per_audio_s": cpu / seconds,
                    **({"params_m": params / 1e6} if name == "htdemucs" else {}),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    return rows


def vision_rows(
    frames: int, models: list[str], sizes: list[int], precisions: list[str]
) -> list[dict]:
    video, gt = load_davis("bear", max_frames=frames)
    click = farthest_interior_point(gt[0])
    rows = [embedded_vision(video, click)]
    print(json.dumps(rows[-1]), flush=True)
    for model in models:
        for size in sizes:
            for precision in precisions:
                rows.append(sam2_vision(model, size, precision == "bfloat16", video, click))
                print(json.dumps(rows[-1]), flush=True)
    return rows


def vision_table(rows: list[dict]) -> list[str]:
    """Per-frame cost; 'CPU min / 10 s' is the CPU time for 240 frames (10 s at 24 fps):
    divide it by the cores torch can use for an idle machine's wall time."""
    floor = rows[0]
    lines = [
        "| engine | input | params M | image encode CPU s | per frame CPU s (wall) "
        "| x embedded, CPU | CPU min / 10 s of video |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        encode = f"{r['encode_cpu_s']:.2f}" if "input" in r else "-"
        params = f"{r['params_m']:.1f}" if "params_m" in r else "-"
        lines.append(
            f"| {r['engine']} | {r.get('input', '854x480')} | {params} | {encode} "
            f"| {r['frame_cpu_s']:.3f} ({r['frame_wall_s']:.3f}) "
            f"| {r['frame_cpu_s'] / floor['frame_cpu_s']:.0f} "
            f"| {r['frame_cpu_s'] * 240 / 60:.1f} |"
        )
    return lines


def audio_table(rows: list[dict]) -> list[str]:
    floor = rows[0]
    lines = [
        "| engine | params M | CPU s per s of audio (wall) | x embedded, CPU |",
        "|---|---|---|---|",
    ]
    for r in rows:
        params = f"{r['params_m']:.1f}" if "params_m" in r else "-"
        lines.append(
            f"| {r['engine']} | {params} | {r['cpu_per_audio_s']:.3f} ({r['wall_per_audio_s']:.3f}) "
            f"| {r['cpu_s'] / floor['cpu_s']:.1f} |"
        )
    return lines


def print_tables(result: dict[str, Any]) -> None:
    if "vision" in result:
        print("\n".join(vision_table(result["vision"])))
    if "audio" in result:
        print("\n".join(audio_table(result["audio"])))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=6)
    ap.add_argument("--models", default="tiny,small")
    ap.add_argument("--sizes", default="1024,512")
    ap.add_argument("--precisions", default="float32", help="float32 and/or bfloat16 (autocast)")
    ap.add_argument("--audio-seconds", type=float, default=10.0)
    ap.add_argument("--skip-audio", action="store_true")
    ap.add_argument("--skip-vision", action="store_true")
    ap.add_argument("--threads", type=int, help="torch threads (default: torch's own choice)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--tables-from", type=Path, help="print the tables of an earlier --json")
    args = ap.parse_args()
    if args.tables_from:
        print_tables(json.loads(args.tables_from.read_text()))
        return
    import torch

    if args.threads:
        # One thread measures the CPU cost without OpenMP spin-waiting inflating it when
        # other jobs share the cores.
        torch.set_num_threads(args.threads)
    result: dict[str, Any] = {"threads": torch.get_num_threads(), "cores": os.cpu_count()}
    if not args.skip_vision:
        models = [m for m in args.models.split(",") if m]
        sizes = [int(s) for s in args.sizes.split(",") if s]
        precisions = [p for p in args.precisions.split(",") if p]
        result["vision"] = vision_rows(args.frames, models, sizes, precisions)
    if not args.skip_audio:
        result["audio"] = audio_rows(args.audio_seconds)
    print_tables(result)
    result["load_average"] = os.getloadavg()[0]
    print(f"torch threads {result['threads']}, 1-min load average {result['load_average']:.1f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
