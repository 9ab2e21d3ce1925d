"""Random-access frame store: a video decoded once into a disk-backed array.

Engines need to walk a video forwards and backwards (bidirectional tracking, inpainting from
neighbouring frames). Decoding once into a memory-mapped file gives that random access while the
resident memory stays bounded by what the OS keeps cached, not by the video's length.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class FrameInfo:
    """Geometry and timing shared by every frame of a decoded video."""

    width: int
    height: int
    fps: float
    count: int
    source_path: Path | None = None


class FrameSequence(Sequence[np.ndarray]):
    """Read-only sequence of RGB uint8 frames of shape (H, W, 3).

    `frames[i]` is a view into the backing array, never a copy: callers that modify a frame
    must copy it first.
    """

    def __init__(self, array: np.ndarray, info: FrameInfo) -> None:
        if array.ndim != 4 or array.shape[-1] != 3 or array.dtype != np.uint8:
            raise ValueError(f"expected (N, H, W, 3) uint8 frames, got {array.shape} {array.dtype}")
        self._array = array
        self.info = info

    @classmethod
    def from_arrays(
        cls, frames: Sequence[np.ndarray], fps: float = 24.0, source_path: Path | None = None
    ) -> FrameSequence:
        """Build an in-memory sequence (tests, small clips)."""
        array = np.ascontiguousarray(np.stack(list(frames)).astype(np.uint8, copy=False))
        n, h, w, _ = array.shape
        return cls(array, FrameInfo(width=w, height=h, fps=fps, count=n, source_path=source_path))

    @property
    def array(self) -> np.ndarray:
        """The whole (N, H, W, 3) array (possibly a memmap)."""
        return self._array

    @property
    def width(self) -> int:
        return self.info.width

    @property
    def height(self) -> int:
        return self.info.height

    @property
    def fps(self) -> float:
        return self.info.fps

    def __len__(self) -> int:
        return self._array.shape[0]

    def __getitem__(self, index: int | slice) -> np.ndarray:  # type: ignore[override]
        return self._array[index]

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(len(self)):
            yield self._array[i]


class ProgressiveFrames(FrameSequence):
    """A FrameSequence filled by a background decoder; reading frame i waits until it exists.

    Lets tracking start on the first frames while the rest of the video is still decoding.
    A decoder error is re-raised in whoever waits for a frame it never produced.
    """

    def __init__(self, array: np.ndarray, info: FrameInfo) -> None:
        super().__init__(array, info)
        self._ready = 0
        self._error: BaseException | None = None
        self._cond = threading.Condition()
        self.stopped = threading.Event()
        self.finished = threading.Event()

    def mark_ready(self, count: int) -> None:
        with self._cond:
            self._ready = count
            self._cond.notify_all()

    def fail(self, error: BaseException) -> None:
        with self._cond:
            self._error = error
            self._cond.notify_all()

    def wait_until(self, count: int) -> None:
        """Block until the first `count` frames are decoded."""
        with self._cond:
            while self._ready < count:
                if self._error is not None:
                    raise self._error
                self._cond.wait(0.5)

    def wait_all(self) -> None:
        self.wait_until(len(self))

    def __getitem__(self, index: int | slice) -> np.ndarray:  # type: ignore[override]
        if isinstance(index, int | np.integer):
            i = int(index) if index >= 0 else len(self) + int(index)
            self.wait_until(i + 1)
        else:
            self.wait_all()
        return self._array[index]

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(len(self)):
            yield self[i]

    @property
    def array(self) -> np.ndarray:
        self.wait_all()
        return self._array

    def stop(self) -> None:
        """Ask the decoder to stop early (the job was cancelled or failed)."""
        self.stopped.set()

    def wait_finished(self, timeout: float = 30.0) -> None:
        """Wait for the decoder thread to end (before its files are removed)."""
        self.finished.wait(timeout)
