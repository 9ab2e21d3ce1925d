"""Per-frame masks kept bit-packed, so a long video's masks stay small in memory."""

from __future__ import annotations

import numpy as np


class MaskStore:
    """One bool mask per frame for one object; frames never set read back as empty."""

    def __init__(self, count: int, height: int, width: int) -> None:
        self.shape = (height, width)
        self._packed: list[np.ndarray | None] = [None] * count

    def __len__(self) -> int:
        return len(self._packed)

    def set(self, index: int, mask: np.ndarray) -> None:
        if mask.shape != self.shape:
            raise ValueError(f"mask shape {mask.shape} != video {self.shape}")
        self._packed[index] = np.packbits(mask, axis=None)

    def get(self, index: int) -> np.ndarray:
        packed = self._packed[index]
        if packed is None:
            return np.zeros(self.shape, bool)
        n = self.shape[0] * self.shape[1]
        return np.unpackbits(packed, count=n).view(bool).reshape(self.shape)

    def __getitem__(self, index: int) -> np.ndarray:
        return self.get(index)

    def union(self, other: MaskStore) -> MaskStore:
        """Per-frame OR of two stores (several objects drawn or removed as one)."""
        merged = MaskStore(len(self), *self.shape)
        for i in range(len(self)):
            if self.has(i) or other.has(i):
                merged.set(i, self.get(i) | other.get(i))
        return merged

    def has(self, index: int) -> bool:
        return self._packed[index] is not None

    def nonempty_count(self) -> int:
        return sum(1 for p in self._packed if p is not None and p.any())

    def empty_runs(self) -> list[tuple[int, int]]:
        """Runs of consecutive frames with an empty mask, as (first, last) inclusive."""
        runs: list[tuple[int, int]] = []
        start = None
        for i, p in enumerate(self._packed):
            empty = p is None or not p.any()
            if empty and start is None:
                start = i
            elif not empty and start is not None:
                runs.append((start, i - 1))
                start = None
        if start is not None:
            runs.append((start, len(self._packed) - 1))
        return runs
