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

from ctlkg.build import writes
from ctlkg.config import Settings
from ctlkg.engine import writer
from ctlkg.engine.pool import Pool
from ctlkg.errors import Forbidden, NotAuthenticated, QueryRefused
from ctlkg.sparql import lexer, operation
from ctlkg.sparql.backend import Backend
from ctlkg.web.api.sparql_query import refuse_services, refuse_too_complex
from ctlkg.web.base_url import public_base

RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Applied: the new graph sizes and the validation report (warnings only)."},
    400: {"description": "The update does not parse, uses LOAD, SERVICE or using-graph-uri."},
    401: {"description": "No bearer token."},
    403: {"description": "Wrong token, no token configured on the server, or a write outside the data."},
    422: {"description": "Refused: the data would break a shape; the body carries the SHACL report."},
}


#: A write's trial (validation and derivation of the whole data) may take this many query time limits.
WRITE_TIMEOUT_FACTOR = 4


class Updates:
    """The handler, with a lock so that writes (read, validate, replace) never interleave; the update's
    text is tried in ``pool``'s fenced worker, never in this process."""

    def __init__(
        self, settings: Settings, backend: Backend, on_change: Callable[[], None], pool: Pool
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.on_change = on_change
        self.pool = pool
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
        secret = expected.get_secret_value().encode("utf-8")
        if not hmac.compare_digest(given.strip().encode("utf-8"), secret):
            raise Forbidden("the bearer token is not valid")

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
        refuse_services(outline, (), fenced=True)  # a write's worker never has a socket
        outcome = await self.commit(text, base_iri=public_base(request, self.settings) + "sparql")
        return JSONResponse({
            "message": "update applied",
            "triples": {"data": outcome.data_triples, "inferred": outcome.inferred_triples},
            "report": outcome.report,
        })


    def _apply(self, text: str, base_iri: str | None) -> writes.Outcome:
        with self._applying:
            tried = writer.attempt(self.pool, self.backend, text, known=self._known, base_iri=base_iri,
                                   timeout=WRITE_TIMEOUT_FACTOR * self.settings.query_timeout)
            self.backend.replace_graphs(tried.graphs)
            self._known = tried.outcome.violations
            self.on_change()
            return tried.outcome

    async def commit(self, text: str, *, base_iri: str | None = None) -> writes.Outcome:
        """Apply an update as one validated transaction, all or nothing; writes never interleave.

        The trial has a time limit of its own (a killed trial changes nothing); storing what passed does not,
        since a write stopped half-way could still land after we answered. The Graph Store Protocol writes
        through here too.
        """
        async with self._lock:
            return await asyncio.to_thread(self._apply, text, base_iri)


def router(handlers: Updates) -> APIRouter:
    """The /sparql/update route, for create_app to include (the handlers are shared with the Graph Store)."""
    api = APIRouter(tags=["SPARQL"])
    api.add_api_route("/sparql/update", handlers.update, methods=["POST"], responses=RESPONSES,
                      response_class=Response, summary="SPARQL 1.1 Protocol update endpoint (token required)")
    return api
