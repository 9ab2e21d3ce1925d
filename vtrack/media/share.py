"""One decode for analysis and render: decoded source frames handed on to the renderer.

The analysis decoder fills the working-resolution store; the renderer needs the same frames at
the output resolution, in order, as the masks arrive. When the renderer follows the decoder
closely (the prompt is on the first frame, so masks arrive in order), the decoder hands it each
decoded frame and the source is decoded once, not twice. The decoder then waits for the
renderer when it is `capacity` frames ahead, which bounds memory (a 1080p YUV frame is 3 MB).

That wait must never hold up the analysis: when a reader of the store waits for a frame the
decoder cannot reach without running further ahead (a prompt on a later frame, text grounded
on the middle of the video), the share is abandoned: the decoder runs free and the renderer,
once it needs a frame the share no longer has, decodes the source itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import av

log = logging.getLogger("vtrack.media")

# How long a decoder held up by the renderer waits, once a reader of the store waits too,
# before it lets go of the renderer: a renderer that is only slow for a moment catches up.
_GRACE_S = 0.25


class SourceShare:
    """Frames offered by one decoder, taken in order by one renderer."""

    def __init__(self, capacity: int = 32) -> None:
        self.capacity = capacity
        self._frames: dict[int, av.VideoFrame] = {}
        self._next = 0  # the next index the renderer needs
        self._cond = threading.Condition()
        self._abandoned = False  # the decoder let go of the renderer (the analysis ran ahead)
        self._left = False  # the renderer is done with the share
        self._closed = False
        self.readers_waiting: Callable[[], bool] = lambda: False

    @property
    def abandoned(self) -> bool:
        """True when the decoder had to let go: the render then decoded the source itself."""
        return self._abandoned

    @property
    def _open(self) -> bool:
        return not (self._abandoned or self._left)

    # ---- the decoder's side --------------------------------------------------------------
    def offer(self, index: int, frame: av.VideoFrame) -> None:
        """Hand frame `index` on; waits while the renderer is `capacity` frames behind."""
        with self._cond:
            urged_at: float | None = None
            while self._open and index - self._next >= self.capacity:
                if self.readers_waiting():
                    urged_at = urged_at or time.monotonic()
                    if time.monotonic() - urged_at > _GRACE_S:
                        log.info(
                            "frame %d: the analysis runs ahead, the render decodes apart", index
                        )
                        self._abandoned = True
                        self._frames.clear()
                        break
                self._cond.wait(0.05)
            if self._open:
                self._frames[index] = frame
                self._cond.notify_all()

    def urge(self) -> None:
        """A reader of the store started waiting: a decoder held up by the renderer must go on."""
        with self._cond:
            self._cond.notify_all()

    def close(self) -> None:
        """The decoder ended (every frame offered, or it failed)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # ---- the renderer's side -------------------------------------------------------------
    def take(self, index: int) -> av.VideoFrame | None:
        """Frame `index`, once decoded; None when the share cannot supply it (abandoned, or
        the decoder ended without it): the renderer then decodes the source itself."""
        with self._cond:
            self._next = index
            self._cond.notify_all()
            while index not in self._frames and self._open and not self._closed:
                self._cond.wait(0.5)
            frame = self._frames.pop(index, None) if self._open else None
            for old in [i for i in self._frames if i < index]:
                del self._frames[old]
            self._next = index + 1
            self._cond.notify_all()
            return frame

    def leave(self) -> None:
        """The renderer is done with the share (finished, failed or decoding for itself)."""
        with self._cond:
            self._left = True
            self._frames.clear()
            self._cond.notify_all()
