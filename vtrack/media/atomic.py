"""Outputs that appear under their final name only when complete (a crash leaves no partial file)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Self


class AtomicOutput:
    """Write to `.<name>.part`, rename on `close()`, delete on `abort()`; a context manager.

    Subclasses implement `_finish()` (flush into the temporary file) and `_discard()` (release
    handles while failing).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._tmp = self.path.with_name(f".{self.path.name}.part")

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
