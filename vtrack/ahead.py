"""Work made a few items ahead on threads and handed out in order (kernels that drop the GIL:
OpenCV, numpy's large operations)."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def made_ahead(
    make: Callable[[int], T], order: Iterable[int], workers: int, name: str
) -> Iterator[T]:
    """make(i) for each i of `order`, in that order, made up to 2 * workers items ahead on
    `workers` threads named `name` (an exception in one is raised when its turn comes). Close
    the iterator (contextlib.closing) to cancel what is pending and stop the threads."""
    workers = max(1, workers)
    pool = ThreadPoolExecutor(workers, thread_name_prefix=name)
    pending: deque[Future[T]] = deque()
    todo = iter(order)
    try:
        for i in itertools.islice(todo, 2 * workers):
            pending.append(pool.submit(make, i))
        while pending:
            got = pending.popleft().result()
            for i in itertools.islice(todo, 1):
                pending.append(pool.submit(make, i))
            yield got
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
