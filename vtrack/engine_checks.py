"""Cached checks that a heavy engine really loads: its package imports and its weights load.

`/api/health` must be truthful (an engine is `available` only once its checkpoint has loaded) and
must answer at once. The first ask starts the check on a background thread and waits briefly;
until it ends the engine reads as unavailable, "checking ..."; later asks read the cached verdict.
A verdict is keyed by the files' identity (path, size, modification time), so replacing a
checkpoint re-checks it. Loading an engine for a job records its outcome under the same key and
waits for a check already under way instead of loading the same weights twice at once.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from vtrack.engines import EngineInfo
from vtrack.errors import EngineUnavailable, VTrackError

# How long a health request waits for a check it started (a small SAM 2 loads within it).
HEALTH_WAIT_S = 1.0
_REASON_CHARS = 300


@dataclass(frozen=True)
class Verdict:
    """Where a load check stands: "ok", "failed" (with the reason) or still "checking"."""

    state: Literal["ok", "failed", "checking"]
    reason: str = ""


def describe_failure(exc: BaseException) -> str:
    """One readable line for a load failure (state-dict errors list hundreds of keys)."""
    text = exc.message if isinstance(exc, VTrackError) else f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 3] + "..."


class LoadChecks:
    """One check per key, run once, on a daemon thread; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future[None]] = {}
        self._started: dict[Hashable, float] = {}

    def _start(self, key: Hashable, probe: Callable[[], None]) -> Future[None]:
        with self._lock:
            future = self._futures.get(key)
            if future is not None:
                return future
            future = Future()
            self._futures[key] = future
            self._started[key] = time.monotonic()

        def run() -> None:
            try:
                probe()
            except BaseException as exc:  # noqa: BLE001 - SystemExit from demucs included
                future.set_exception(exc)
            else:
                future.set_result(None)

        threading.Thread(target=run, name=f"vtrack-check-{key!r:.40}", daemon=True).start()
        return future

    def verdict(
        self, key: Hashable, probe: Callable[[], None], wait_s: float | None = HEALTH_WAIT_S
    ) -> Verdict:
        """The verdict for `key`, starting `probe` if nobody has; waits at most `wait_s`."""
        future = self._start(key, probe)
        try:
            future.result(timeout=wait_s)
        except FutureTimeout:
            elapsed = time.monotonic() - self._started.get(key, time.monotonic())
            return Verdict("checking", f"checking that it loads (started {elapsed:.0f} s ago)")
        except BaseException as exc:  # noqa: BLE001 - the probe's failure is the verdict
            return Verdict("failed", describe_failure(exc))
        return Verdict("ok")

    def known(self, key: Hashable, wait: bool = True) -> Verdict | None:
        """The verdict if a check or a load ran or runs for `key` (waiting for it), else None."""
        with self._lock:
            future = self._futures.get(key)
        if future is None:
            return None
        try:
            future.result(timeout=None if wait else 0)
        except FutureTimeout:
            return Verdict("checking")
        except BaseException as exc:  # noqa: BLE001
            return Verdict("failed", describe_failure(exc))
        return Verdict("ok")

    def record(self, key: Hashable, error: BaseException | None) -> None:
        """What a real load found: replaces an unfinished or missing verdict for `key`."""
        future: Future[None] = Future()
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
        with self._lock:
            current = self._futures.get(key)
            if current is None or current.done():
                self._futures[key] = future
                self._started[key] = time.monotonic()


LOAD_CHECKS = LoadChecks()


def file_identity(path: str | Path | None) -> tuple[Any, ...]:
    """(resolved path, size, mtime) of a file, so a replaced file gets a new key."""
    if path is None:
        return (None,)
    p = Path(path).expanduser()
    try:
        st = p.stat()
    except OSError:
        return (str(p), None, None)
    return (str(p.resolve()), st.st_size, st.st_mtime_ns)


def checked(info: EngineInfo, wait_s: float | None = HEALTH_WAIT_S) -> EngineInfo:
    """`info` as health reports it: an engine with a `verify` is available once that passed."""
    if not info.available or info.verify is None:
        return info
    verdict = LOAD_CHECKS.verdict(info.check_key, info.verify, wait_s)
    if verdict.state == "ok":
        return info
    prefix = "does not load" if verdict.state == "failed" else "not yet available"
    return dataclasses.replace(info, available=False, reason=f"{prefix}: {verdict.reason}")


def load_checked(info: EngineInfo) -> Any:
    """Run `info.loader`, unless a check already found that it does not load; record the outcome."""
    if info.loader is None:
        raise EngineUnavailable(f"{info.kind} engine {info.name!r} has no loader")
    if info.verify is None:
        return info.loader()
    known = LOAD_CHECKS.known(info.check_key, wait=True)
    if known is not None and known.state == "failed":
        raise EngineUnavailable(f"{info.kind} engine {info.name!r} does not load: {known.reason}")
    try:
        engine = info.loader()
    except BaseException as exc:
        LOAD_CHECKS.record(info.check_key, exc)
        raise
    LOAD_CHECKS.record(info.check_key, None)
    return engine
