"""The SPARQL 1.1 Graph Store HTTP Protocol: whole graphs read with GET, written with PUT, POST, DELETE.

Two ways to name a graph, as the protocol allows:

* direct: ``/rdf-graphs/{name}`` with a short name (``data``, ``ontology``, ``shapes``, ``inferred``,
  ``synergies``);
* indirect: ``/graph-store?graph=IRI`` for a graph by its IRI, ``/graph-store?default`` for the default
  graph (the union of ontology, data and inferences that queries see).

Reading is open, like the rest of the data. Writing needs the bearer token and reaches only the
asserted data graph: every write becomes a SPARQL update (its triples written by pyoxigraph's
serializer, never pasted from the request) and goes through the same path as /sparql/update, under
the same lock: applied to a scratch copy, validated against the shapes, then committed with the
inferences in one transaction, or refused (422, with the SHACL report) leaving every triple as it was.
"""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ctlkg.build import store
from ctlkg.config import Settings
from ctlkg.errors import Forbidden, NotAcceptable, NotFound, QueryRefused, UnsupportedMediaType, shown
from ctlkg.rdf import namespaces
from ctlkg.sparql import negotiation, operation, results
from ctlkg.sparql.backend import Backend, default_graph_iris
from ctlkg.sparql.runner import Runner
from ctlkg.web import openapi
from ctlkg.web.api.sparql_update import Updates

#: Short names for the direct form, /rdf-graphs/{name}.
NAMES: dict[str, str] = dict(store.ALL_GRAPHS)
WRITABLE = namespaces.GRAPH_DATA
#: Media types a PUT or POST body may have; JSON is taken as JSON-LD.
BODY_ALIASES = {"application/json": negotiation.JSONLD, "application/x-turtle": negotiation.TURTLE,
                "text/plain": negotiation.NTRIPLES}

Graph = Annotated[str | None, Query(description="The graph's IRI (indirect identification).")]
Default = Annotated[str | None, Query(description="Present (empty) to name the default graph.")]

RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "GET: the graph in the negotiated RDF syntax. PUT, POST, DELETE: the write was "
                         "applied (the new graph sizes and the validation report)."},
    400: {"description": "No graph named, both forms given, or a body that does not parse."},
    401: {"description": "A write without a bearer token."},
    403: {"description": "Wrong token, no token configured, or a write to a graph other than the data."},
    404: {"description": "No such graph."},
    406: {"description": "None of the accepted media types is an RDF syntax."},
    413: {"description": "The body is over the size limit."},
    415: {"description": "The body is not in an RDF syntax we read, or not UTF-8."},
    422: {"description": "Refused: the data would break a shape; the body carries the SHACL report."},
}


