"""What the query page's editor asks while a person types: the ontology's classes and properties with
their labels (completions come from the data, never from a list in the script), and whether the text
parses (the marks under a syntax error).

The parse runs in the fenced writer's worker, as every other text a person sends does: an empty store, so
a SELECT or CONSTRUCT is parsed and never evaluated, and an ASK finds nothing.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import cachetools
import pyoxigraph as ox
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ctlkg.engine.pool import Pool
from ctlkg.errors import QueryRefused, QuerySyntaxError
from ctlkg.rdf import links
from ctlkg.sparql import search
from ctlkg.sparql.backend import Backend
from ctlkg.sparql.data_version import DataVersion, VersionedCache

Lang = Annotated[Literal["en", "it"], Query(description="The language of the labels.")]
#: A parse is quick; past this, the editor simply shows no mark.
PARSE_TIMEOUT = 5.0
MAX_QUERY = 100_000
_PLACE = re.compile(r"^line (\d+), column (\d+)")
_TERMS = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?kind ?label WHERE {
  VALUES (?class ?kind) {
    (owl:Class "class") (rdfs:Class "class") (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
    (owl:AnnotationProperty "property") (rdf:Property "property")
  }
  ?term a ?class FILTER(isIRI(?term))
  OPTIONAL { ?term rdfs:label ?label }
}"""


class Term(BaseModel):
    iri: str
    curie: str = Field(description="The prefixed name, with the service's prefixes.")
    kind: Literal["class", "property", "function"]
    label: str | None


class Terms(BaseModel):
    """The classes and properties the ontology declares, and the service's own SPARQL functions."""

    terms: list[Term]
    prefixes: dict[str, str] = Field(description="Prefixes the editor offers beyond the pages' own.")


#: ``search:score``: what the editor says about it (docs/search.md says the rest).
_SCORE_LABEL = {"en": "full-text score of a resource for some words (unbound: no match)",
                "it": "punteggio di ricerca di una risorsa per alcune parole (non legato se non corrisponde)"}


class Parsed(BaseModel):
    """Whether the query parses; when not, the parser's message in words and its place."""

    valid: bool
    message: str | None = None
    line: int | None = None
    column: int | None = None


class EditorRoutes:
    def __init__(self, backend: Backend, version: DataVersion, pool: Pool) -> None:
        self.backend = backend
        self.pool = pool
        self._terms: VersionedCache[Terms] = VersionedCache(cachetools.LRUCache(4), version)

    def _load_terms(self, lang: str) -> Terms:
        seen = self._terms.version.value
        kept = self._terms.get(lang)
        if kept is not None:
            return kept
        found: dict[str, Term] = {}
        #: The label kept for a term: the reader's language first, then one without a tag, then English.
        rank: dict[str, int] = {}
        order = {lang: 0, "": 1, "en": 2}
        for row in self.backend.select(_TERMS, inferred=False):
            term, kind, label = row.get("term"), row.get("kind"), row.get("label")
            if not isinstance(term, ox.NamedNode) or not isinstance(kind, ox.Literal):
                continue
            place = order.get(label.language or "", 3) if isinstance(label, ox.Literal) else 4
            if term.value in found and rank[term.value] <= place:
                continue
            rank[term.value] = place
            shown = label.value if isinstance(label, ox.Literal) and place < 3 else None
            found[term.value] = Term(iri=term.value, curie=links.curie(term.value),
                                     kind="class" if kind.value == "class" else "property", label=shown)
        score = Term(iri=search.SCORE.value, curie="search:score", kind="function", label=_SCORE_LABEL[lang])
        terms = Terms(terms=[*sorted(found.values(), key=lambda t: (t.kind, t.curie)), score],
                      prefixes={"search": search.SEARCH})
        self._terms.put(lang, terms, seen)
        return terms

    async def terms(self, lang: Lang = "en") -> Terms:
        """Every class and property of the ontology with its label, for the editor's completions."""
        return await run_in_threadpool(self._load_terms, lang)

    async def parse(self, request: Request) -> Parsed:
        """Whether the body (a SPARQL query, as `application/sparql-query`) parses: `valid`, else the
        message with its line and column. A syntax error is an answer here (200), not a failure."""
        body = await request.body()
        if len(body) > MAX_QUERY:
            raise QueryRefused(f"a query to check may be at most {MAX_QUERY} bytes")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise QueryRefused("the query is not UTF-8 text") from None
        try:
            await self.pool.acall({"op": "parse", "query": text}, timeout=PARSE_TIMEOUT)
        except QuerySyntaxError as exc:
            message = str(exc)
            place = _PLACE.match(message)
            return Parsed(valid=False, message=message, line=int(place.group(1)) if place else None,
                          column=int(place.group(2)) if place else None)
        return Parsed(valid=True)


def router(backend: Backend, version: DataVersion, pool: Pool) -> APIRouter:
    routes = EditorRoutes(backend, version, pool)
    api = APIRouter(tags=["editor"])
    api.add_api_route("/api/terms", routes.terms, methods=["GET"], response_model=Terms,
                      summary="The ontology's classes and properties with their labels")
    api.add_api_route(
        "/api/parse", routes.parse, methods=["POST"], response_model=Parsed,
        summary="Whether a SPARQL query parses, and where it does not",
        # Documented as text/plain, which every client can send; application/sparql-query (what the page
        # sends) is read the same way: the body is the query whatever its type says.
        openapi_extra={"requestBody": {
            "required": True, "description": "The query text (also as application/sparql-query).",
            "content": {"text/plain": {"schema": {"type": "string"},
                                       "example": "SELECT * WHERE { ?s ?p ?o }"}}}},
        responses={400: {"description": "The body is not UTF-8 or is too long."}},
    )
    return api
