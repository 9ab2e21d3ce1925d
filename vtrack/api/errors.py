"""Domain errors to HTTP in one place: a status and a one-sentence `detail` for a person."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from vtrack.errors import PromptNotUnderstood, VTrackError


def install_error_handlers(app: FastAPI) -> None:
    """VTrackError -> its http_status; request validation -> 400 (documented so in OpenAPI)."""

    @app.exception_handler(VTrackError)
    async def domain_error(_: Request, exc: VTrackError) -> JSONResponse:
        body: dict = {"detail": exc.message}
        if isinstance(exc, PromptNotUnderstood):
            body["suggestions"] = exc.suggestions
        return JSONResponse(body, status_code=exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', [])[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors()
        )
        return JSONResponse({"detail": f"Invalid request: {problems}"}, status_code=400)

    app.openapi = lambda: _truthful_openapi(app)  # type: ignore[method-assign]


def _truthful_openapi(app: FastAPI) -> dict:
    """The generated schema, with request validation errors documented as what they are here:
    400 with a one-sentence `detail` (see `validation_error`), not FastAPI's default 422 list."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, routes=app.routes, description=app.description
    )
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            default = responses.get("422", {})
            if "HTTPValidationError" in str(default):
                del responses["422"]
                responses.setdefault(
                    "400",
                    {
                        "description": "a request field is missing or invalid",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorBody"}
                            }
                        },
                    },
                )
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    app.openapi_schema = schema
    return schema
