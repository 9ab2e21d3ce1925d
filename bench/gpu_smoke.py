"""SAM 3 smoke test on a CUDA machine: the real sam3 library, random weights, our adapter, timed.

Usage (from the repo root, after `make setup` and `.venv/bin/pip install sam3 open_clip_torch`):

    .venv/bin/python bench/gpu_smoke.py [--frames 10] [--keep-checkpoint DIR]

Nothing is downloaded: sam3 builds its video model with random weights (`load_from_HF=False`),
the script saves it as a checkpoint in sam3's own format (a temporary `sam3.pt`) and points the
studio's settings at it, so the studio's own path runs: the health check (`sam3` package and
triton import, the checkpoint's tensors read), the registry's loader
(`build_sam3_video_predictor(checkpoint_path=..., bpe_path=...)`), then our session on a
generated 10-frame clip (points with a negative click, a box, a correction on a later frame,
propagation both ways, a text prompt, a long-video chunk hand-over) and point-to-track through
the API. The tokenizer vocabulary comes from VTRACK_SAM3_BPE_PATH, sam3's assets or open_clip;
without any, a synthetic vocabulary of the right size stands in (random weights make words
meaningless anyway). Random weights cost the same GPU time as trained ones; masks and the
instances a text prompt finds are meaningless. Prints one line per step and PASS or FAIL.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import itertools
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BPE_NAME = "bpe_simple_vocab_16e6.txt.gz"
# sam3's SimpleTokenizer keeps merges[1 : 49152 - 256 - 2 + 1]: 48894 merges, which with 512
# byte tokens and 2 special tokens fill the text encoder's 49408-entry embedding.
BPE_MERGES = 49152 - 256 - 2


class Steps:
    """Runs named steps, prints each with its time, remembers failures."""

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.started = time.perf_counter()

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - report every failure and go on
            self.failed.append(name)
            print(
                f"FAIL  {name:34s} {time.perf_counter() - t0:7.2f} s  {type(exc).__name__}: {exc}"
            )
            traceback.print_exc(limit=4)
            return None
        detail = f"  {result}" if isinstance(result, str) else ""
        print(f"ok    {name:34s} {time.perf_counter() - t0:7.2f} s{detail}", flush=True)
        return result

    def finish(self) -> int:
        total = time.perf_counter() - self.started
        verdict = "PASS" if not self.failed else f"FAIL ({', '.join(self.failed)})"
        print(f"{verdict} in {total:.1f} s")
        return 0 if not self.failed else 1


def environment() -> str:
    import torch

    if not torch.cuda.is_available():
        raise RuntimeError("no CUDA GPU visible to PyTorch: SAM 3 needs one")
    if importlib.util.find_spec("sam3") is None:
        raise RuntimeError("sam3 is not installed (.venv/bin/pip install sam3 open_clip_torch)")
    from importlib.metadata import version

    name = torch.cuda.get_device_name(0)
    return f"torch {torch.__version__}, {name}, sam3 {version('sam3')}"


def find_bpe(folder: Path) -> tuple[Path, str]:
    """The tokenizer vocabulary: settings, sam3's assets, open_clip's copy, or a synthetic one."""
    from vtrack.config import Settings
    from vtrack.vision.registry import SAM3_BPE_NAME, _package_dir

    candidates = [Settings().sam3_bpe_path]
    for package, sub in (("sam3", "../assets"), ("open_clip", ".")):
        where = _package_dir(package)
        if where is not None:
            candidates.append((where / sub / SAM3_BPE_NAME).resolve())
    for path in candidates:
        if path is not None and Path(path).is_file():
            return Path(path), f"vocabulary {path}"
    return write_synthetic_bpe(folder / BPE_NAME), "synthetic vocabulary (none installed)"


def write_synthetic_bpe(path: Path) -> Path:
    """A merges file in the CLIP BPE format with as many merges as sam3's tokenizer reads."""
    from sam3.model.tokenizer_ve import bytes_to_unicode

    symbols = list(bytes_to_unicode().values())
    seconds = symbols + [s + "</w>" for s in symbols]
    merges = itertools.islice(itertools.product(symbols, seconds), BPE_MERGES)
    text = "#version: synthetic\n" + "\n".join(f"{a} {b}" for a, b in merges) + "\n"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(text)
    return path


def random_checkpoint(folder: Path, bpe: Path) -> tuple[Path, str]:
    """sam3's video model with random weights, saved as `sam3.pt` in its own format."""
    import torch
    from sam3.model_builder import build_sam3_video_model

    torch.manual_seed(0)
    model = build_sam3_video_model(
        checkpoint_path=None, load_from_HF=False, bpe_path=str(bpe), device="cuda"
    )
    params = sum(p.numel() for p in model.parameters())
    path = folder / "sam3.pt"
    torch.save({"model": model.state_dict()}, path)
    del model
    torch.cuda.empty_cache()
    return path, f"{params / 1e6:.0f} M parameters, {path.stat().st_size / 2**30:.1f} GiB"


def make_clip(frames: int) -> tuple[Any, Any]:
    """A generated clip (real photos composited, exact masks) and its frame-0 click."""
    from vtrack.media.frames import FrameSequence
    from vtrack.testing.scenes import composite_scene

    scene = composite_scene("gpu_smoke", n_frames=frames, size=(320, 240), seed=3)
    return scene, FrameSequence.from_arrays(list(scene.frames), fps=scene.fps)


