"""The workflow endpoints (track-point, text-to-video, remove-object), one per declaration.

Each route, its multipart request schema and its response model come from the workflow's
declaration in `vtrack.workflows.catalog`; nothing here names a workflow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel

from vtrack.api.models import SUBMIT_MODELS, ErrorBody
from vtrack.api.submit import submit
from vtrack.workflows.catalog import WORKFLOWS
from vtrack.workflows.declaration import Workflow

router = APIRouter()

VIDEO_FIELD = {
    "type": "string",
    "format": "binary",
    "description": "the video file (MP4, WebM, MOV, AVI or MKV; the container is probed)",
}
WAIT_DOC = (
    "true: answer when the job is done (the default); false: answer 202 at once. "
    "Wins over the Prefer header."
)
PREFER_DOC = "'respond-async' (RFC 7240): answer 202 at once with Location: /api/task/{id}."
ERRORS = {
    400: "bad fields, a video too long, a file cut off",
    408: "the upload stalled",
    413: "over the size limit",
    415: "not a video we can decode",
    422: "a text prompt the engine can't ground (with suggestions)",
    503: "too many jobs are waiting",
}


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """Replace local `$ref`s by their definitions (a form schema must stand on its own)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def multipart_body(form: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a workflow: the video file plus the form model's fields."""
    schema = form.model_json_schema()
    schema = _inline_refs(schema, schema.get("$defs", {}))
    body = {
        "title": schema.get("title", form.__name__),
        "type": "object",
        "required": ["video", *schema.get("required", [])],
        "properties": {"video": VIDEO_FIELD, **schema.get("properties", {})},
    }
    if schema.get("description"):
        body["description"] = schema["description"]
    content = {"multipart/form-data": {"schema": body}}
    return {"requestBody": {"required": True, "content": content}}


def _responses(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    responses: dict[int | str, dict[str, Any]] = {
        202: {"model": model, "description": "Accepted: the job runs; follow Location"},
    }
    for code, what in ERRORS.items():
        responses[code] = {"model": ErrorBody, "description": what}
    return responses


def _endpoint(workflow: Workflow) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def endpoint(
        request: Request,
        response: Response,
        wait: bool | None = Query(None, description=WAIT_DOC),
        prefer: str | None = Header(None, description=PREFER_DOC),
    ) -> dict[str, Any]:
        return await submit(request, response, workflow, wait, prefer)

    endpoint.__name__ = workflow.name
    endpoint.__doc__ = (
        f"{workflow.summary}. Answers when the job is done (200, every URL live), or at once "
        "(202, URLs answer 404 until the task completes) with `Prefer: respond-async`."
    )
    return endpoint


for _workflow in WORKFLOWS.values():
    router.add_api_route(
        _workflow.endpoint,
        _endpoint(_workflow),
        methods=["POST"],
        response_model=SUBMIT_MODELS[_workflow.name],
        responses=_responses(SUBMIT_MODELS[_workflow.name]),
        summary=_workflow.summary,
        openapi_extra=multipart_body(_workflow.form),
        tags=["workflows"],
    )
