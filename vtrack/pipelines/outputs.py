"""The files a workflow writes: declared once (key, file name, label), looked up by the pipeline.

A pipeline asks `OutputFiles.path(key)` for where to write an output; that also records the
output as produced, so the result's `files` map is exactly what was written, under the names the
declaration gave. The API derives result URLs and the CLI its file names from the same list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class MediaKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    ARCHIVE = "archive"


@dataclass(frozen=True)
class Output:
    """One result file. `file` may name job parameters (`"{stem}.wav"`); `needs` are the
    parameters that must be set (truthy) for the file to be written at all."""

    key: str  # the result field holding its URL, e.g. "masked_video_url"
    file: str
    label: str
    kind: MediaKind
    seed: bool = False  # part of the seed's POST answer: always present, null when not written
    needs: tuple[str, ...] = ()
    description: str = ""

    def expected(self, params: Mapping[str, Any]) -> str | None:
        """The file name this output will have for `params`, or None if it won't be written."""
        if not all(params.get(name) for name in self.needs):
            return None
        return self.file.format(**params)


@dataclass
class OutputFiles:
    """The outputs of one run inside `dir`; the pipeline writes where `path()` says."""

    dir: Path
    outputs: tuple[Output, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)

    def declared(self, key: str) -> Output:
        for output in self.outputs:
            if output.key == key:
                return output
        raise KeyError(f"no output '{key}' is declared (declared: {self.keys()})")

    def keys(self) -> list[str]:
        return [o.key for o in self.outputs]

    def name(self, key: str, **values: Any) -> str:
        return self.declared(key).file.format(**{**self.params, **values})

    def path(self, key: str, **values: Any) -> Path:
        """Where to write output `key` (template values from the params, or given here)."""
        name = self.name(key, **values)
        self.written[key] = name
        return self.dir / name

    @property
    def work_dir(self) -> Path:
        """Scratch space of the run (removed by the pipeline when it ends)."""
        return self.dir / ".work"
