"""Write per-frame masks as a zip of PNGs (frame NNNNN.png, 0 = background, 255 = object)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np


class MaskZipWriter:
    """Streamed writer; PNGs are already compressed, so the zip stores them as they are."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._tmp = self.path.with_name(f".{self.path.name}.part")
        self._zip = zipfile.ZipFile(self._tmp, "w", compression=zipfile.ZIP_STORED)

    def write(self, frame_index: int, mask: np.ndarray) -> None:
        ok, png = cv2.imencode(
            ".png", mask.astype(np.uint8) * 255, [cv2.IMWRITE_PNG_COMPRESSION, 1]
        )
        if not ok:
            raise RuntimeError("PNG encoding failed")
        self._zip.writestr(f"{frame_index:05d}.png", png.tobytes())

    def close(self) -> Path:
        self._zip.close()
        self._tmp.replace(self.path)
        return self.path

    def abort(self) -> None:
        self._zip.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> MaskZipWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def read_mask_zip(path: Path) -> dict[int, np.ndarray]:
    """Read masks back (tests and the CLI)."""
    masks: dict[int, np.ndarray] = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = np.frombuffer(zf.read(name), np.uint8)
            masks[int(Path(name).stem)] = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) > 127
    return masks
