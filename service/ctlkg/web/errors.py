"""Our typed errors mapped to HTTP in one place; the unexpected becomes a logged 500 with a generic body.

Bodies are JSON: ``{"status", "error", "message"}`` and, for a refused write, the SHACL ``report``.
No stack trace or exception text of an unexpected error ever reaches a client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from http import HTTPStatus

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ctlkg import errors
from ctlkg.errors import clip

log = logging.getLogger(__name__)

def error_response(
    status: int, message: str, *, report: object = None, reason: str | None = None
) -> JSONResponse:
    body: dict[str, object] = {"status": status, "error": HTTPStatus(status).phrase, "message": message}
    if reason is not None:
        body["reason"] = reason
    if report is not None:
        body["report"] = report
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="ctlkg"'
    elif status in (503, 504):
        headers["Retry-After"] = "5"
    return JSONResponse(body, status_code=status, headers=headers)


#: An error as a page for a client that asked for HTML, or None for the JSON (``web.html.error_page``).
PageRenderer = Callable[[Request, int, str], Response | None]


def answer(request: Request, status: int, message: str, *, report: object = None,
           reason: str | None = None) -> Response:
    """The JSON error, or the page the app renders for a browser, with the same status and headers."""
    json_answer = error_response(status, message, report=report, reason=reason)
    page: PageRenderer | None = getattr(request.app.state, "error_page", None)
    shown = page(request, status, message) if page is not None and report is None else None
    if shown is None:
        return json_answer
    for name in ("www-authenticate", "retry-after"):
        if name in json_answer.headers:
            shown.headers[name] = json_answer.headers[name]
    return shown


async def _known(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.CtlkgError)
    status = exc.status_code  # declared by the error's class
    if status == 500:
        return await _unexpected(request, exc)
    report = exc.report if isinstance(exc, errors.WriteRefused) else None
    return answer(request, status, str(exc), report=report, reason=getattr(exc, "reason", None))


#: What must not reach a log line verbatim: a decoded %0A in a path would start a forged line of its own.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def loggable(text: str) -> str:
    """A client's text (a path) as a log line may hold it: control characters escaped, and clipped."""
    return clip(_UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text))


#: The scope key where ``middleware.HeadAsGet`` keeps the method the client sent.
SENT_METHOD = "ctlkg.sent_method"


def sent_method(request: Request) -> str:
    """The method the client sent, for the messages that name it: a HEAD is routed as GET."""
    return str(request.scope.get(SENT_METHOD, request.method))


def _logged(request: Request) -> str:
    return f"{loggable(sent_method(request))} {loggable(request.url.path)}"


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s", _logged(request), exc_info=exc)
    return answer(request, 500, "internal error; the server log has the details")


async def _gone(request: Request, exc: Exception) -> Response:
    """The client closed the connection before sending the whole body: its business, not a fault of
    ours, so one line in the log; the answer goes nowhere, but the access log shows its status."""
    log.info("client disconnected before the body was read: %s", _logged(request))
    return error_response(400, "the connection closed before the whole request body arrived")


async def _invalid(request: Request, exc: Exception) -> Response:
    """A parameter FastAPI could not read (``?inferred=maybe``): our 400, not its 422 listing internals."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for problem in exc.errors():
        where = " ".join(str(part) for part in problem.get("loc", ())[1:]) or "request"
        problems.append(f"parameter '{where}': {problem.get('msg', 'not valid')}")
    return answer(request, 400, "; ".join(problems) or "a parameter is not valid")


async def _http(request: Request, exc: Exception) -> Response:
    """Starlette's own answers (no such path, method not allowed) in our error shape."""
    assert isinstance(exc, HTTPException)
    message = str(exc.detail)
    if exc.status_code == 404:
        message = ("nothing is served at this path; the home page / links to the pages and the data, and "
                   "/openapi.json lists every route of the API")
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
        method = clip(sent_method(request))
        message = f"{method} is not allowed here" + (f"; use {allowed}" if allowed else "")
    response = answer(request, exc.status_code, message)
    response.headers.update(exc.headers or {})
    return response


def install(app: FastAPI, page: PageRenderer | None = None) -> None:
    """The error mapping (``web.openapi`` gives the OpenAPI document's account of it); ``page`` renders an
    error for a browser that asked for HTML."""
    app.state.error_page = page
    app.add_exception_handler(errors.CtlkgError, _known)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(ClientDisconnect, _gone)
    app.add_exception_handler(Exception, _unexpected)
