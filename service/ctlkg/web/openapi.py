"""The OpenAPI document at /openapi.json: what FastAPI generates, told what the service really answers.

FastAPI names an operation by its route's first method (``fastapi.utils.generate_unique_id``), so a route
that lists two methods documents both under one operationId. ``per_method`` registers one route a method
instead, and every operationId is unique without renaming anything afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI

#: The body of every error, as the document describes it.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "error", "message"],
    "properties": {
        "status": {"type": "integer"},
        "error": {"type": "string"},
        "message": {"type": "string"},
        "report": {"type": "object", "description": "The SHACL validation report of a refused write."},
    },
}
_DEFAULT_RESPONSE = {
    "description": "An error (a missing resource, a method or media type not allowed, a body too large, "
    "a busy server or a query over its time limit): JSON with the status and a message.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def per_method(
    api: APIRouter, path: str, endpoint: Callable[..., Any], methods: Sequence[str], **options: Any
) -> None:
    """``api.add_api_route`` once for each method, so that each gets its own operationId. A HEAD route is
    documentation only: the ``HeadAsGet`` middleware routes every HEAD as its GET."""
    for method in methods:
        api.add_api_route(path, endpoint, methods=[method], **options)


def readable_routes(
    api: APIRouter, table: Sequence[tuple[str, Callable[..., Any], str]], **options: Any
) -> None:
    """A GET route (and its HEAD, for the document) for each (path, handler, summary) of ``table``: the
    pages and the linked data are tables of such routes."""
    for path, handler, summary in table:
        per_method(api, path, handler, ("GET", "HEAD"), summary=summary, **options)


def document(app: FastAPI) -> None:
    """The document says 400 where FastAPI would have said 422, since that is what we send, and every
    operation documents the shape of its errors."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                if responses.get("422", {}).get("description") == "Validation Error":  # FastAPI's own
                    del responses["422"]
                    responses.setdefault("400", {"description": "A parameter is missing or not valid."})
                responses.setdefault("default", _DEFAULT_RESPONSE)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        components["Error"] = ERROR_SCHEMA
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
