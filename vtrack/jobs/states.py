"""The job state machine: one status enum, and every allowed transition in one table.

Both stores (SQLite and Redis) apply a transition only when the job is in one of its source
states (and, for a worker's writes, still run by that worker), atomically; so no store can make
a move this table does not allow.

    pending ──claim──> processing ──finish──> complete
       │                 │  │  └────fail / abandon──> error
       │                 │  └─────stop (cancel reached the run)──> cancelled
       └──cancel──> cancelled    └─requeue (its worker died, attempts left)──> pending
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class JobStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETE = "complete"
    ERROR = "error"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


TERMINAL: tuple[JobStatus, ...] = (JobStatus.COMPLETE, JobStatus.ERROR, JobStatus.CANCELLED)
ACTIVE: tuple[JobStatus, ...] = (JobStatus.PENDING, JobStatus.PROCESSING)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[JobStatus, ...]
    target: JobStatus
    # A worker's own write: applies only while that worker still runs the job (a job reaped
    # from a frozen worker and run elsewhere must not be overwritten by the old run).
    by_worker: bool = False


CLAIM = Transition("claim", (JobStatus.PENDING,), JobStatus.PROCESSING)
FINISH = Transition("finish", (JobStatus.PROCESSING,), JobStatus.COMPLETE, by_worker=True)
FAIL = Transition("fail", (JobStatus.PROCESSING,), JobStatus.ERROR, by_worker=True)
STOP = Transition("stop", (JobStatus.PROCESSING,), JobStatus.CANCELLED, by_worker=True)
CANCEL = Transition("cancel", (JobStatus.PENDING,), JobStatus.CANCELLED)
REQUEUE = Transition("requeue", (JobStatus.PROCESSING,), JobStatus.PENDING)
ABANDON = Transition("abandon", (JobStatus.PROCESSING,), JobStatus.ERROR)
# The reaper ends a dead worker's job that the user had asked to cancel.
REAP_CANCELLED = Transition("reap_cancelled", (JobStatus.PROCESSING,), JobStatus.CANCELLED)

TRANSITIONS: dict[str, Transition] = {
    t.name: t for t in (CLAIM, FINISH, FAIL, STOP, CANCEL, REQUEUE, ABANDON, REAP_CANCELLED)
}


def ending(status: JobStatus | str) -> Transition:
    """The worker's transition that ends a run with `status` (complete, error or cancelled)."""
    return {JobStatus.COMPLETE: FINISH, JobStatus.ERROR: FAIL, JobStatus.CANCELLED: STOP}[
        JobStatus(status)
    ]


def allowed(transition: Transition, current: JobStatus | str) -> bool:
    return JobStatus(current) in transition.sources
