"""Made-on-demand per-frame things kept for the frames the fill is near (an LRU, thread-safe).

The fill walks the clip in order; every frame asks for its many-frame sources and votes' frames
(up to 32 either way), the far frames of its search and their moving parts. Read from the frame
store each time, that was 45 full-frame reads per frame (13 600 on the 300-frame bench clip, 2
CPU s of copies); kept for the window the fill is in, each frame is read once or twice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")

# Frames kept: the many-frame fill's and the votes' window (65 frames) and the frames being
# filled ahead. On the 720p bench clip: 80 frames 770 store reads, 64 frames 1250, 128 frames 650;
# at the working size (<= 854x480) 80 frames are ~100 MB whatever the video's length.
FRAMES_KEPT = 80


class Lru(Generic[T]):
    """`get(i)` = `make(i)`, remembered for the `size` most recently asked indices."""

    def __init__(self, make: Callable[[int], T], size: int) -> None:
        self._make, self._size = make, size
        self._items: OrderedDict[int, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, i: int) -> T:
        with self._lock:
            if i in self._items:
                self._items.move_to_end(i)
                return self._items[i]
        item = self._make(i)  # outside the lock: another thread may make another index
        with self._lock:
            self._items[i] = item
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return item


class CachedFrames(Sequence[np.ndarray]):
    """A read-only view of `frames` that keeps the last `size` frames read (as read-only arrays:
    a caller that changes a frame must copy it)."""

    def __init__(self, frames: Sequence[np.ndarray], size: int = FRAMES_KEPT) -> None:
        self._frames = frames
        self._cache: Lru[np.ndarray] = Lru(self._read, size)

    def _read(self, i: int) -> np.ndarray:
        frame = np.asarray(self._frames[i]).view()  # a view: the caller's array keeps its flags
        frame.flags.writeable = False
        return frame

    def __len__(self) -> int:
        return len(self._frames)

    def __getitem__(self, i: int) -> np.ndarray:  # type: ignore[override]
        return self._cache.get(int(i))
