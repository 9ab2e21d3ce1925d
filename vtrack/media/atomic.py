"""Outputs that appear under their final name only when complete (a crash leaves no partial file)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self


def part_path(path: Path) -> Path:
    """The hidden temporary name an output is written under until it is complete."""
    return path.with_name(f".{path.name}.part")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield the temporary path to write; rename it to `path` on success, delete it on error."""
    tmp = part_path(path)
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


class AtomicOutput:
    """Write to `.<name>.part`, rename on `close()`, delete on `abort()`; a context manager.

    Subclasses implement `_finish()` (flush into the temporary file) and `_discard()` (release
    handles while failing).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._tmp = part_path(self.path)

    def _finish(self) -> None:
        raise NotImplementedError

    def _discard(self) -> None:
        raise NotImplementedError

    def close(self) -> Path:
        self._finish()
        self._tmp.replace(self.path)
        return self.path

    def abort(self) -> None:
        try:
            self._discard()
        finally:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
