"""Video frames as a folder of `<index>.jpg` files, the input SAM 2 and SAM 3 both read."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np


def write_jpeg_folder(frames: Sequence[np.ndarray], folder: Path, quality: int = 95) -> Path:
    """Frames as `<index>.jpg` (0-based, the naming SAM 2 and SAM 3 sort by)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames):
        bgr = cv2.cvtColor(np.asarray(frame), cv2.COLOR_RGB2BGR)
        if not cv2.imwrite(str(folder / f"{i:05d}.jpg"), bgr, [cv2.IMWRITE_JPEG_QUALITY, quality]):
            raise OSError(f"cannot write frame {i} to {folder}")
    return folder
