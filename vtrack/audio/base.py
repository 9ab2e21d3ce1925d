"""The stem separation interface: a stereo or mono waveform in, named stems out.

Stems are the four Demucs names: drums, bass, other, vocals (plus guitar and piano for 6-stem
models). The stems of one separation sum back to the mix (up to float rounding) for engines that
say `sums_to_mix`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np

from vtrack.errors import InvalidInput

STEMS_4 = ("drums", "bass", "other", "vocals")
STEMS_6 = ("drums", "bass", "other", "vocals", "guitar", "piano")

ProgressCallback = Callable[[float], None]


def as_channels_first(audio: np.ndarray) -> np.ndarray:
    """float32 (channels, samples) from a mono vector or a (channels, samples) array.

    Raises InvalidInput for anything else, so every separator rejects bad input the same way.
    """
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[None, :]
    if audio.ndim != 2 or audio.shape[0] < 1:
        raise InvalidInput(f"audio must be (channels, samples), got shape {audio.shape}")
    return audio


class StemSeparator(ABC):
    """A loaded separator."""

    name: str = "abstract"
    stems: tuple[str, ...] = STEMS_4
    sums_to_mix: bool = True

    @abstractmethod
    def separate(
        self,
        audio: np.ndarray,
        sample_rate: int,
        progress: ProgressCallback | None = None,
    ) -> dict[str, np.ndarray]:
        """Separate `audio` (float32, shape (channels, samples), values in [-1, 1]).

        Returns {stem: float32 array of the same shape}. A progress callback that raises aborts.
        """
