"""Run one workflow on many videos from the command line: same fields, pipeline and files as the
API, each file in its own scratch folder, outputs moved where the user asked."""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from vtrack.cli.console import BatchDisplay, Row, quiet_native_output, summary_table
from vtrack.cli.options import form_fields
from vtrack.config import Settings
from vtrack.errors import VTrackError
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.progress import Progress, StepStatus
from vtrack.workflows.catalog import WORKFLOWS
from vtrack.workflows.declaration import Workflow, WorkflowForm


def expand_inputs(patterns: list[str]) -> list[Path]:
    """Files named, and files matching glob patterns (sorted); a pattern that matches nothing
    stays as given, so it is reported as a failed input rather than silently skipped."""
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else []
        found += [Path(m) for m in matches if Path(m).is_file()] or [Path(pattern)]
    return list(dict.fromkeys(found))


class OutputPlan:
    """Where each output of each input goes: `-o FILE.mp4` (one input) puts the main video
    there and the rest beside it; otherwise `<folder>/<input name>_<output file>`."""

    def __init__(self, args: argparse.Namespace, workflow: Workflow, inputs: list[Path]):
        self.workflow = workflow
        out = Path(args.output) if args.output else None
        main_suffix = Path(workflow.main_output.file).suffix
        self.file = out if out and len(inputs) == 1 and out.suffix == main_suffix else None
        self.folder = out if out and self.file is None else None
        self.masks = Path(args.masks) if getattr(args, "masks", None) and len(inputs) == 1 else None
        self.prefixes = self._prefixes(inputs)

    @staticmethod
    def _prefixes(inputs: list[Path]) -> dict[Path, str]:
        prefixes: dict[Path, str] = {}
        for path in inputs:
            name, n = path.stem, 1
            while name in prefixes.values():
                n += 1
                name = f"{path.stem}-{n}"
            prefixes[path] = name
        return prefixes

    def destination(self, source: Path, key: str, name: str) -> Path:
        if self.masks is not None and key == "masks_url":
            return self.masks
        if self.file is not None:
            if key == self.workflow.main_output.key:
                return self.file
            return self.file.with_name(f"{self.file.stem}_{name}")
        folder = self.folder if self.folder is not None else source.parent
        return folder / f"{self.prefixes[source]}_{name}"


def _describe(result: dict[str, Any]) -> str:
    said = result.get("ai_response")
    counts = f"object on {result['frames_with_object']}/{result['frame_count']} frames"
    return f"{counts}. {said}" if said else counts


def _current_step(progress: Progress) -> str:
    running = [s.label for s in progress.steps if s.status == StepStatus.PROCESSING]
    return running[-1] if running else ""


@dataclass
class Batch:
    """One workflow with one set of fields, over many videos."""

    workflow: Workflow
    form: WorkflowForm
    plan: OutputPlan
    engines: EngineCache
    settings: Settings
    verbose: bool = False

    def run_file(self, source: Path, on_progress: Callable[[Progress], None]) -> tuple[dict, list]:
        """Run the workflow on one video in a scratch folder; move its outputs into place."""
        workflow, settings = self.workflow, self.settings
        with tempfile.TemporaryDirectory(prefix="vtrack-") as tmp:
            task_dir = Path(tmp)
            linked = task_dir / ("input" + source.suffix.lower())
            try:
                os.symlink(source.resolve(), linked)
            except OSError:
                shutil.copyfile(source, linked)
            video = workflow.open_upload(linked, self.form, settings)
            params = workflow.job_params(self.form, video, self.engines, source.name)
            progress = Progress(workflow.steps(), notices=list(video.fmt.notices))
            progress.on_change = on_progress
            result = workflow.run(params, task_dir, self.engines, settings, progress)
            written = []
            for key, name in result["files"].items():
                target = self.plan.destination(source, key, name)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(task_dir / name, target)
                written.append(target)
            result["notices"] = progress.notices
            return result, written

    def run_row(self, display: BatchDisplay, index: int, source: Path) -> Row:
        """One file, start to end, as a summary row; a failure is reported, never raised."""
        display.started(index)
        started = time.monotonic()

        def on_progress(progress: Progress) -> None:
            display.update(index, progress.fraction, _current_step(progress))

        try:
            if not source.is_file():
                raise VTrackError(f"No such file: {source}")
            result, written = self.run_file(source, on_progress)
        except VTrackError as exc:
            display.ended(index, False, "failed")
            return Row(source.name, False, time.monotonic() - started, exc.message)
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
            display.ended(index, False, "failed")
            detail = traceback.format_exc() if self.verbose else f"{type(exc).__name__}: {exc}"
            return Row(
                source.name, False, time.monotonic() - started, f"Processing failed: {detail}"
            )
        display.ended(index, True, "done")
        notices = " ".join(result.get("notices") or [])
        text = _describe(result) + (f" ({notices})" if notices else "")
        shown = [p.name if p.parent.resolve() == Path.cwd().resolve() else str(p) for p in written]
        return Row(source.name, True, time.monotonic() - started, text, shown)


def run_batch(args: argparse.Namespace, settings: Settings) -> int:
    """`vtrack track|text|remove VIDEO...`: 0 when every file worked, 1 when any failed, 2 for
    options the workflow does not accept."""
    workflow = WORKFLOWS[args.workflow]
    errors = Console(stderr=True)
    try:
        form = workflow.parse_form(form_fields(args, workflow))
    except VTrackError as exc:
        errors.print(f"[red]error:[/] {exc.message}", highlight=False)
        return 2
    inputs = expand_inputs(args.inputs)
    plan = OutputPlan(args, workflow, inputs)
    batch = Batch(workflow, form, plan, EngineCache(settings), settings, args.verbose)
    names = [p.name for p in inputs]
    with (
        quiet_native_output(enabled=not args.verbose) as stream,
        BatchDisplay(names, stream) as display,
    ):
        rows = [batch.run_row(display, i, source) for i, source in enumerate(inputs)]
    Console().print(summary_table(rows))
    failed = sum(not r.ok for r in rows)
    if failed:
        errors.print(f"{failed} of {len(rows)} file(s) failed.", highlight=False)
    return 1 if failed else 0
