"""Response models of every endpoint: the public contract as pydantic types (and so OpenAPI).

The workflow answers are derived from the workflow declarations: their output URLs (the seed's
always present, null when not written) and their result fields. New endpoints (sessions) add
their models here or in their own module and declare them with `response_model=`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from vtrack.jobs.states import JobStatus
from vtrack.pipelines.progress import StepStatus
from vtrack.sessions.tasks import SESSION_TASKS
from vtrack.workflows.catalog import WORKFLOWS
from vtrack.workflows.declaration import Workflow


class ErrorBody(BaseModel):
    """Every 4xx/5xx: `detail` is one sentence written for a person."""

    detail: str
    suggestions: list[str] | None = Field(
        None, description="prompts the engine can ground instead (422 on a text prompt)"
    )


class ProcessingStep(BaseModel):
    id: str
    label: str
    status: StepStatus


class Task(BaseModel):
    """GET /api/task/{id}: the spec's steps/status/error plus progress, result and notices."""

    task_id: str
    kind: str
    status: JobStatus
    steps: list[ProcessingStep]
    progress: float = Field(ge=0, le=1)
    error: str | None
    error_code: int | None
    result: TaskResult
    notices: list[str]
    created_at: float
    finished_at: float | None


class SubmitBase(BaseModel):
    """What every workflow POST answers, besides its own output URLs and result fields."""

    task_id: str
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    processing_steps: list[ProcessingStep]
    notices: list[str]
    task_url: str = Field(description="GET it for the job's status (the 202's Location)")
    events_url: str = Field(description="server-sent events: the task on every change")
    error: str | None = None


class EngineStatus(BaseModel):
    name: str
    kind: str
    description: str
    available: bool
    reason: str
    device: str
    embedded: bool


class ActiveEngines(BaseModel):
    vision: str | None
    audio: str | None
    inpaint: str | None


class Limits(BaseModel):
    max_upload_mb: float
    max_duration_s: float
    max_width: int
    max_height: int
    formats: list[str]


class Health(BaseModel):
    """GET /api/health: the spec's fields plus every engine, the active ones and the limits."""

    status: str
    version: str
    sam3_available: bool = Field(description="SAM 3 can run here AND is the engine in use")
    sam3_setup_valid: bool
    sam3_message: str
    demucs_available: bool
    upload_dir: str
    active_tasks: int
    warming_up: bool = Field(
        description="the engines are still loading at server start (a job submitted now waits "
        "for them)"
    )
    device: str
    engines: dict[str, list[EngineStatus]]
    active: ActiveEngines
    limits: Limits


class RootInfo(BaseModel):
    """GET / for API clients (browsers get the web UI)."""

    status: str
    message: str
    sam3_available: bool
    sam3_setup: str
    vision_engine: str | None
    ui: str | None


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _nullable(annotation: Any) -> Any:
    return annotation | None


def submit_model(workflow: Workflow) -> type[SubmitBase]:
    """The workflow POST's answer: seed output URLs always present (null: not written), the
    other outputs when they will exist, and the result fields (null until the job is done)."""
    fields: dict[str, Any] = {}
    for output in workflow.outputs:
        described = Field(
            ... if output.seed else None,
            description=f"{output.label} ({output.file}){'; ' + output.description if output.description else ''}",
        )
        fields[output.key] = (str | None, described)
    for name, info in workflow.result.model_fields.items():
        fields[name] = (_nullable(info.annotation), Field(..., description=info.description))
    return create_model(
        f"{_camel(workflow.name)}Response",
        __base__=SubmitBase,
        __doc__=f"POST {workflow.endpoint}: {workflow.summary}.",
        **fields,
    )


def task_result_model() -> type[BaseModel]:
    """A task's `result`: every workflow's and session task's output URLs and result fields,
    each optional."""
    fields: dict[str, Any] = {}
    declared = [(w.outputs, w.result) for w in WORKFLOWS.values()]
    declared += [(t.outputs, t.result) for t in SESSION_TASKS.values()]
    for outputs, result in declared:
        for output in outputs:
            fields.setdefault(output.key, (str | None, Field(None, description=output.label)))
        for name, info in result.model_fields.items():
            if name in fields and fields[name][0] != _nullable(info.annotation):
                fields[name] = (Any, Field(None))
            else:
                fields.setdefault(name, (_nullable(info.annotation), Field(None)))
    return create_model(
        "TaskResult",
        __config__=ConfigDict(extra="allow"),
        __doc__="Result URLs (once complete) and result fields of any workflow.",
        **fields,
    )


TaskResult = task_result_model()
Task.model_rebuild()
SUBMIT_MODELS: dict[str, type[SubmitBase]] = {
    name: submit_model(workflow) for name, workflow in WORKFLOWS.items()
}