def check_frames(masks: list[Any], n: int, size: tuple[int, int], ids: set[int] | None) -> str:
    frames = sorted(m.frame_index for m in masks)
    if frames != list(range(n)):
        raise AssertionError(f"frames {frames}, expected each of 0..{n - 1} once")
    for fm in masks:
        if ids is not None and not set(fm.masks) <= ids:
            raise AssertionError(f"frame {fm.frame_index}: ids {sorted(fm.masks)} not in {ids}")
        for mask in fm.masks.values():
            if mask.shape != size or mask.dtype != bool:
                raise AssertionError(f"mask {mask.shape} {mask.dtype}, expected {size} bool")
    return f"{n} frames, ids {sorted(set().union(*(fm.masks for fm in masks)))}"


def session_steps(steps: Steps, segmenter: Any, video: Any, click: tuple[float, float]) -> None:
    """Points, a box, both ways, a correction, a text prompt: every frame once, ids kept."""
    from vtrack.errors import PromptNotUnderstood
    from vtrack.vision.base import BoxPrompt, PointPrompt

    n, size = len(video), (video.height, video.width)
    mid = n // 2
    session = segmenter.start_session(video)
    x, y = click
    steps.run(
        "points (positive + negative)",
        lambda: session.add_points(mid, 1, [PointPrompt(x, y), PointPrompt(0.02, 0.02, False)]),
    )
    steps.run("box, second object", lambda: session.add_box(mid, 2, BoxPrompt(0.6, 0.1, 0.95, 0.5)))
    steps.run(
        "propagate both ways",
        lambda: check_frames(list(session.propagate("both")), n, size, {1, 2}),
    )
    steps.run(
        "correction on a later frame", lambda: session.add_points(n - 2, 1, [PointPrompt(x, y)])
    )
    steps.run(
        "propagate forward, then backward",
        lambda: check_frames(
            list(session.propagate("forward", start_frame_index=mid))
            + [
                m
                for m in session.propagate("backward", start_frame_index=mid)
                if m.frame_index < mid
            ],
            n,
            size,
            {1, 2},
        ),
    )

    def text() -> str:
        try:
            found = session.add_text(0, "object")
        except PromptNotUnderstood:
            return "no instance (random weights): request accepted"
        tracked = check_frames(list(session.propagate("both")), n, size, None)
        return f"{len(found.frame_masks.masks)} instances; {tracked}"

    steps.run("text prompt, then propagate", text)
    steps.run("close session", session.close)


def chunk_steps(steps: Steps, predictor: Any, video: Any, click: tuple[float, float]) -> None:
    """A video longer than one session: objects handed over between chunks, both ways."""
    from vtrack.vision.base import PointPrompt
    from vtrack.vision.sam3_adapter import Sam3Segmenter

    n, size = len(video), (video.height, video.width)
    segmenter = Sam3Segmenter(predictor=predictor, chunk_frames=max(2, n // 2 + 1))
    with segmenter.start_session(video) as session:
        session.add_points(n // 2, 1, [PointPrompt(*click)])
        steps.run(
            "chunked propagation both ways",
            lambda: check_frames(list(session.propagate("both")), n, size, {1}),
        )


def api_step(settings: Any, clip_path: Path, click: tuple[float, float]) -> str:
    from fastapi.testclient import TestClient

    from vtrack.api.app import create_app

    with TestClient(create_app(settings)) as client:
        health = client.get("/api/health").json()
        if not health["sam3_available"]:
            raise AssertionError(f"health says SAM 3 is not available: {health['sam3_message']}")
        with open(clip_path, "rb") as fh:
            response = client.post(
                "/api/track-point?wait=true",
                files={"video": (clip_path.name, fh, "video/mp4")},
                data={"x": f"{click[0] * 100:.1f}", "y": f"{click[1] * 100:.1f}"},
            )
    body = response.json()
    if response.status_code != 200 or body.get("status") != "complete":
        raise AssertionError(f"{response.status_code}: {body}")
    return body["processing_steps"][0]["label"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=10)
    ap.add_argument("--keep-checkpoint", type=Path, help="save sam3.pt here instead of a temp dir")
    args = ap.parse_args()
    steps = Steps()
    if steps.run("environment", environment) is None:
        return steps.finish()
    with tempfile.TemporaryDirectory(prefix="vtrack-gpu-smoke-") as tmp:
        folder = args.keep_checkpoint or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        return run_all(steps, folder, Path(tmp), args.frames)


def run_all(steps: Steps, folder: Path, tmp: Path, frames: int) -> int:
    import torch

    from vtrack.config import Settings
    from vtrack.engine_checks import checked
    from vtrack.testing.make_clip import write_scene
    from vtrack.vision.registry import load_segmenter, sam3_info

    found = steps.run("tokenizer vocabulary", lambda: find_bpe(tmp))
    made = found and steps.run(
        "random SAM 3 video model", lambda: random_checkpoint(folder, found[0])
    )
    if not made:
        return steps.finish()
    settings = Settings(
        data_dir=tmp / "data",
        vision_engine="sam3",
        sam3_checkpoint=made[0],
        sam3_bpe_path=found[0],
        preload_engines=False,
    )
    steps.run(
        "health check (imports, tensors)", lambda: health_line(checked(sam3_info(settings), 600))
    )
    segmenter = steps.run("load through the registry", lambda: load_segmenter(settings, "sam3"))
    if segmenter is None:
        return steps.finish()
    scene, video = make_clip(frames)
    session_steps(steps, segmenter, video, scene.click)
    chunk_steps(steps, segmenter.predictor, video, scene.click)
    clip = write_scene(scene, tmp / "smoke.mp4")
    steps.run("API point-to-track (wait=true)", lambda: api_step(settings, clip, scene.click))
    print(f"peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB")
    return steps.finish()


def health_line(info: Any) -> str:
    if not info.available:
        raise AssertionError(info.reason)
    return "available"


if __name__ == "__main__":
    sys.exit(main())
