"""What the terminal shows for a batch: one progress bar per file, a summary table, no noise.

The vision and audio libraries (mediapipe's TF-Lite runtime, absl, glog, protobuf) write log
lines straight to file descriptor 2 from C++; Python's warnings filters cannot reach those. So
while a batch runs, fd 2 points at /dev/null and Python's own stderr (our messages, real
errors, tracebacks) keeps a private copy of the terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

QUIET_ENV = {"GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "3", "ABSL_MIN_LOG_LEVEL": "2"}


def _silence_python_noise() -> None:
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    warnings.filterwarnings("ignore", module=r"google\.protobuf.*")
    warnings.filterwarnings("ignore", category=UserWarning, module=r"(mediapipe|torch|absl).*")
    logging.getLogger().setLevel(logging.ERROR)


@contextlib.contextmanager
def quiet_native_output(enabled: bool = True) -> Iterator[TextIO]:
    """Silence C/C++ log lines on fd 2 (restored after); yields the stream for our own output."""
    if not enabled:
        yield sys.stderr
        return
    _silence_python_noise()
    try:
        sys.stderr.flush()
        uses_fd2 = sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError):
        uses_fd2 = False  # stderr is captured (tests) or not a file: fd 2 is not ours to keep
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    own = os.fdopen(os.dup(saved), "w", buffering=1) if uses_fd2 else sys.stderr
    previous = sys.stderr
    os.dup2(devnull, 2)
    if uses_fd2:
        sys.stderr = own
    try:
        yield own
    finally:
        sys.stderr = previous
        with contextlib.suppress(OSError):
            own.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
        if own is not previous:
            own.close()


@dataclass
class Row:
    name: str
    ok: bool
    seconds: float
    result: str
    outputs: list[str] = field(default_factory=list)


class BatchDisplay:
    """One progress bar per file (steps as they run), then one row per file in a table."""

    def __init__(self, names: list[str], stream: TextIO) -> None:
        self.console = Console(file=stream)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[step]}"),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.tasks: list[TaskID] = [
            self.progress.add_task(name, total=1.0, step="waiting", start=False) for name in names
        ]

    def __enter__(self) -> BatchDisplay:
        self.progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.progress.stop()

    def started(self, index: int) -> None:
        self.progress.start_task(self.tasks[index])

    def update(self, index: int, fraction: float, step: str) -> None:
        self.progress.update(self.tasks[index], completed=fraction, step=step)

    def ended(self, index: int, ok: bool, what: str) -> None:
        task = self.tasks[index]
        self.progress.update(task, completed=1.0 if ok else None, step=what)
        self.progress.stop_task(task)


def summary_table(rows: list[Row]) -> Table:
    table = Table(title="vtrack", show_lines=False)
    for column in ("video", "status", "result", "outputs", "time"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row.name,
            "[green]done[/]" if row.ok else "[red]failed[/]",
            row.result,
            "\n".join(row.outputs),
            f"{row.seconds:.1f} s",
        )
    return table
