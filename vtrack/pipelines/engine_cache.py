"""Load each engine once per process and reuse it across jobs (model loads are the slow part)."""

from __future__ import annotations

import threading
from typing import Any

from vtrack.config import Settings


class EngineCache:
    """Lazily loads the configured vision, audio and inpainting engines."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._engines: dict[str, Any] = {}

    def _get(self, kind: str, load) -> Any:
        with self._lock:
            if kind not in self._engines:
                self._engines[kind] = load(self.settings)
            return self._engines[kind]

    def segmenter(self):
        from vtrack.vision.registry import load_segmenter

        return self._get("vision", load_segmenter)

    def separator(self):
        from vtrack.audio.registry import load_separator

        return self._get("audio", load_separator)

    def inpainter(self):
        from vtrack.inpaint.registry import load_inpainter

        return self._get("inpaint", load_inpainter)
