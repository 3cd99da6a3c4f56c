"""The SPARQL 1.1 Protocol query operation at /sparql, and its Service Description.

Read-only: an update here is refused. Every query runs under the server's time limit (a client may
ask for less with `timeout`), keeps at most `max_rows` rows, and may call only allow-listed SERVICEs.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ctlkg import errors
from ctlkg.config import Settings
from ctlkg.engine.fenced import FencedBackend
from ctlkg.errors import NotAcceptable, QueryRefused
from ctlkg.sparql import lexer, negotiation, operation, results
from ctlkg.sparql.backend import Backend, Limits
from ctlkg.sparql.negotiation import HTML, Kind
from ctlkg.sparql.result_cache import Answer, ResultCache, bypassed, cacheable
from ctlkg.sparql.runner import Runner
from ctlkg.web import openapi
from ctlkg.web.api import service_description
from ctlkg.web.base_url import public_base

KINDS: dict[str, Kind] = {
    "SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "triples", "DESCRIBE": "triples",
}
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
READ_ONLY = "this endpoint is read-only: updates are not accepted at /sparql (send them to /sparql/update)"
QUERY_PAGE = "/query"

RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "SELECT and ASK results, or the triples of a CONSTRUCT or DESCRIBE; without a query, "
        "the Service Description.",
        "content": {media: {} for media in (*negotiation.OFFERS["solutions"][:4], *negotiation.RDF_TYPES)},
    },
    303: {"description": "A browser asking for HTML is sent to the query page."},
    400: {"description": "The query does not parse (the parser's message), is an update, or calls SERVICE."},
    406: {"description": "No accepted media type can carry this kind of result."},
    413: {"description": "The request is over the size limit."},
    415: {"description": "The POST body is neither a form nor application/sparql-query, or not UTF-8."},
    503: {"description": "The query ran past its time limit, or the server is busy."},
}


def response_headers(media_type: str) -> dict[str, str]:
    content_type = media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")
    return {"Content-Type": content_type, "Vary": "Accept"}


def refuse_too_complex(outline: lexer.Outline, settings: Settings) -> None:
    """Texts past the size or nesting limits are refused before any engine sees them: engines parse
    and walk the algebra recursively, and a deep or long enough text (a few thousand nested groups,
    ten thousand UNIONs) overflows a thread's stack and takes the whole process down."""
    if outline.size > settings.max_query_tokens:
        raise QueryRefused(f"the text has more than {settings.max_query_tokens} tokens, the most accepted")
    if outline.depth > settings.max_query_depth:
        raise QueryRefused(f"the text nests brackets or operators {outline.depth} deep; "
                           f"at most {settings.max_query_depth} is accepted")


def refuse_services(outline: lexer.Outline, allowlist: tuple[str, ...], *, fenced: bool = False) -> None:
    """SERVICE calls leave our machine on a client's behalf: only allow-listed endpoints may be called.

    On the embedded store this is a first, readable refusal only: its query workers cannot open a socket
    at all (``engine.fence``), so there (``fenced``) SERVICE SILENT is let through, since the spec makes a
    failed SILENT call yield one empty solution. A remote engine has its network: everything is refused."""
    for target in outline.services:
        if target not in allowlist and not (fenced and target in outline.silent_services):
            named = target and not target.startswith("?")
            shown = f"<{errors.clip(target)}>" if named else errors.clip(target or "(missing)")
            raise QueryRefused(f"SERVICE {shown} is not allowed here; this server calls no outside endpoint "
                               "that is not on its allow-list")


