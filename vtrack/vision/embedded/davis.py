"""Load the DAVIS-2016 dev sequences (video + human masks) used by the tracking tests and bench."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from vtrack.media.frames import FrameSequence

DAVIS_SEQUENCES = ("bear", "boat", "hike", "lucia", "rhino", "surf", "swing", "tennis")
SPLITS = ("tune", "holdout")


def davis_dir() -> Path:
    """Where the DAVIS copy lives: $VTRACK_DAVIS_DIR, else shared/data/davis16-dev beside the repo."""
    env = os.environ.get("VTRACK_DAVIS_DIR")
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[3]
    return (repo_root / ".." / "shared" / "data" / "davis16-dev").resolve()


def davis_available(seq: str = "bear") -> bool:
    """True when the video and masks of `seq` are present and PyAV can be imported."""
    root = davis_dir()
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return (root / f"{seq}.mp4").is_file() and (root / f"{seq}_masks").is_dir()


def davis_split(split: str) -> list[str]:
    """Sequence names of a split ("tune": tune on these; "holdout": only check on these)."""
    if split not in SPLITS:
        raise ValueError(f"unknown DAVIS split {split!r}; expected one of {SPLITS}")
    path = davis_dir() / f"{split}.txt"
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def load_davis(seq: str, max_frames: int | None = None) -> tuple[FrameSequence, np.ndarray]:
    """Decode `seq` into a FrameSequence and its ground-truth masks (N, H, W) bool."""
    import av

    root = davis_dir()
    frames: list[np.ndarray] = []
    with av.open(str(root / f"{seq}.mp4")) as container:
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="rgb24"))
            if max_frames is not None and len(frames) >= max_frames:
                break
    mask_files = sorted((root / f"{seq}_masks").glob("*.png"))
    n = min(len(frames), len(mask_files))
    masks = np.stack([cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) > 127 for p in mask_files[:n]])
    return FrameSequence.from_arrays(frames[:n], fps=24.0), masks
