"""ASGI middleware: one log line per request, a cap on request bodies checked before they are read, gzip
for answers that cross a network, HEAD answered wherever GET is, and a query string that must be UTF-8."""

from __future__ import annotations

import abc
import functools
import ipaddress
import logging
import re
import time
from urllib.parse import unquote_to_bytes

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ctlkg.errors import RequestTooLarge
from ctlkg.web.errors import SENT_METHOD, error_response, loggable

access = logging.getLogger("ctlkg.access")


class HttpOnly(abc.ABC):
    """Pure ASGI middleware that acts on HTTP requests (``handle``) and lets anything else (the lifespan)
    through untouched: the shape the middlewares below share."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    @abc.abstractmethod
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """What the middleware does with one HTTP request."""


class AccessLog(HttpOnly):
    """Method, path, status and time; never the query string or headers, where secrets may travel; the
    path escaped and clipped, so a client cannot forge a line or flood the log with one."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            method, path = loggable(scope["method"]), loggable(scope["path"])
            access.info("%s %s %d %.1f ms", method, path, status, elapsed)


class BodyLimit(HttpOnly):
    """Refuse bodies over ``max_bytes`` with 413: at once when Content-Length says so, else while reading."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                response = error_response(413, self._message())
                await response(scope, receive, send)
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLarge(self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return f"the request body is over the limit of {self.max_bytes} bytes"


#: For every answer that sets none of its own: no scripts, styles or frames from anywhere (the pages,
#: rendered by ``templating``, send their own policy with a nonce for the editor's styles).
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
_ALWAYS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"strict-origin-when-cross-origin",
    b"x-frame-options": b"DENY",
    b"content-security-policy": DEFAULT_CSP.encode("ascii"),
}


class SecurityHeaders(HttpOnly):
    """The one place of the headers every answer carries (nosniff, a referrer policy, no framing) and of
    the strict CSP for those that do not carry their own (the pages send theirs, with a nonce)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ALWAYS.items() if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, secured)


@functools.lru_cache(maxsize=1024)
def is_loopback(host: str) -> bool:
    """Whether a client address is this machine's own (127.0.0.0/8, ::1).

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("192.0.2.7"), is_loopback("testclient")
    (True, True, False, False)
    """
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Compression:
    """gzip (level 1, answers over 2 kB) for clients across a network; none for a client on this machine,
    unless ``loopback`` says so. On loopback a 218 kB SPARQL answer took 4.6 ms longer with gzip (deflate
    here, inflate in the client) than without, a fifth of the query's own time, to save bytes that cost
    nothing to move."""

    def __init__(self, app: ASGIApp, *, loopback: bool = False) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=2048, compresslevel=1)
        self.loopback = loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        local = client is not None and is_loopback(client[0])
        if scope["type"] != "http" or (local and not self.loopback):
            await self.app(scope, receive, send)
        else:
            await self.gzip(scope, receive, send)


class HeadAsGet:
    """Route a HEAD as the GET it stands for, so every GET route (pages, /id/..., static files, the API)
    answers HEAD with the same status and headers, with no route having to list HEAD.

    The body is not dropped here: the middleware outside (gzip) must see it to set the same
    Content-Encoding and Content-Length as for the GET, and the server sends no body for a HEAD
    (uvicorn's h11, httptools and zttp protocols all check the method of their own scope, which keeps
    HEAD: only this copy says GET)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = {**scope, "method": "GET", SENT_METHOD: "HEAD"}
        await self.app(scope, receive, send)


#: The same words /sparql uses for a query string it cannot read.
NOT_UTF8 = "the query string is not UTF-8 percent-encoded text"


#: A %-escape of a byte past ASCII: only a query string with one (or with raw bytes past ASCII) can fail.
_HIGH_ESCAPE = re.compile(rb"%[89A-Fa-f][0-9A-Fa-f]")


def utf8_query(raw: bytes) -> bool:
    """Whether a raw query string is UTF-8 once its %-escapes are decoded (names and values alike).

    >>> utf8_query(b"query=ASK%20%7B%7D"), utf8_query(b"q=caf%C3%A9"), utf8_query(b"lang=%FF")
    (True, True, False)
    """
    if raw.isascii() and _HIGH_ESCAPE.search(raw) is None:
        return True
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class Utf8Query:
    """400 for a query string that is not UTF-8 (``?lang=%FF``), checked once for every route: Starlette
    would read the bytes as U+FFFD, and a route answer for a value the client never sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not utf8_query(scope.get("query_string", b"")):
            await error_response(400, NOT_UTF8)(scope, receive, send)
            return
        await self.app(scope, receive, send)
