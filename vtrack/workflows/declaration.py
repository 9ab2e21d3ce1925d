"""What a workflow declaration holds, and how its request fields are read.

A `Workflow` is the one place a workflow is described: its name (the job kind), its endpoint,
its CLI command, its steps, its request fields (a pydantic model), its output files, its result
fields (a pydantic model) and how it runs. The job worker, the API (routes, request schema,
response models, result URLs) and the CLI (options, output names) are all derived from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vtrack.config import Settings
from vtrack.errors import InvalidInput
from vtrack.pipelines.engine_cache import EngineCache
from vtrack.pipelines.outputs import MediaKind, Output, OutputFiles
from vtrack.pipelines.progress import Progress, Step
from vtrack.pipelines.video_io import OpenedVideo, open_video


class WorkflowForm(BaseModel):
    """Request fields of a workflow (multipart form fields in the API, options in the CLI)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    accept_cut_off: bool = Field(
        False,
        description="a file cut off before its end is refused (400); true: work on the part "
        "that is there, with a notice naming what is missing",
    )

    # Sentences for problems with a field, where the generic one says too little: keyed by
    # "field:error type" (e.g. "prompt:missing") or by "field" for any problem with it.
    messages: ClassVar[dict[str, str]] = {}


class WorkflowResult(BaseModel):
    """Result fields of a workflow besides its files (counts, the AI's answer, ...)."""

    model_config = ConfigDict(extra="allow")

    frame_count: int
    frames_with_object: int


# (form, probed video, engines) -> the job's stored parameters.
ParamBuilder = Callable[[Any, OpenedVideo, EngineCache], dict[str, Any]]
# (params, output files, engines, settings, progress) -> result fields (files are added).
Runner = Callable[[Mapping[str, Any], OutputFiles, EngineCache, Settings, Progress], dict[str, Any]]


@dataclass(frozen=True)
class Workflow:
    name: str  # the job kind stored with each job, e.g. "track_point"
    endpoint: str  # e.g. "/api/track-point"
    command: str  # the CLI subcommand, e.g. "track"
    summary: str
    steps: Callable[[], list[Step]]
    form: type[WorkflowForm]
    outputs: tuple[Output, ...]
    result: type[WorkflowResult]
    build: ParamBuilder
    runner: Runner

    def output(self, key: str) -> Output:
        return next(o for o in self.outputs if o.key == key)

    @property
    def main_output(self) -> Output:
        """The file a person asked for (the CLI's `-o`): the first video of the seed's answer."""
        return next(o for o in self.outputs if o.seed and o.kind == MediaKind.VIDEO)

    def expected_files(self, params: Mapping[str, Any]) -> dict[str, str | None]:
        """Every output's file name as it will be for `params` (None: it won't be written)."""
        return {o.key: o.expected(params) for o in self.outputs}

    def parse_form(self, fields: Mapping[str, str]) -> WorkflowForm:
        return parse_form(self.form, fields)

    def open_upload(self, path: Path, form: WorkflowForm, settings: Settings) -> OpenedVideo:
        """Probe and validate an upload for this request (raises a domain error if unusable)."""
        return open_video(path, settings, accept_cut_off=form.accept_cut_off)

    def job_params(
        self,
        form: WorkflowForm,
        video: OpenedVideo,
        engines: EngineCache,
        filename: str | None,
    ) -> dict[str, Any]:
        """What a job of this workflow stores: the request, checked against the video."""
        params = self.build(form, video, engines)
        params.update(
            video=video.probe.path.name,
            filename=filename,
            has_audio=video.probe.has_audio,
            accept_cut_off=form.accept_cut_off,
        )
        return params

    def run(
        self,
        params: Mapping[str, Any],
        task_dir: Path,
        engines: EngineCache,
        settings: Settings,
        progress: Progress,
    ) -> dict[str, Any]:
        """Run the pipeline in `task_dir`; the result holds its fields and `files` (key -> name)."""
        files = OutputFiles(task_dir, self.outputs, params)
        fields = self.runner(params, files, engines, settings, progress)
        result = self.result.model_validate(fields).model_dump(mode="json")
        result["files"] = dict(files.written)
        return result


def parse_form(model: type[WorkflowForm], fields: Mapping[str, str]) -> WorkflowForm:
    """Validate raw form fields; a problem becomes InvalidInput with one plain sentence."""
    # An empty field is the same as a missing one (HTML forms send "" for untouched inputs).
    present = {k: v for k, v in fields.items() if isinstance(v, str) and v.strip() != ""}
    try:
        return model.model_validate(present)
    except ValidationError as exc:
        raise InvalidInput(describe_problem(model, exc.errors()[0])) from exc


def _bounds(model: type[BaseModel], name: str) -> tuple[Any, Any]:
    """The field's declared limits (minimum, maximum), for "must be between ... and ..."."""
    found: dict[str, Any] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("minimum", "maximum"):
                if key in node:
                    found.setdefault(key, node[key])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(model.model_json_schema().get("properties", {}).get(name, {}))
    return found.get("minimum"), found.get("maximum")


_NUMBER = ("float_parsing", "float_type")
_WHOLE = ("int_parsing", "int_type", "int_from_float")
_RANGE = ("finite_number", "greater_than_equal", "less_than_equal", "greater_than", "less_than")


def describe_problem(model: type[WorkflowForm], error: Mapping[str, Any]) -> str:
    """One pydantic error as a sentence a person understands."""
    loc = [str(p) for p in error.get("loc", ())]
    name = loc[0] if loc else "request"
    kind = str(error.get("type", ""))
    given = str(error.get("input", ""))[:40]
    custom = model.messages.get(f"{name}:{kind}") or model.messages.get(name)
    if custom:
        return custom
    if kind == "missing":
        return f"The field '{name}' is required."
    if kind in _NUMBER:
        return f"The field '{name}' must be a number, got '{given}'."
    if kind in _WHOLE:
        return f"The field '{name}' must be a whole number, got '{given}'."
    if kind in _RANGE:
        low, high = _bounds(model, name)
        if low is not None and high is not None:
            return f"The field '{name}' must be between {low:g} and {high:g}."
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return f"The field '{name}' is too long (limit {limit} characters)."
    message = str(error.get("msg", kind))
    if kind in ("value_error", "assertion_error"):
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"The field '{name}' is not valid: {message}."
