"""Evaluate object removal on real footage with exact clean backgrounds, tune and holdout apart.

.venv/bin/python bench/eval_removal.py                 # DAVIS composites, both splits, both masks
.venv/bin/python bench/eval_removal.py --set tune      # only the tune composites (tune on these)
.venv/bin/python bench/eval_removal.py --masks true    # inpainting alone (the composites' masks)
.venv/bin/python bench/eval_removal.py --generated     # also the generated regression scenes
.venv/bin/python bench/eval_removal.py --strips        # frame strips under bench/out/removal
.venv/bin/python bench/eval_removal.py --real          # strips of DAVIS holdout objects removed
.venv/bin/python bench/eval_removal.py --only boat_on,surf_on --set tune   # a subset
.venv/bin/python bench/eval_removal.py --analyse out.json   # where the error comes from

Composites (vtrack.testing.davis_composites): a real DAVIS object cut out with its human mask,
moved over OTHER DAVIS footage with its own camera and scene motion, over or behind that
footage's own moving object, or behind a thin pole fixed to its scene. The clean background is
the footage without the paste. Two mask sources: "true" (the composite's own masks: the
inpainting engine alone) and "click" (the removal pipeline's own masks from one click on frame 0
at the object's farthest interior point: what a user gets). Scores inside the object's true mask
dilated by the removal margin, on every frame: PSNR, SSIM; flicker along the true background's
motion next to the clean footage's own; frames on which the object survives.
Writes bench/RESULTS_removal.md (unless --no-write).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.config import get_settings  # noqa: E402
from vtrack.inpaint.base import VideoInpainter  # noqa: E402
from vtrack.inpaint.embedded import EmbeddedInpainter, TeleaInpainter  # noqa: E402
from vtrack.inpaint.embedded.masks import dilate  # noqa: E402
from vtrack.inpaint.metrics import RemovalScores, TruthMotion  # noqa: E402
from vtrack.media.frames import FrameSequence  # noqa: E402
from vtrack.testing.davis_composites import (  # noqa: E402
    CompositeSpec,
    build_composite,
    split_specs,
)
from vtrack.testing.scenes import Scene, composite_scene, standard_scenes  # noqa: E402
from vtrack.vision.embedded.davis import davis_available, davis_split, load_davis  # noqa: E402

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "RESULTS_removal.md"
STRIPS = ROOT / "out" / "removal"
ENGINES: dict[str, Callable[[], VideoInpainter]] = {
    "embedded": EmbeddedInpainter,
    "telea": TeleaInpainter,
}
Row = dict[str, float | str | int]


def click_masks(scene: Scene) -> tuple[list[np.ndarray], list[str]]:
    """The removal pipeline's masks (and its notices) from one click on frame 0."""
    from vtrack.workflows.removal_masks import masks_from_click

    video = FrameSequence.from_arrays(scene.frames, fps=scene.fps)
    return masks_from_click(video, scene.click)


def run_engine(
    engine: VideoInpainter, frames: np.ndarray, masks: Sequence[np.ndarray], fps: float
) -> tuple[Iterator[np.ndarray], list[float]]:
    """The engine's output frames, timing only the engine (scoring happens between frames)."""
    spent = [0.0]
    gen = engine.inpaint(FrameSequence.from_arrays(frames, fps=fps), list(masks))

    def timed() -> Iterator[np.ndarray]:
        while True:
            t0 = time.perf_counter()
            try:
                out = next(gen)
            except StopIteration:
                spent[0] += time.perf_counter() - t0
                return
            spent[0] += time.perf_counter() - t0
            yield out

    return timed(), spent


_MOTION: dict[str, TruthMotion] = {}


def scored_region(scene: Scene, i: int) -> np.ndarray:
    """Where a clip is scored: the object's true mask grown by the removal margin."""
    return dilate(scene.masks[i], get_settings().removal_margin_px)


def truth_motion(scene: Scene) -> TruthMotion:
    """The clean footage's motion in the scored regions, once per clip."""
    if scene.name not in _MOTION:
        _MOTION.clear()  # one clip at a time: the maps are tens of MB
        regions = [scored_region(scene, i) for i in range(len(scene.frames))]
        _MOTION[scene.name] = TruthMotion.of(scene.backgrounds, regions)
    return _MOTION[scene.name]


