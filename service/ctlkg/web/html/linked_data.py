"""Linked data: every IRI of our instance and ontology namespaces dereferences here, as HTML or as RDF.

``/id/{path}`` answers for ``BASE + "id/{path}"`` and ``/ontology`` for the ontology and every
``ctl:`` term (a browser never sends the ``#Term`` fragment, so the term is an anchor of that page).
"""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from ctlkg.config import Settings
from ctlkg.errors import clip, shown
from ctlkg.rdf import links, namespaces
from ctlkg.sparql import negotiation
from ctlkg.sparql.backend import Backend
from ctlkg.web import openapi
from ctlkg.web.errors import error_response
from ctlkg.web.html import ontology_doc, templating
from ctlkg.web.html import resource_data as description

HTML = negotiation.HTML
#: What a resource can be had as, in our order of preference: people first, then the RDF formats.
OFFERS: tuple[str, ...] = (
    HTML,
    "application/xhtml+xml",
    *negotiation.RDF_TYPES,
    "application/x-turtle",
    "text/n3",
    "text/plain",
    "application/json",
)
#: Accept types that stand for one we send; JSON here means JSON-LD, not SPARQL results.
ALIASES = {**negotiation.ALIASES, "application/json": negotiation.JSONLD, "application/xhtml+xml": HTML}

Lang = Annotated[str | None, Query(description="Language of the labels: en or it (else Accept-Language).")]
Format = Annotated[
    str | None,
    Query(
        description="Override Accept: html, turtle, ntriples, jsonld, rdfxml, trig or nquads (for browsers)."
    ),
]
Inferred = Annotated[bool, Query(description="Include the triples derived by OWL RL reasoning.")]

#: Resources whose IRI starts with a prefix (the "kind" folder of an unknown IRI), for the 404 page.
SAME_KIND = """
SELECT DISTINCT ?s ?prefix WHERE { ?s ?p ?o . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix)) }
ORDER BY ?s LIMIT 200
"""

RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The resource: a page, or its concise bounded description in RDF.",
        "content": {t: {} for t in (HTML, *negotiation.RDF_TYPES)},
    },
    404: {"description": "The graph says nothing about this IRI."},
    406: {"description": "None of the accepted media types is available."},
}


def choose_media(accept: str | None, format_name: str | None) -> str | None:
    """The media type to answer with: ``format`` (a name or a type) wins over Accept; None means 406."""
    if format_name:
        name = format_name.strip().lower()
        if name in ("html", HTML):
            return HTML
        if "/" in name:
            return ALIASES.get(name, name) if name in OFFERS else None
        return negotiation.FORMAT_NAMES.get(name, {}).get("triples")
    picked = negotiation.negotiate(accept, OFFERS)
    return None if picked is None else ALIASES.get(picked, picked)


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes that shorten an IRI of ``triples``, so a description does not open with forty."""
    iris = {
        term.value if isinstance(term, ox.NamedNode) else term.datatype.value
        for t in triples
        for term in (t.predicate, t.object, t.subject)
        if isinstance(term, ox.NamedNode | ox.Literal)
    }
    return {
        prefix: namespace
        for prefix, namespace in namespaces.PREFIXES.items()
        if any(iri.startswith(namespace) for iri in iris)
    }


def serialize(triples: list[ox.Triple], media_type: str) -> Response:
    """Triples in an RDF format; dataset formats get them in the default graph."""
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format is None:  # cannot happen for our offers; a clear error if the list ever grows wrong
        raise ValueError(f"no RDF format for {media_type}")
    payload: list[ox.Triple] | list[ox.Quad] = sorted(triples, key=str)
    if rdf_format.supports_datasets:
        payload = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in payload]
    prefixes = used_prefixes(triples) if rdf_format.name in ("Turtle", "TriG", "RDF/XML") else None
    body = ox.serialize(payload, format=rdf_format, prefixes=prefixes) or b""
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


def refused(status: int, message: str) -> Response:
    """An error in the service's JSON shape, saying that it depends on Accept like the answer would."""
    response = error_response(status, message)
    response.headers["Vary"] = "Accept"
    return response


def not_acceptable() -> Response:
    offered = ", ".join((HTML, *negotiation.RDF_TYPES))
    return refused(406, f"this resource is available as {offered}")


class LinkedData:
    """The handlers, holding the backend they answer from (no globals, no closures)."""

    def __init__(self, settings: Settings, backend: Backend) -> None:
        self.settings = settings
        self.backend = backend

    def resource(
        self, request: Request, path: str, lang: Lang = None, format: Format = None, inferred: Inferred = True
    ) -> Response:
        """A resource of the instance namespace, in the negotiated format."""
        iri = links.to_iri("/id/" + path)
        try:
            ox.NamedNode(iri)
        except ValueError:  # a space, a NUL byte, a broken escape: no IRI, so nothing is known about it
            return refused(404, "this path is not the IRI of anything")
        media = choose_media(request.headers.get("accept"), format)
        if media is None:
            return not_acceptable()
        if media != HTML:
            triples = description.cbd(self.backend, iri, inferred=inferred)
            if not triples:
                return refused(404, f"nothing is known about {shown(iri)}")
            return serialize(triples, media)
        reader = templating.choose_lang(request)
        found = description.describe(self.backend, iri, reader, inferred=inferred)
        if found is None:
            return self.not_found(request, iri, reader)
        formats = {
            name: f"{request.url.path}?format={name}" for name in ("turtle", "jsonld", "rdfxml", "ntriples")
        }
        return templating.render(
            request, "resource.html", {"d": found, "inferred": inferred, "formats": formats}, lang=reader
        )

    def not_found(self, request: Request, iri: str, lang: str) -> Response:
        """A 404 page that helps: the IRI asked for and the known resources of the same kind."""
        kind = iri.rsplit("/", 1)[0] + "/"
        ours = kind.startswith(namespaces.BASE + "id/")
        rows = self.backend.select(SAME_KIND, bindings={"prefix": ox.Literal(kind)}) if ours else []
        nearby = [row["s"].value for row in rows if isinstance(row.get("s"), ox.NamedNode)]
        return templating.render(
            request,
            "not_found.html",
            {"iri": clip(iri), "kind": kind, "nearby": nearby},
            lang=lang,
            status_code=404,
        )

    def ontology(self, request: Request, lang: Lang = None, format: Format = None) -> Response:
        """The ontology: its documentation for people, the ontology graph for machines."""
        media = choose_media(request.headers.get("accept"), format)
        if media is None:
            return not_acceptable()
        if media != HTML:
            return serialize(self.backend.graph(namespaces.GRAPH_ONTOLOGY), media)
        reader = templating.choose_lang(request)
        doc = ontology_doc.build(self.backend, reader)
        return templating.render(request, "ontology.html", {"doc": doc}, lang=reader)


def router(settings: Settings, backend: Backend) -> APIRouter:
    """The linked-data routes, for create_app to include."""
    handlers = LinkedData(settings, backend)
    api = APIRouter(tags=["linked data"])
    # A table of routes for openapi.readable_routes, the one place that registers them (pages.router too).
    openapi.readable_routes(api, (
        ("/id/{path:path}", handlers.resource, "Dereference an instance IRI"),
        ("/ontology", handlers.ontology, "The ontology (documentation or RDF)"),
    ), responses=RESPONSES, response_class=Response)
    return api