class Protocol:
    """The handlers, holding what they answer from (no globals, no closures)."""

    def __init__(self, settings: Settings, backend: Backend, runner: Runner, answers: ResultCache) -> None:
        self.settings = settings
        self.backend = backend
        self.runner = runner
        self.answers = answers
        #: The embedded store's workers write answers themselves, and cannot reach the network.
        self.native = backend if isinstance(backend, FencedBackend) else None

    async def sparql(self, request: Request) -> Response:
        """Answer a query (GET, POST form, POST direct); with no query, describe the service."""
        op = await operation.read(request, direct=operation.QUERY, text_param="query")
        if op.all("update"):
            raise QueryRefused(READ_ONLY)
        query = op.one("query")
        if query is None:
            if request.method == "POST":
                raise QueryRefused("no query given: send it as the 'query' parameter or as the body")
            return await self.describe(request, op)
        return await self.answer(request, op, query)

    def _timeout(self, op: operation.Operation) -> float:
        given = op.one("timeout")
        if given is None:
            return self.settings.query_timeout
        try:
            seconds = float(given)
        except ValueError:
            seconds = 0.0
        if not seconds > 0:
            raise QueryRefused(f"timeout must be a positive number of seconds, not {errors.shown(given)}")
        return min(seconds, self.settings.query_timeout)

    async def answer(self, request: Request, op: operation.Operation, query: str) -> Response:
        outline = lexer.outline(query, max_tokens=self.settings.max_query_tokens)
        refuse_too_complex(outline, self.settings)
        if outline.is_update:
            raise QueryRefused(READ_ONLY)
        fenced = self.native is not None and not self.settings.service_allowlist
        refuse_services(outline, self.settings.service_allowlist, fenced=fenced)
        accept, format_name = request.headers.get("accept"), op.all("format")
        kind = KINDS.get(outline.form or "")
        media = negotiation.choose(kind, accept=accept, format_name=format_name, html=True) if kind else None
        if kind is not None and media is None:
            raise NotAcceptable(f"a {outline.form} result cannot be sent in any accepted media type; "
                                f"try one of {', '.join(negotiation.OFFERS[kind][:6])}")
        if media == HTML:
            pairs = [("query", query)] + [(k, v) for k in DATASET_PARAMS for v in op.all(k)]
            return RedirectResponse(QUERY_PAGE + "?" + urlencode(pairs), status_code=303)
        dataset, timeout = op.dataset(), self._timeout(op)
        limits = Limits(max_rows=self.settings.max_rows, timeout=timeout)
        base_iri = public_base(request, self.settings) + "sparql"
        key = None
        if self.answers.enabled and cacheable(query, outline.services):
            key = (query, dataset, accept, tuple(format_name), base_iri)
            kept = None if bypassed(request.headers.get("cache-control")) else self.answers.get(key)
            if kept is not None:
                return self._response(kept, "hit")
        generation = self.answers.generation

        def work() -> tuple[bytes, str, bool]:
            result = self.backend.run(query, dataset=dataset, limits=limits, base_iri=base_iri)
            chosen = media or negotiation.choose(results.kind_of(result), accept=accept,
                                                 format_name=format_name)
            if chosen is None:
                raise NotAcceptable("the result cannot be sent in any accepted media type")
            truncated = bool(getattr(result, "truncated", False))
            return results.serialize(result, chosen), chosen, truncated

        if self.native is not None:  # the engine writes the answer itself, in its worker; no thread here
            offers: dict[Kind, str | None] = {
                k: media if k == kind and media
                else negotiation.choose(k, accept=accept, format_name=format_name)
                for k in ("solutions", "boolean", "triples")
            }
            body, chosen, truncated = await self.native.aanswer(query, dataset=dataset, limits=limits,
                                                                base_iri=base_iri, media=offers)
        else:
            body, chosen, truncated = await self.runner.run(work, timeout=timeout)
        answer = Answer(body, chosen, truncated)
        if key is not None:
            self.answers.put(key, answer, generation)
        return self._response(answer, "miss" if key is not None else None)

    def _response(self, answer: Answer, cache: str | None) -> Response:
        headers = response_headers(answer.media_type)
        if answer.truncated:
            headers["X-Result-Truncated"] = f"true; limit={self.settings.max_rows}"
        if cache is not None:
            headers["X-Cache"] = cache
        return Response(answer.body, headers=headers)

    async def describe(self, request: Request, op: operation.Operation) -> Response:
        media = negotiation.choose("triples", accept=request.headers.get("accept"),
                                   format_name=op.all("format"), html=True)
        if media == HTML:
            return RedirectResponse(QUERY_PAGE, status_code=303)
        if media is None:
            raise NotAcceptable("the service description is available as " + ", ".join(negotiation.RDF_TYPES))
        endpoint = public_base(request, self.settings) + "sparql"
        writable = self.settings.write_token is not None
        federated = bool(self.settings.service_allowlist)
        triples = await self.runner.run(lambda: service_description.describe(
            self.backend, endpoint, writable=writable, federated=federated))
        body = results.triples_to(triples, media, prefixes=service_description.PREFIXES)
        return Response(body, headers=response_headers(media))


def router(
    settings: Settings, backend: Backend, runner: Runner, answers: ResultCache | None = None
) -> APIRouter:
    """The /sparql routes, for create_app to include; ``answers`` keeps repeated answers (none by default)."""
    handlers = Protocol(settings, backend, runner, answers if answers is not None else ResultCache(0))
    api = APIRouter(tags=["SPARQL"])
    # Served by a plain Starlette route, matched first: FastAPI's dependency solving for a handler that
    # takes only the request costs a tenth of a millisecond, a tenth of an ASK. The API route after it
    # is never reached; it documents the endpoint in /openapi.json.
    api.add_route("/sparql", handlers.sparql, methods=["GET", "POST"], include_in_schema=False)
    openapi.per_method(api, "/sparql", handlers.sparql, ("GET", "POST"), responses=RESPONSES,
                       response_class=Response, summary="SPARQL 1.1 Protocol query endpoint")
    return api