def score(
    name: str,
    engine: VideoInpainter,
    scene: Scene,
    masks: Sequence[np.ndarray],
    strip: Path | None = None,
) -> Row:
    scores = RemovalScores(motion=truth_motion(scene))
    outputs, spent = run_engine(engine, scene.frames, masks, scene.fps)
    n = len(scene.frames)
    keep = set(np.linspace(0, n - 1, 6).astype(int).tolist())
    kept: dict[int, np.ndarray] = {}
    count = 0
    for i, out in enumerate(outputs):
        if out.shape != scene.frames[i].shape or out.dtype != np.uint8:
            raise RuntimeError(f"{engine.name}: bad frame {i}: {out.shape} {out.dtype}")
        region = scored_region(scene, i)
        scores.add(out, scene.backgrounds[i], region, scene.frames[i], scene.masks[i])
        if i in keep:
            kept[i] = out
        count += 1
    if count != n:
        raise RuntimeError(f"{engine.name}: {count} frames for {n}")
    if strip is not None:
        save_strip(strip, scene, kept, masks)
    return {
        "scene": name,
        "engine": engine.name,
        "frames": n,
        "psnr": scores.psnr,
        "ssim": scores.ssim,
        "warp": scores.warp_flicker,
        "warp_truth": scores.warp_flicker_truth,
        "excess": scores.flicker_excess,
        "survived": scores.surviving_frames,
        "residue": scores.mean_survival,
        "s_per_frame": spent[0] / n,
    }


def save_strip(
    path: Path, scene: Scene, outputs: dict[int, np.ndarray], masks: Sequence[np.ndarray]
) -> None:
    """Rows: input with the removal mask outlined, output, clean truth (when known)."""
    cols = []
    for i, out in sorted(outputs.items()):
        frame = scene.frames[i].copy()
        contours, _ = cv2.findContours(
            np.asarray(masks[i]).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
        )
        cv2.drawContours(frame, contours, -1, (255, 0, 0), 2)
        rows = [frame, out]
        if scene.backgrounds is not None:
            rows.append(scene.backgrounds[i])
        cols.append(
            np.vstack([cv2.resize(r, (427, 240), interpolation=cv2.INTER_AREA) for r in rows])
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor(np.hstack(cols), cv2.COLOR_RGB2BGR))


def composite_rows(
    split: str,
    mask_modes: list[str],
    engines: list[str],
    strips: bool,
    max_frames: int | None,
    only: set[str] | None = None,
) -> list[Row]:
    rows: list[Row] = []
    for spec in chosen(split_specs(split, max_frames), only):
        scene = build_composite(spec)
        for mode in mask_modes:
            notices: list[str] = []
            if mode == "true":
                masks: Sequence[np.ndarray] = list(scene.masks)
            else:
                masks, notices = click_masks(scene)
            for name in engines:
                if name != "embedded" and mode != "true":
                    continue  # baselines are compared on the inpainting alone
                strip = STRIPS / split / f"{spec.name}_{mode}_{name}.png" if strips else None
                row = score(spec.name, ENGINES[name](), scene, masks, strip)
                row.update(split=split, masks=mode, layering=spec.layering, notices=len(notices))
                rows.append(row)
                print(line(row), flush=True)
    return rows


def chosen(specs: list[CompositeSpec], only: set[str] | None) -> list[CompositeSpec]:
    """The composites named in `only` (full names or their leading object_on_background part)."""
    if not only:
        return specs
    return [s for s in specs if s.name in only or any(s.name.startswith(o) for o in only)]


def analyse(splits: list[str], max_frames: int | None, only: set[str] | None, out: str) -> None:
    """Where the error in the hole comes from (bench/removal_analysis.py), per composite."""
    from removal_analysis import analyse_composite, summarise, write_json

    results, sums = [], []
    for split in splits:
        for spec in chosen(split_specs(split, max_frames), only):
            result = analyse_composite(spec, STRIPS / "analyse" / split)
            result["split"] = split
            results.append(result)
            sums.append(summarise(result) | {"split": split})
            print(json.dumps(sums[-1]), flush=True)
            write_json(Path(out), results)
    Path(out).with_suffix(".summary.json").write_text(json.dumps(sums, indent=1))


def line(r: Row) -> str:
    return (
        f"{r.get('split', '-'):<8}{r.get('masks', '-'):<6}{r['scene']:<40}{r['engine']:<9}"
        f"PSNR {r['psnr']:6.2f}  SSIM {r['ssim']:.3f}  flicker {r['warp']:.2f} "
        f"(clean {r['warp_truth']:.2f})  survived {r['survived']:>3}/{r['frames']}  "
        f"{r['s_per_frame'] * 1000:.0f} ms/frame"
    )


