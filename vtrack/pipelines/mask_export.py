"""Write per-frame masks as a zip of PNGs (frame NNNNN.png, 0 = background, 255 = object)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import cv2
import numpy as np

from vtrack.media.atomic import AtomicOutput

# A mask is long runs of 0 and 255: no PNG row filter and run-length deflate encode it 5x faster
# than the defaults (0.8 vs 4 ms at 854x480) and smaller. Older OpenCV lacks the filter option.
_PNG = [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE]
if hasattr(cv2, "IMWRITE_PNG_FILTER"):
    _PNG += [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]


class MaskZipWriter(AtomicOutput):
    """Streamed writer; PNGs are already compressed, so the zip stores them as they are."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._zip = zipfile.ZipFile(self._tmp, "w", compression=zipfile.ZIP_STORED)

    def write(self, frame_index: int, mask: np.ndarray) -> None:
        ok, png = cv2.imencode(".png", mask.astype(np.uint8) * 255, _PNG)
        if not ok:
            raise RuntimeError("PNG encoding failed")
        self._zip.writestr(f"{frame_index:05d}.png", png.tobytes())

    def _finish(self) -> None:
        self._zip.close()

    def _discard(self) -> None:
        self._zip.close()


def read_mask_zip(path: Path) -> dict[int, np.ndarray]:
    """Read masks back (tests and the CLI)."""
    masks: dict[int, np.ndarray] = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = np.frombuffer(zf.read(name), np.uint8)
            masks[int(Path(name).stem)] = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) > 127
    return masks