def parse_body(body: bytes, content_type: tuple[str | None, str | None], base_iri: str) -> list[ox.Triple]:
    """The triples of a request body; quads outside the default graph are refused (this is one graph)."""
    kind, charset = content_type
    if kind is None:
        raise UnsupportedMediaType("a graph body needs a Content-Type such as text/turtle")
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(f"only UTF-8 is accepted, not charset={shown(charset)}")
    rdf_format = ox.RdfFormat.from_media_type(BODY_ALIASES.get(kind, kind))
    if rdf_format is None:
        readable = ", ".join(negotiation.RDF_TYPES)
        raise UnsupportedMediaType(f"a graph body must be one of {readable}, not {shown(kind)}")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedMediaType(f"the body is not valid UTF-8 (byte {exc.start})") from exc
    try:
        quads = list(ox.parse(body, format=rdf_format, base_iri=base_iri))
    except (SyntaxError, ValueError) as exc:
        raise QueryRefused(f"the body does not parse as {rdf_format.name}: {exc}") from exc
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise QueryRefused("the body names graphs of its own; send the triples of this one graph only")
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _data(triples: list[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def update_text(method: str, triples: list[ox.Triple]) -> str:
    """The SPARQL update a write stands for; the data graph is the update's default graph."""
    insert = f"INSERT DATA {{\n{_data(triples)}}}" if triples else ""
    if method == "POST":
        return insert or "INSERT DATA { }"
    return " ;\n".join(part for part in ("CLEAR DEFAULT", insert) if part)


class GraphStore:
    """The handlers; writes go through the SPARQL update handler (its token check, lock and checks)."""

    def __init__(self, settings: Settings, backend: Backend, runner: Runner, writer: Updates) -> None:
        self.settings = settings
        self.backend = backend
        self.runner = runner
        self.writer = writer

    @staticmethod
    def _target(graph: str | None, default: str | None) -> str | None:
        """The graph IRI named by the query string; None for the default graph."""
        if graph is not None and default is not None:
            raise QueryRefused("name either ?graph=IRI or ?default, not both")
        if graph is None and default is None:
            raise QueryRefused("name a graph: ?graph=IRI, or ?default for the default graph")
        if graph is None:
            return None
        try:
            return ox.NamedNode(graph).value
        except ValueError as exc:
            raise QueryRefused(f"the graph must be an absolute IRI, not {shown(graph)}") from exc

    @staticmethod
    def _named(name: str) -> str:
        if name not in NAMES:
            raise NotFound(f"no graph is called {shown(name)}; the graphs are {', '.join(NAMES)}")
        return NAMES[name]

    async def _read(self, request: Request, iri: str | None) -> Response:
        media = negotiation.choose("triples", accept=request.headers.get("accept"),
                                   format_name=request.query_params.getlist("format"))
        if media is None:
            raise NotAcceptable("a graph is available as " + ", ".join(negotiation.RDF_TYPES))

        def work() -> list[ox.Triple]:
            if iri is None:
                return sorted({t for g in default_graph_iris() for t in self.backend.graph(g)}, key=str)
            return self.backend.graph(iri)

        triples = await self.runner.run(work)
        if not triples and iri not in NAMES.values():
            raise NotFound(f"this store holds no graph {shown(str(iri))}")
        body = await self.runner.run(lambda: results.triples_to(triples, media))
        content_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
        return Response(body, headers={"Content-Type": content_type, "Vary": "Accept"})

    async def _write(self, request: Request, iri: str | None) -> Response:
        self.writer.authorise(request)
        if iri != WRITABLE:
            shown = "the default graph" if iri is None else f"<{iri}>"
            raise Forbidden(f"only the asserted data <{WRITABLE}> (/rdf-graphs/data) can be written, "
                            f"not {shown}")
        triples: list[ox.Triple] = []
        if request.method in ("PUT", "POST"):
            body = await request.body()
            triples = parse_body(body, operation.media_type(request), base_iri=iri)
        outcome = await self.writer.commit(update_text(request.method, triples))
        return JSONResponse({
            "message": "graph written" if request.method != "DELETE" else "graph emptied",
            "triples": {"data": outcome.data_triples, "inferred": outcome.inferred_triples},
            "report": outcome.report,
        })

    async def direct(self, request: Request, name: str) -> Response:
        """A graph by short name: GET reads it; PUT, POST and DELETE (token) write the data graph."""
        iri = self._named(name)
        if request.method in ("GET", "HEAD"):
            return await self._read(request, iri)
        return await self._write(request, iri)

    async def indirect(self, request: Request, graph: Graph = None, default: Default = None) -> Response:
        """A graph by IRI (``?graph=``) or the default graph (``?default``)."""
        iri = self._target(graph, default)
        if request.method in ("GET", "HEAD"):
            return await self._read(request, iri)
        return await self._write(request, iri)


def router(settings: Settings, backend: Backend, runner: Runner, writer: Updates) -> APIRouter:
    """The Graph Store Protocol routes, for create_app to include."""
    handlers = GraphStore(settings, backend, runner, writer)
    api = APIRouter(tags=["Graph Store Protocol"])
    methods = ("GET", "HEAD", "PUT", "POST", "DELETE")
    openapi.per_method(api, "/rdf-graphs/{name}", handlers.direct, methods, responses=RESPONSES,
                       response_class=Response, summary="A named graph by short name (Graph Store Protocol)")
    openapi.per_method(api, "/graph-store", handlers.indirect, methods, responses=RESPONSES,
                       response_class=Response, summary="A graph by IRI, or the default graph (Graph Store "
                       "Protocol)")
    return api
