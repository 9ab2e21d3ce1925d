"""Engine sessions as a cache of the durable prompts: one per (session, prompted frame), LRU.

An engine session (the embedded tracker's state, SAM 2's inference state) is never the only
copy of anything: it is built by replaying the durable prompts on its frame and brought up to
date with them before every use (`sync`), so a missing one (a restart, another worker, an
eviction) costs a replay, never a lost click. One engine session per prompted frame gives every
engine the rule "each frame follows the latest prompted frame at or before it": a propagation runs the prompts
of one frame over the frames they govern, with no other frame's prompts mixed in.

A caller borrows an entry for exclusive use (engine sessions are not thread-safe); while it is
out, another caller on the same key builds its own by replay.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from vtrack.pipelines.engine_cache import EngineCache
from vtrack.sessions.model import Prompt
from vtrack.sessions.rle import decode
from vtrack.vision.base import BoxPrompt, FrameMasks, PointPrompt, SegmentationSession

Key = tuple[str, int]  # (session id, prompted frame)


@dataclass
class EngineEntry:
    session: SegmentationSession
    applied: dict[int, str] = field(default_factory=dict)  # object id -> prompt fingerprint

    def sync(self, frame_idx: int, prompts: dict[int, Prompt]) -> dict[int, np.ndarray]:
        """Make the engine hold exactly `prompts` (by object) on `frame_idx`; returns the masks
        of the objects whose prompt had to be (re)applied."""
        for object_id in [o for o in self.applied if o not in prompts]:
            self.session.remove_object(object_id)
            del self.applied[object_id]
        fresh: dict[int, np.ndarray] = {}
        for object_id, prompt in prompts.items():
            fingerprint = prompt.fingerprint()
            if self.applied.get(object_id) == fingerprint:
                continue
            self.applied.pop(object_id, None)
            result = apply_prompt(self.session, frame_idx, object_id, prompt)
            self.applied[object_id] = fingerprint
            mask = result.masks.get(object_id)
            if mask is not None:
                fresh[object_id] = mask
        return fresh


def apply_prompt(
    session: SegmentationSession, frame_idx: int, object_id: int, prompt: Prompt
) -> FrameMasks:
    """Give the engine this prompt as the whole of the object's input on the frame: earlier
    clicks there are forgotten first (the client sends the full list every time)."""
    session.remove_object(object_id)
    result = FrameMasks(frame_index=frame_idx)
    if prompt.base is not None:
        result = session.add_mask(frame_idx, object_id, decode(prompt.base))
    if prompt.box is not None:
        x0, y0, x1, y1 = (v / 100 for v in prompt.box)
        result = session.add_box(frame_idx, object_id, BoxPrompt(x0, y0, x1, y1))
    if prompt.points:
        clicks = [PointPrompt(p.x / 100, p.y / 100, p.positive) for p in prompt.points]
        result = session.add_points(frame_idx, object_id, clicks)
    return result


class EngineSessions:
    """Engine sessions by (session id, prompted frame), least recently used evicted first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, EngineEntry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @contextlib.contextmanager
    def borrow(self, key: Key, build: Callable[[], SegmentationSession]) -> Iterator[EngineEntry]:
        """The cached entry for `key` (or a new one from `build`) for this caller alone; it goes
        back into the cache afterwards, unless the caller failed (its state is then unknown)."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is None:
            entry = EngineEntry(build())
        try:
            yield entry
        except BaseException:
            _close(entry)
            raise
        self._put_back(key, entry)

    def _put_back(self, key: Key, entry: EngineEntry) -> None:
        evicted: list[EngineEntry] = []
        with self._lock:
            other = self._entries.pop(key, None)
            if other is not None:
                evicted.append(other)
            self._entries[key] = entry
            while len(self._entries) > self.capacity:
                evicted.append(self._entries.popitem(last=False)[1])
        for old in evicted:
            _close(old)

    def drop(self, session_id: str) -> None:
        """Forget every engine session of `session_id` (it was deleted)."""
        with self._lock:
            keys = [k for k in self._entries if k[0] == session_id]
            dropped = [self._entries.pop(k) for k in keys]
        for entry in dropped:
            _close(entry)

    def clear(self) -> None:
        with self._lock:
            dropped = list(self._entries.values())
            self._entries.clear()
        for entry in dropped:
            _close(entry)


def _close(entry: EngineEntry) -> None:
    with contextlib.suppress(Exception):
        entry.session.close()


_PER_PROCESS: weakref.WeakKeyDictionary[EngineCache, EngineSessions] = weakref.WeakKeyDictionary()
_PER_PROCESS_LOCK = threading.Lock()


def engine_sessions(engines: EngineCache) -> EngineSessions:
    """The engine-session cache that goes with a process's engines (API and workers share it)."""
    with _PER_PROCESS_LOCK:
        cache = _PER_PROCESS.get(engines)
        if cache is None:
            cache = EngineSessions(engines.settings.session_engine_cache)
            _PER_PROCESS[engines] = cache
        return cache
