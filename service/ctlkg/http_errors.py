"""Our typed errors mapped to HTTP in one place; the unexpected becomes a logged 500 with a generic body.

Bodies are JSON: ``{"status", "error", "message"}`` and, for a refused write, the SHACL ``report``.
No stack trace or exception text of an unexpected error ever reaches a client.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ctlkg import errors

log = logging.getLogger("ctlkg.server")

#: Most specific first: the first class an error is an instance of decides its status.
STATUS: list[tuple[type[errors.CtlkgError], int]] = [
    (errors.QuerySyntaxError, 400),
    (errors.QueryRefused, 400),
    (errors.NotAuthenticated, 401),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.NotAcceptable, 406),
    (errors.RequestTooLarge, 413),
    (errors.UnsupportedMediaType, 415),
    (errors.WriteRefused, 422),
    (errors.ValidationFailed, 422),
    (errors.BackendError, 502),
    (errors.UpstreamTimeout, 504),
    (errors.QueryTimeout, 503),
]


def status_of(error: errors.CtlkgError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 500)


def error_response(status: int, message: str, *, report: object = None) -> JSONResponse:
    body: dict[str, object] = {"status": status, "error": HTTPStatus(status).phrase, "message": message}
    if report is not None:
        body["report"] = report
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="ctlkg"'
    elif status in (503, 504):
        headers["Retry-After"] = "5"
    return JSONResponse(body, status_code=status, headers=headers)


async def _known(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.CtlkgError)
    status = status_of(exc)
    if status == 500:
        return await _unexpected(request, exc)
    report = exc.report if isinstance(exc, errors.WriteRefused) else None
    return error_response(status, str(exc), report=report)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal error; the server log has the details")


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.CtlkgError, _known)
    app.add_exception_handler(Exception, _unexpected)
