"""Overlap pipeline stages on the machine's cores: run a stage on a thread, consume results in order.

Tracking yields frames in any order (backwards from the click, then forwards); the encoder must
receive them in order. `InOrder` releases frame i as soon as it and every frame before it are
ready, so encoding runs alongside tracking instead of after it. `Prefetched` runs a producer
(the source decoder) a few items ahead on its own thread, `Drain` a consumer (the encoder)
behind: decode, draw and encode then overlap too. FFmpeg and OpenCV release the GIL while
they work, so threads are enough to keep the cores busy.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


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


_DONE = object()


class Prefetched(Iterator[T]):
    """Run an iterator on its own thread, at most `depth` items ahead of the consumer.

    Decoding the source for the render runs alongside drawing and encoding this way, with
    memory bounded by `depth` frames. An error in the producer is re-raised in the consumer;
    `close()` stops the producer early (the consumer gave up).
    """

    def __init__(self, items: Iterable[T], depth: int = 4, name: str = "vtrack-prefetch") -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(items,), name=name, daemon=True)
        self._thread.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, items: Iterable[T]) -> None:
        iterator = iter(items)
        try:
            for item in iterator:
                if not self._put(item):
                    break
        except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer
            self._error = exc
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
            self._put(_DONE)

    def __next__(self) -> T:
        item = self._queue.get()
        if item is _DONE:
            self._queue.put(_DONE)  # later calls end too
            if self._error is not None:
                raise self._error
            raise StopIteration
        return item

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        self._thread.join(timeout=30)


class Drain(Generic[T]):
    """Hand items to `consume` on its own thread, at most `depth` waiting (e.g. the encoder).

    `put` re-raises an error `consume` hit; `close()` waits for the rest and re-raises too.
    """

    def __init__(
        self, consume: Callable[[T], None], depth: int = 4, name: str = "vtrack-drain"
    ) -> None:
        self._consume = consume
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, depth))
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if self._error is None:
                try:
                    self._consume(item)
                except BaseException as exc:  # noqa: BLE001 - re-raised in put/close
                    self._error = exc

    def put(self, item: T) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(item)

    def close(self) -> None:
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error
