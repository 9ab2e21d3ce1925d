"""Step and progress reporting from a pipeline to whoever runs it (job worker, CLI, tests)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class StepStatus(StrEnum):
    """Where one step of a run stands (the public contract's `processing_steps[].status`)."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETE = "complete"
    ERROR = "error"
    SKIPPED = "skipped"


DONE_STEPS = (StepStatus.COMPLETE, StepStatus.SKIPPED)


@dataclass
class Step:
    id: str
    label: str
    weight: float = 1.0
    status: StepStatus = StepStatus.PENDING

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label, "status": str(self.status)}


@dataclass
class Progress:
    """Tracks the steps of one run and turns per-step fractions into one overall fraction.

    `on_change` is called (throttled) with this object whenever something a client would show
    changes; it may raise (e.g. JobCancelled) to stop the pipeline at the next report.
    """

    steps: list[Step]
    on_change: Callable[[Progress], None] | None = None
    notices: list[str] = field(default_factory=list)
    fraction: float = 0.0
    min_interval_s: float = 0.2
    _last_emit: float = 0.0

    def _index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(step_id)

    def _emit(self, force: bool) -> None:
        now = time.monotonic()
        if self.on_change and (force or now - self._last_emit >= self.min_interval_s):
            self._last_emit = now
            self.on_change(self)

    def start(self, step_id: str) -> None:
        self.steps[self._index(step_id)].status = StepStatus.PROCESSING
        self._set_fraction(step_id, 0.0, force=True)

    def update(self, step_id: str, fraction: float) -> None:
        self._set_fraction(step_id, min(max(fraction, 0.0), 1.0), force=False)

    def complete(self, step_id: str, label: str | None = None) -> None:
        step = self.steps[self._index(step_id)]
        step.status = StepStatus.COMPLETE
        if label:
            step.label = label
        self._set_fraction(step_id, 1.0, force=True)

    def skip(self, step_id: str, label: str | None = None) -> None:
        step = self.steps[self._index(step_id)]
        step.status = StepStatus.SKIPPED
        if label:
            step.label = label
        self._set_fraction(step_id, 1.0, force=True)

    def relabel(self, step_id: str, label: str) -> None:
        self.steps[self._index(step_id)].label = label

    def fail_running(self) -> None:
        for step in self.steps:
            if step.status == StepStatus.PROCESSING:
                step.status = StepStatus.ERROR

    def notice(self, text: str) -> None:
        self.notices.append(text)
        self._emit(force=True)

    def callback(self, step_id: str) -> Callable[[float], None]:
        """A progress callback for an engine working inside one step."""
        return lambda fraction: self.update(step_id, fraction)

    def _set_fraction(self, step_id: str, fraction: float, force: bool) -> None:
        total = sum(s.weight for s in self.steps) or 1.0
        index = self._index(step_id)
        done = sum(s.weight for s in self.steps[:index] if s.status in DONE_STEPS)
        self.fraction = min(1.0, (done + self.steps[index].weight * fraction) / total)
        self._emit(force)

    def as_steps(self) -> list[dict[str, str]]:
        return [s.as_dict() for s in self.steps]
