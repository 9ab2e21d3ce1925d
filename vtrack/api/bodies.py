"""JSON request bodies read with a pydantic model, problems answered as one plain sentence (400).

FastAPI's own body validation answers with a list of machine errors; these endpoints parse the
body themselves (the same way the workflows parse their forms) and declare the model's schema in
OpenAPI, so clients are typed and people get a sentence.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict, ValidationError

from vtrack.api.workflows import _inline_refs
from vtrack.errors import InvalidInput
from vtrack.workflows.declaration import describe_problem

Model = TypeVar("Model", bound=BaseModel)


class JsonBody(BaseModel):
    """A JSON request body; `messages` as in WorkflowForm ("field:error type" or "field")."""

    model_config = ConfigDict(extra="forbid")
    messages: ClassVar[dict[str, str]] = {}


def json_body_doc(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    """`openapi_extra` declaring `model` as the application/json request body."""
    schema = model.model_json_schema()
    schema = _inline_refs(schema, schema.get("$defs", {}))
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": required, "content": content}}


async def parse_json(request: Request, model: type[Model], empty_ok: bool = False) -> Model:
    raw = await request.body()
    if not raw.strip():
        if empty_ok:
            return model()
        raise InvalidInput("Send the request as a JSON object in the body.")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput("The request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        if error.get("type") == "extra_forbidden":
            name = ".".join(str(p) for p in error.get("loc", ()))
            raise InvalidInput(f"Unknown field '{name}'.") from exc
        raise InvalidInput(describe_problem(model, error)) from exc  # type: ignore[arg-type]
