"""Load each engine once per process and reuse it across jobs (model loads are the slow part)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from vtrack.config import Settings

log = logging.getLogger("vtrack.engines")

if TYPE_CHECKING:
    from vtrack.audio.base import StemSeparator
    from vtrack.inpaint.base import VideoInpainter
    from vtrack.vision.base import VideoSegmenter


class EngineCache:
    """Lazily loads the configured vision, audio and inpainting engines."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._engines: dict[str, Any] = {}
        self._warming = False
        self.ready = threading.Event()  # set once the warm-up ended

    def begin_warm_up(self) -> None:
        """Say a warm-up has started (`workflows/warmup.py`): `warming_up` is True until
        `ready` is set."""
        self._warming = True

    @property
    def warming_up(self) -> bool:
        return self._warming and not self.ready.is_set()

    def _get(self, kind: str, load: Callable[[Settings], Any]) -> Any:
        with self._lock:
            if kind not in self._engines:
                self._engines[kind] = load(self.settings)
            return self._engines[kind]

    def preload(self) -> None:
        """Load every engine now (on a background thread at server start); failures are logged
        and retried when a job needs the engine."""
        for load in (self.segmenter, self.separator, self.inpainter):
            try:
                load()
            except Exception:  # noqa: BLE001 - a job will report it with a clear message
                log.exception("could not preload an engine")

    def segmenter(self) -> VideoSegmenter:
        from vtrack.vision.registry import load_segmenter

        return self._get("vision", load_segmenter)

    def separator(self) -> StemSeparator:
        from vtrack.audio.registry import load_separator

        return self._get("audio", load_separator)

    def inpainter(self) -> VideoInpainter:
        from vtrack.inpaint.registry import load_inpainter

        return self._get("inpaint", load_inpainter)
