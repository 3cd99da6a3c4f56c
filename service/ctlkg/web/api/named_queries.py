"""The named-query API: GET /api/queries lists the catalogue, GET /api/queries/{name} runs one query.

Each query gets its own route, built when the router is, with the query's parameters in its signature:
that is how the OpenAPI document shows every query with its own typed, described parameters. FastAPI
only documents them; the values are read and checked by ``named_queries.bind``, so every parameter
error is the same 400 whatever the route.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ctlkg.config import Settings
from ctlkg.errors import NotAcceptable, NotFound, shown
from ctlkg.rdf import namespaces, paths
from ctlkg.sparql import negotiation, results
from ctlkg.sparql.backend import Backend, Row, Solutions, Term
from ctlkg.sparql.named_queries import NamedQuery, ParameterError, bind, load_catalogue
from ctlkg.sparql.query_params import PARAM_TYPES, Param
from ctlkg.sparql.result_cache import Answer, ResultCache, bypassed, cacheable
from ctlkg.sparql.runner import Runner

PLAIN_JSON = "application/json"
#: `format` values, for clients that cannot set Accept; the first is the default.
FORMATS: dict[str, str] = {
    "json": PLAIN_JSON,
    "sparql-json": negotiation.JSON,
    "xml": negotiation.XML,
    "csv": negotiation.CSV,
    "tsv": negotiation.TSV,
}
_CONTENT_TYPES = {
    PLAIN_JSON: "application/json",
    negotiation.JSON: "application/sparql-results+json; charset=utf-8",
    negotiation.XML: "application/sparql-results+xml; charset=utf-8",
    negotiation.CSV: "text/csv; charset=utf-8",
    negotiation.TSV: "text/tab-separated-values; charset=utf-8",
}
_XSD = str(namespaces.XSD)
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_NUMBERS = {_XSD + t for t in ("decimal", "double", "float")}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The rows: plain JSON by default, or SPARQL results (JSON, XML, CSV, TSV).",
          "content": {media: {} for media in FORMATS.values()}},
    400: {"description": "A parameter is unknown, missing, of the wrong type, not allowed, or names an IRI "
                         "that is not of the expected class in the graph."},
    406: {"description": "None of the accepted media types can carry a table of results."},
}


def plain_value(term: Term) -> object:
    """A term as plain JSON: an IRI as its string, numbers and booleans as such, other literals as text."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _NUMBERS:
                return float(Decimal(term.value)) if datatype == _XSD + "decimal" else float(term.value)
        except ValueError:
            return term.value
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


def choose_media(accept: str | None, format_name: str | None) -> str:
    """`format` wins over Accept; plain JSON for a client that takes anything."""
    if format_name is not None:
        if format_name not in FORMATS:
            allowed = ", ".join(FORMATS)
            raise ParameterError(f"format must be one of {allowed}, not {shown(format_name)}", "format")
        return FORMATS[format_name]
    chosen = negotiation.negotiate(accept, list(FORMATS.values()))
    if chosen is None:
        raise NotAcceptable(f"query results are available as {', '.join(FORMATS.values())}")
    return chosen


def describe(query: NamedQuery) -> dict[str, object]:
    """The catalogue entry of one query."""
    return {
        "name": query.name,
        "url": f"/api/queries/{query.name}",
        "title": query.title,
        "title_it": query.title_it,
        "description": query.description,
        "description_it": query.description_it,
        "tags": list(query.tags),
        "example": query.example,
        "columns": list(query.columns),
        "params": [
            {"name": p.name, "type": p.type, "class": p.class_iri, "default": p.default,
             "enum": list(p.enum) if p.enum is not None else None, "required": p.required,
             "description": p.description}
            for p in query.params
        ],
    }


def _typed(param: Param, value: str) -> object:
    """A header value (text) as the JSON value OpenAPI shows for the parameter's type."""
    if param.type == "integer":
        return int(value)
    if param.type == "decimal":
        return float(value)
    if param.type == "boolean":
        return value.lower() in ("true", "1")
    return value


def _parameter(param: Param) -> inspect.Parameter:
    schema: dict[str, Any] = {"type": PARAM_TYPES[param.type]}
    description = param.description
    if param.type == "iri":
        schema["format"] = "iri"
        if param.class_iri is not None:
            description += f" Must be an instance of <{param.class_iri}> in the graph."
    if param.enum is not None:
        schema["enum"] = [_typed(param, value) for value in param.enum]
    default = ... if param.default is None else _typed(param, param.default)
    return inspect.Parameter(
        param.name, inspect.Parameter.KEYWORD_ONLY, annotation=str,
        default=Query(default, description=description, json_schema_extra=schema),
    )


def signature(query: NamedQuery) -> inspect.Signature:
    """The endpoint's signature: the request, the query's parameters, and `format`."""
    fmt = inspect.Parameter("format", inspect.Parameter.KEYWORD_ONLY, annotation=str, default=Query(
        "json", description="Result format, overriding Accept.", json_schema_extra={"enum": list(FORMATS)}))
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    return inspect.Signature([request, *(_parameter(p) for p in query.params), fmt])