def summary(rows: list[Row]) -> str:
    lines = [
        "| masks | engine | split | clips | PSNR dB | SSIM | flicker (clean) | frames object survives | mean residue | ms/frame |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["masks"], r["engine"]) for r in rows}, key=lambda k: (k[0] != "true", k))
    for mode, engine in keys:
        for split in ("tune", "holdout"):
            sel = [
                r for r in rows if (r["masks"], r["engine"], r["split"]) == (mode, engine, split)
            ]
            if not sel:
                continue

            def mean(key: str, sel: list[Row] = sel) -> float:
                return float(np.nanmean([float(r[key]) for r in sel]))

            survived = sum(int(r["survived"]) for r in sel)
            frames = sum(int(r["frames"]) for r in sel)
            lines.append(
                f"| {mode} | {engine} | {split} | {len(sel)} | {mean('psnr'):.2f} | "
                f"{mean('ssim'):.3f} | {mean('warp'):.2f} ({mean('warp_truth'):.2f}) | "
                f"{survived}/{frames} | {mean('residue'):.3f} | {mean('s_per_frame') * 1000:.0f} |"
            )
    return "\n".join(lines)


def table(rows: list[Row]) -> str:
    lines = [
        "| split | masks | composite | engine | PSNR dB | SSIM | flicker (clean) | survived | ms/frame |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['split']} | {r['masks']} | {r['scene']} | {r['engine']} | {r['psnr']:.2f} | "
            f"{r['ssim']:.3f} | {r['warp']:.2f} ({r['warp_truth']:.2f}) | "
            f"{r['survived']}/{r['frames']} | {r['s_per_frame'] * 1000:.0f} |"
        )
    return "\n".join(lines)


def generated_rows(engines: list[str]) -> list[Row]:
    """The project's own generated scenes: plumbing and regressions, not real-footage quality."""
    scenes = standard_scenes(n_frames=48) + [
        composite_scene("astronaut_pan_480p", pan_px=160, n_frames=240, size=(854, 480), seed=12)
    ]
    rows = []
    for scene in scenes:
        for name in engines:
            row = score(scene.name, ENGINES[name](), scene, list(scene.masks))
            row.update(split="generated", masks="true", layering="-", notices=0)
            rows.append(row)
            print(line(row), flush=True)
    return rows


def real_strips(max_frames: int | None) -> list[str]:
    """DAVIS holdout objects removed from their own footage (no clean truth): strips to look at."""
    notes = []
    for seq in davis_split("holdout"):
        video, gts = load_davis(seq, max_frames)
        frames = np.ascontiguousarray(video.array)
        scene = Scene(seq, frames, gts, None, fps=video.fps)  # type: ignore[arg-type]
        masks, said = click_masks(scene)
        outputs, _ = run_engine(EmbeddedInpainter(), frames, masks, video.fps)
        n = len(frames)
        keep = set(np.linspace(0, n - 1, 6).astype(int).tolist())
        kept = {i: out for i, out in enumerate(outputs) if i in keep}
        save_strip(STRIPS / "real" / f"{seq}.png", scene, kept, masks)
        notes.append(f"{seq}: {' '.join(said) or 'no notice'}")
        print(notes[-1], flush=True)
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("tune", "holdout", "both"), default="both")
    parser.add_argument("--masks", choices=("true", "click", "both"), default="both")
    parser.add_argument("--engines", default="embedded,telea")
    parser.add_argument("--max-frames", type=int, default=None)
    parser.add_argument("--generated", action="store_true", help="also the generated scenes")
    parser.add_argument("--strips", action="store_true", help="save frame strips")
    parser.add_argument("--real", action="store_true", help="strips of real holdout removals")
    parser.add_argument("--json", help="also write every row to this file")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS")
    parser.add_argument("--only", help="comma-separated composites (names or name prefixes)")
    parser.add_argument(
        "--analyse", metavar="JSON", help="error breakdown (bench/removal_analysis.py) to JSON"
    )
    args = parser.parse_args()
    if not davis_available():
        sys.exit("DAVIS data not found (../shared/data/davis16-dev or VTRACK_DAVIS_DIR)")
    engines = args.engines.split(",")
    modes = ["true", "click"] if args.masks == "both" else [args.masks]
    splits = ["tune", "holdout"] if args.set == "both" else [args.set]
    only = set(args.only.split(",")) if args.only else None
    if args.analyse:
        analyse(splits, args.max_frames, only, args.analyse)
        return
    rows: list[Row] = []
    for split in splits:
        rows += composite_rows(split, modes, engines, args.strips, args.max_frames, only)
    generated = generated_rows(engines) if args.generated else []
    real = real_strips(args.max_frames) if args.real else []
    if args.json:
        Path(args.json).write_text(json.dumps(rows + generated, indent=1))
    text = report(rows, generated, real, sys.argv[1:])
    print()
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)
        print(f"wrote {RESULTS}")


def report(rows: list[Row], generated: list[Row], real: list[str], argv: list[str]) -> str:
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    command = " ".join([".venv/bin/python bench/eval_removal.py", *argv])
    parts = [
        "## Object removal on real footage (DAVIS composites)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, {cv2.getNumberOfCPUs()} CPU cores as seen by OpenCV, "
        f"OpenCV {cv2.__version__}, numpy {np.__version__}; load average at the end {load} "
        "(shared machine: ms/frame are indicative only).",
        "",
        summary(rows),
        "",
        table(rows),
        "",
    ]
    if generated:
        parts += ["### Generated scenes (regression only)", "", table(generated), ""]
    if real:
        parts += ["### Real holdout clips, object removed (strips in bench/out/removal/real)", ""]
        parts += [f"- {r}" for r in real] + [""]
    return "\n".join(parts)


if __name__ == "__main__":
    main()
