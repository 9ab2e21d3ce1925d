"""Overlap pipeline stages on the machine's cores: run a stage on a thread, consume results in order.

Tracking yields frames in any order (backwards from the click, then forwards); the encoder must
receive them in order. `InOrder` releases frame i as soon as it and every frame before it are
ready, so encoding runs alongside tracking instead of after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any


class InOrder:
    """Readiness of indices 0..n-1, consumed in order by another thread."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._ready = [False] * n
        self._cond = threading.Condition()
        self._closed = False
        self._error: BaseException | None = None

    def ready(self, index: int) -> None:
        with self._cond:
            self._ready[index] = True
            self._cond.notify_all()

    def close(self, error: BaseException | None = None) -> None:
        """No more indices will come; pending waits finish (or raise `error`)."""
        with self._cond:
            self._closed = True
            self._error = error
            self._cond.notify_all()

    def __iter__(self) -> Iterator[int]:
        for i in range(self.n):
            with self._cond:
                while not self._ready[i] and not self._closed:
                    self._cond.wait(0.5)
                if self._error is not None:
                    raise self._error
            yield i


class Background:
    """Run `fn` on a thread; `join()` returns its result or re-raises its exception."""

    def __init__(self, fn: Callable[[], Any], name: str = "vtrack-stage") -> None:
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn,), name=name, daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            self._result = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in join()
            self._error = exc

    def join(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result