class QueryEndpoint:
    """One named query as an endpoint; ``__signature__`` is what FastAPI reads to document it."""

    def __init__(self, query: NamedQuery, backend: Backend, runner: Runner, max_rows: int,
                 answers: ResultCache) -> None:
        self.query = query
        self.backend = backend
        self.runner = runner
        self.max_rows = max_rows
        self.answers = answers
        self.__signature__ = signature(query)

    def rows(self, raw: dict[str, str]) -> tuple[dict[str, Term], list[Row]]:
        bindings = dict(bind(self.query, raw, self.backend))
        return bindings, self.backend.select(self.query.text, bindings=bindings)

    async def __call__(self, request: Request, **_: object) -> Response:
        params = request.query_params
        for key in params:
            if len(params.getlist(key)) > 1:
                raise ParameterError(f"parameter {shown(key)} is given more than once", key)
        media = choose_media(request.headers.get("accept"), params.get("format"))
        raw = {key: value for key, value in params.items() if key != "format"}
        cache_key = (self.query.name, media, tuple(sorted(raw.items())))
        keep = self.answers.enabled and cacheable(self.query.text, ())
        fresh = not keep or bypassed(request.headers.get("cache-control"))
        kept = None if fresh else self.answers.get(cache_key)
        if kept is None:
            generation = self.answers.generation
            kept = await self.runner.run(lambda: self.answer(raw, media))
            if keep:
                self.answers.put(cache_key, kept, generation)
            cache = "miss" if keep else None
        else:
            cache = "hit"
        headers = {"Content-Type": _CONTENT_TYPES[kept.media_type]}
        if kept.truncated:
            headers["X-Result-Truncated"] = f"true; limit={self.max_rows}"
        if cache is not None:
            headers["X-Cache"] = cache
        return Response(kept.body, headers=headers)

    def answer(self, raw: dict[str, str], media: str) -> Answer:
        """Run the query with the parameters and write the answer in ``media``."""
        bindings, rows = self.rows(raw)
        truncated = len(rows) > self.max_rows
        rows = rows[: self.max_rows]
        if media == PLAIN_JSON:
            body = {
                "query": self.query.name,
                "params": {name: term.value for name, term in bindings.items()},
                "columns": list(self.query.columns),
                "rows": [{c: plain_value(row[c]) if c in row else None for c in self.query.columns}
                         for row in rows],
            }
            return Answer(json.dumps(body, ensure_ascii=False).encode("utf-8"), media, truncated)
        solutions = Solutions(list(self.query.columns), rows)
        return Answer(results.serialize(solutions, media), media, truncated)


class NamedQueryRoute(APIRoute):
    """A missing required parameter is our 400, not FastAPI's 422: one shape for all bad parameters."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                missing = [str(error.get("loc", ("", "?"))[-1]) for error in exc.errors()]
                raise ParameterError(f"missing required parameter '{', '.join(missing)}'") from exc

        return checked


class Catalogue:
    """The handlers that are about the catalogue as a whole."""

    def __init__(self, queries: dict[str, NamedQuery]) -> None:
        self.queries = queries

    async def listing(self) -> JSONResponse:
        """Every named query: titles, descriptions, parameters, an example call."""
        return JSONResponse({"queries": [describe(q) for q in self.queries.values()]})

    async def unknown(self, name: str) -> Response:
        raise NotFound(f"no named query {shown(name)}; GET /api/queries lists them")


def router(
    settings: Settings,
    backend: Backend,
    runner: Runner | None = None,
    *,
    queries_dir: Path = paths.QUERIES_DIR,
    answers: ResultCache | None = None,
) -> APIRouter:
    """The /api/queries routes, one per `.rq` file of ``queries_dir``, for create_app to include;
    ``answers`` keeps repeated answers (none by default)."""
    answers = answers if answers is not None else ResultCache(0)
    queries = load_catalogue(queries_dir)
    runner = runner or Runner(settings.max_concurrent_queries, settings.query_timeout)
    catalogue = Catalogue(queries)
    api = APIRouter(prefix="/api/queries", tags=["named queries"], route_class=NamedQueryRoute)
    api.add_api_route("", catalogue.listing, methods=["GET"], summary="The catalogue of named queries")
    for query in queries.values():
        api.add_api_route(
            f"/{query.name}", QueryEndpoint(query, backend, runner, settings.max_rows, answers),
            methods=["GET"],
            summary=query.title, description=query.description, responses=RESPONSES,
            response_class=Response, operation_id=f"query_{query.name.replace('-', '_')}",
            name=f"query:{query.name}",
        )
    api.add_api_route("/{name}", catalogue.unknown, methods=["GET"], include_in_schema=False)
    return api
