"""The SPARQL 1.1 Protocol update operation at /sparql/update: only with the server's bearer token,
and only writes that keep the data valid against the SHACL shapes.
"""

from __future__ import annotations

import asyncio
import hmac
import threading
from collections.abc import Callable

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ctlkg import lexer, operation, writes
from ctlkg.backend import Backend
from ctlkg.config import Settings
from ctlkg.errors import Forbidden, NotAuthenticated, QueryRefused
from ctlkg.sparql_protocol import refuse_services, refuse_too_complex

RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Applied: the new graph sizes and the validation report (warnings only)."},
    400: {"description": "The update does not parse, uses LOAD, SERVICE or using-graph-uri."},
    401: {"description": "No bearer token."},
    403: {"description": "Wrong token, no token configured on the server, or a write outside the data."},
    422: {"description": "Refused: the data would break a shape; the body carries the SHACL report."},
}


class Updates:
    """The handler, with a lock so that writes (read, validate, replace) never interleave."""

    def __init__(self, settings: Settings, backend: Backend, on_change: Callable[[], None]) -> None:
        self.settings = settings
        self.backend = backend
        self.on_change = on_change
        self._lock = asyncio.Lock()
        #: Held by the thread that applies a write, so even a write whose request went away (and whose
        #: coroutine was cancelled, releasing the asyncio lock) finishes before the next one starts.
        self._applying = threading.Lock()
        self._known: frozenset[writes.Violation] | None = None

    def authorise(self, request: Request) -> None:
        expected = self.settings.write_token
        if expected is None:
            raise Forbidden("this server accepts no updates (it was started without a write token)")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise NotAuthenticated("updates need an 'Authorization: Bearer <token>' header")
        if not hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8")):
            raise Forbidden("the bearer token is not valid")

    def known(self) -> frozenset[writes.Violation]:
        """The violations the stored data has: computed at the first write, then kept up to date."""
        if self._known is None:
            self._known = writes.current_violations(self.backend)
        return self._known

    async def update(self, request: Request) -> Response:
        """Apply a SPARQL update (POST form or application/sparql-update) to the asserted data."""
        self.authorise(request)
        op = await operation.read(request, direct=operation.UPDATE, text_param="update")
        if op.all("query"):
            raise QueryRefused("queries are not accepted here; send them to /sparql")
        if op.all("using-graph-uri") or op.all("using-named-graph-uri"):
            raise QueryRefused("using-graph-uri and using-named-graph-uri are not supported; "
                               "an update's default graph is the asserted data")
        text = op.one("update")
        if text is None:
            raise QueryRefused("no update given: send it as the 'update' parameter or as the body")
        outline = lexer.outline(text, max_tokens=self.settings.max_query_tokens)
        refuse_too_complex(outline, self.settings)
        if outline.loads:
            raise QueryRefused("LOAD is not allowed: this server fetches nothing from outside")
        if outline.form is not None and not outline.is_update:
            raise QueryRefused("this is a query, not an update; send it to /sparql")
        refuse_services(outline, self.settings.service_allowlist)
        await asyncio.to_thread(writes.check_syntax, text)
        outcome = await self.commit(text)
        return JSONResponse({
            "message": "update applied",
            "triples": {"data": outcome.data_triples, "inferred": outcome.inferred_triples},
            "report": outcome.report,
        })


    def _apply(self, text: str) -> writes.Outcome:
        with self._applying:
            outcome = writes.apply(self.backend, text, known=self.known)
            self._known = outcome.violations
            self.on_change()
            return outcome

    async def commit(self, text: str) -> writes.Outcome:
        """Apply an update as one validated transaction, all or nothing; writes never interleave.

        Not under the query time limit: a write stopped half-way could still land after we answered.
        The Graph Store Protocol writes through here too.
        """
        async with self._lock:
            return await asyncio.to_thread(self._apply, text)


def router(
    settings: Settings, backend: Backend, on_change: Callable[[], None], handlers: Updates | None = None
) -> APIRouter:
    """The /sparql/update route, for create_app to include (with ``handlers`` when others share them)."""
    handlers = handlers or Updates(settings, backend, on_change)
    api = APIRouter(tags=["SPARQL"])
    api.add_api_route("/sparql/update", handlers.update, methods=["POST"], responses=RESPONSES,
                      response_class=Response, summary="SPARQL 1.1 Protocol update endpoint (token required)")
    return api
