"""Random-access frame sequences: in memory (tests, small clips) or a store on disk.

Engines need to walk a video forwards and backwards (bidirectional tracking, inpainting from
neighbouring frames). The analysis decodes a video once into a `FrameStore`: one file of raw
working-resolution frames on disk, read back frame by frame with `pread`. Nothing is mapped into
the process, so its resident memory stays flat whatever the video's length (a memory map's pages
count as the process's own once touched: a 60 s store would add 2.2 GB), and the page cache
serves repeated reads. Any process can open a finished store (`FrameStore.open`), so a session
decoded by one worker can be served by another.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
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

    @property
    def frame_bytes(self) -> int:
        return self.width * self.height * 3


class FrameSequence(Sequence[np.ndarray]):
    """Read-only sequence of RGB uint8 frames of shape (H, W, 3), held in memory.

    `frames[i]` may be a view into shared memory: callers that modify a frame copy it first.
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
        """The whole (N, H, W, 3) array."""
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


class FrameStore(FrameSequence):
    """Frames on disk in `<dir>/frames.npy` (a standard .npy file) with `<dir>/frames.json`.

    Filled by a decoder on another thread (`create`, `write`, `mark_ready`, `finish`): reading
    frame i waits until it exists, so tracking starts on the first frames while the rest still
    decode, and a decoder error is re-raised in whoever waits for a frame it never produced.
    `frames[i]` is a fresh array (the caller may modify it). Disk use is `count x frame_bytes`.
    """

    DATA = "frames.npy"
    META = "frames.json"

    def __init__(self, directory: Path, info: FrameInfo, fd: int, offset: int, ready: int) -> None:
        self.directory = Path(directory)
        self.info = info
        self._fd = fd
        self._offset = offset
        self._shape = (info.height, info.width, 3)
        self._ready = ready
        self._error: BaseException | None = None
        self._cond = threading.Condition()
        self._waiting = 0  # readers blocked on a frame not decoded yet
        # Called when a reader starts waiting (the decoder's share lets go of the renderer).
        self.on_wait: Callable[[], None] | None = None
        self.stopped = threading.Event()
        self.finished = threading.Event()
        if ready >= info.count:
            self.finished.set()

    # ---- creating and opening ------------------------------------------------------------
    @classmethod
    def create(cls, directory: Path, info: FrameInfo) -> FrameStore:
        """An empty store of `info.count` frames, to be filled with `write` by one decoder."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / cls.DATA
        header = {
            "descr": "|u1",
            "fortran_order": False,
            "shape": (info.count, info.height, info.width, 3),
        }
        with open(path, "wb") as f:
            np.lib.format.write_array_header_1_0(f, header)
            offset = f.tell()
            f.truncate(offset + info.count * info.frame_bytes)  # sparse until written
        (directory / cls.META).unlink(missing_ok=True)
        return cls(directory, info, os.open(path, os.O_RDWR), offset, ready=0)

    @classmethod
    def open(cls, directory: Path) -> FrameStore:
        """A finished store, read-only, from any process."""
        directory = Path(directory)
        meta_path = directory / cls.META
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        if not meta.pop("complete", False):
            raise FileNotFoundError(f"the frame store in {directory} was never finished")
        source = meta.pop("source_path", None)
        info = FrameInfo(**meta, source_path=Path(source) if source else None)
        path = directory / cls.DATA
        with open(path, "rb") as f:
            np.lib.format.read_magic(f)
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            offset = f.tell()
        if shape != (info.count, info.height, info.width, 3) or dtype != np.uint8:
            raise ValueError(f"{path} holds {shape} {dtype}, not the frames its metadata names")
        return cls(directory, info, os.open(path, os.O_RDONLY), offset, ready=info.count)

    # ---- the decoder's side --------------------------------------------------------------
    def write(self, index: int, frame: np.ndarray) -> None:
        if frame.shape != self._shape or frame.dtype != np.uint8:
            raise ValueError(f"frame {frame.shape} {frame.dtype} does not fit {self._shape}")
        data = np.ascontiguousarray(frame)
        os.pwrite(self._fd, memoryview(data).cast("B"), self._offset + index * data.nbytes)

    def mark_ready(self, count: int) -> None:
        with self._cond:
            self._ready = count
            self._cond.notify_all()

    def fail(self, error: BaseException) -> None:
        with self._cond:
            self._error = error
            self._cond.notify_all()

    def finish(self) -> None:
        """Record the store as complete (after the last frame): `open` accepts it from now on."""
        meta = asdict(self.info)
        meta["source_path"] = str(self.info.source_path) if self.info.source_path else None
        meta["complete"] = True
        tmp = self.directory / f".{self.META}.part"
        tmp.write_text(json.dumps(meta))
        tmp.replace(self.directory / self.META)

    # ---- the readers' side ---------------------------------------------------------------
    def wait_until(self, count: int) -> None:
        """Block until the first `count` frames are decoded."""
        with self._cond:
            if self._ready >= count:
                return
            self._waiting += 1
            try:
                if self.on_wait is not None:
                    self.on_wait()
                while self._ready < count:
                    if self._error is not None:
                        raise self._error
                    self._cond.wait(0.5)
            finally:
                self._waiting -= 1

    @property
    def readers_waiting(self) -> bool:
        return self._waiting > 0

    def wait_all(self) -> None:
        self.wait_until(len(self))

    def __len__(self) -> int:
        return self.info.count

    def _read(self, index: int) -> np.ndarray:
        frame = np.empty(self._shape, np.uint8)
        view = memoryview(frame).cast("B")
        got = os.preadv(self._fd, [view], self._offset + index * frame.nbytes)
        if got != frame.nbytes:
            raise OSError(f"frame {index} of {self.directory} is truncated")
        return frame

    def __getitem__(self, index: int | slice) -> np.ndarray:  # type: ignore[override]
        if isinstance(index, slice):
            return np.stack([self[i] for i in range(*index.indices(len(self)))])
        i = int(index) if index >= 0 else len(self) + int(index)
        if not 0 <= i < len(self):
            raise IndexError(f"frame {index} is outside the video (0-{len(self) - 1})")
        self.wait_until(i + 1)
        return self._read(i)

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(len(self)):
            yield self[i]

    @property
    def array(self) -> np.ndarray:
        """The whole video in memory: only for small clips and tests."""
        return self[:]

    # ---- ending --------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask the decoder to stop early (the job was cancelled or failed)."""
        self.stopped.set()

    def wait_finished(self, timeout: float = 30.0) -> None:
        """Wait for the decoder thread to end (before its files are removed)."""
        self.finished.wait(timeout)

    def close(self) -> None:
        """Release the file (after the decoder ended); the store's files stay on disk."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()


# The name the pipelines knew the decoding store by.
ProgressiveFrames = FrameStore
