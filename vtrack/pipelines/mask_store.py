"""Per-frame masks kept bit-packed and compressed, so a long video's masks stay small in memory.

A 854x480 mask is 410 kB as bools, 51 kB bit-packed and ~1-3 kB once the packed bits are
deflated (an object's mask is long runs of the same bit): two minutes of masks take a few MB.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np

# zlib's fastest level: ~0.1 ms a mask, and level 6 saves only ~10 % more.
_LEVEL = 1


class MaskStore:
    """One bool mask per frame for one object; frames never set read back as empty."""

    def __init__(self, count: int, height: int, width: int, object_id: int = 1) -> None:
        self.shape = (height, width)
        self.object_id = object_id
        self._packed: list[bytes | None] = [None] * count
        self._nonempty = [False] * count

    def __len__(self) -> int:
        return len(self._packed)

    def set(self, index: int, mask: np.ndarray) -> None:
        if mask.shape != self.shape:
            raise ValueError(f"mask shape {mask.shape} != video {self.shape}")
        bits = np.packbits(np.asarray(mask, bool), axis=None)
        self._packed[index] = zlib.compress(bits.tobytes(), _LEVEL)
        self._nonempty[index] = bool(bits.any())

    def get(self, index: int) -> np.ndarray:
        packed = self._packed[index]
        if packed is None or not self._nonempty[index]:
            return np.zeros(self.shape, bool)
        n = self.shape[0] * self.shape[1]
        bits = np.frombuffer(zlib.decompress(packed), np.uint8)
        return np.unpackbits(bits, count=n).view(bool).reshape(self.shape)

    def __getitem__(self, index: int) -> np.ndarray:
        return self.get(index)

    def at(self, index: int) -> dict[int, np.ndarray]:
        """The objects visible on frame `index`, by object id (what the renderer draws)."""
        return {self.object_id: self.get(index)} if self._nonempty[index] else {}

    def union(self, other: MaskStore) -> MaskStore:
        """Per-frame OR of two stores (several objects drawn or removed as one)."""
        merged = MaskStore(len(self), *self.shape, object_id=self.object_id)
        for i in range(len(self)):
            if self.has(i) or other.has(i):
                merged.set(i, self.get(i) | other.get(i))
        return merged

    def has(self, index: int) -> bool:
        return self._packed[index] is not None

    def nonempty_count(self) -> int:
        return sum(self._nonempty)

    def empty_runs(self) -> list[tuple[int, int]]:
        """Runs of consecutive frames with an empty mask, as (first, last) inclusive."""
        runs: list[tuple[int, int]] = []
        start = None
        for i, visible in enumerate(self._nonempty):
            if not visible and start is None:
                start = i
            elif visible and start is not None:
                runs.append((start, i - 1))
                start = None
        if start is not None:
            runs.append((start, len(self._nonempty) - 1))
        return runs


class MaskSet:
    """Several objects' stores read together: `at(i)` has every object visible on frame i."""

    def __init__(self, stores: Iterable[MaskStore]) -> None:
        self.stores = {store.object_id: store for store in stores}

    def at(self, index: int) -> dict[int, np.ndarray]:
        found: dict[int, np.ndarray] = {}
        for store in self.stores.values():
            found.update(store.at(index))
        return found
