"""Engine registry entries: every engine declares its name, whether it can run here, and why not.

`/api/health` lists these; heavy imports (torch, sam3, demucs) happen only inside `load()`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EngineInfo:
    """One engine of one kind (vision, audio, inpaint)."""

    name: str
    kind: str
    description: str
    available: bool
    reason: str = ""
    device: str = "cpu"
    embedded: bool = False
    loader: Callable[[], Any] | None = field(default=None, repr=False)
    # Heavy engines: `verify` raises unless the package imports and the weights load; health runs
    # it once per `check_key` (the files' identity) through `vtrack.engine_checks`.
    verify: Callable[[], None] | None = field(default=None, repr=False)
    check_key: Hashable = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "available": self.available,
            "reason": self.reason,
            "device": self.device,
            "embedded": self.embedded,
        }


def choose_engine(infos: list[EngineInfo], configured: str) -> EngineInfo | None:
    """The engine that `configured` ("auto" or a name) selects: for auto, the first available."""
    if configured and configured != "auto":
        return next((i for i in infos if i.name == configured), None)
    return next((i for i in infos if i.available), None)
