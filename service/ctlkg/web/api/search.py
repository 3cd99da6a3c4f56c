"""GET /api/search: resources by the words of their labels and descriptions (``ctlkg.sparql.search``), for
the search box's suggestions, the results page, the editor's completions and any client."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ctlkg.rdf import links
from ctlkg.sparql.search import Search, class_iri
from ctlkg.sparql.search_index import Hit

Q = Annotated[str, Query(min_length=1, max_length=200,
                         description="The words to find, in any case and with or without accents; the "
                                     "last one (every one) may be the start of a word: `citt` finds Città.")]
Lang = Annotated[Literal["en", "it"] | None, Query(
    description="Match texts of this language only and show labels in it (default: any, labels in English).")]
Labels = Annotated[Literal["en", "it"] | None, Query(
    description="The language of the labels shown (default: lang, else English); matching is unchanged.")]
TypeParam = Annotated[str | None, Query(
    alias="type", max_length=300,
    description="Only resources of this class: a class of the ontology by name (`Cluster`), a prefixed "
                "name (`skos:Concept`) or an absolute IRI. Inferred types count.")]
Limit = Annotated[int, Query(ge=1, le=100, description="At most this many results (1 to 100).")]


class Found(BaseModel):
    """One resource found."""

    iri: str = Field(description="The resource's IRI.")
    label: str = Field(description="Its label in the asked language (else English, Italian, any).")
    type: str | None = Field(description="Its type: one of the ontology's classes when it has one.")
    type_label: str | None = Field(description="That type's label.")
    page: str | None = Field(description="Where the resource opens on this server (for our IRIs).")
    snippet: str = Field(description="The text that matched, cut around the words found.")
    highlights: list[tuple[int, int]] = Field(
        description="Where the words found are in the snippet: [start, end) character offsets.")
    score: float = Field(description="1 to 2 for a match in a label or alternative label, 0 to 1 for a "
                                     "match in a description only; higher is better (bm25 within each).")
    field: Literal["label", "description"] = Field(description="Where the words were found.")


class Results(BaseModel):
    """The best resources for the words, best first."""

    q: str
    lang: str | None
    type: str | None = Field(description="The class asked for, as an IRI.")
    results: list[Found]


def found(hit: Hit, type_labels: dict[str, str]) -> Found:
    marks: list[tuple[int, int]] = []
    text = ""
    for piece, matched in hit.highlights():
        if matched:
            marks.append((len(text), len(text) + len(piece)))
        text += piece
    return Found(iri=hit.iri, label=hit.label, type=hit.type,
                 type_label=type_labels.get(hit.type) if hit.type else None, page=links.to_local(hit.iri),
                 snippet=text, highlights=marks, score=hit.score,
                 field="label" if hit.field == "label" else "description")


def run(search: Search, q: str, lang: str | None, kind: str | None, limit: int,
        show: str | None = None) -> Results:
    """The search as the API answers it; ``show`` is the labels' language when not ``lang``."""
    types = (class_iri(kind),) if kind else ()
    index = search.index()
    hits = index.search(q, lang=lang, types=types, limit=limit, show=show)
    named = index.labels(sorted({hit.type for hit in hits if hit.type}), show or lang or "en")
    return Results(q=q, lang=lang, type=types[0] if types else None, results=[found(h, named) for h in hits])


class SearchRoute:
    """The route's handler, holding the service's index."""

    def __init__(self, search: Search) -> None:
        self.search = search

    async def answer(self, q: Q, lang: Lang = None, kind: TypeParam = None, limit: Limit = 10,
                     labels: Labels = None) -> Results:
        """Resources whose labels, alternative labels or descriptions (Italian and English) hold the words,
        case and accents ignored, the last word as a prefix: label matches first, then description matches,
        each ranked by bm25. The same index answers `search:score` in SPARQL (docs/search.md)."""
        return await run_in_threadpool(run, self.search, q, lang, kind, limit, labels)


def router(search: Search) -> APIRouter:
    api = APIRouter(tags=["search"])
    api.add_api_route("/api/search", SearchRoute(search).answer, methods=["GET"], response_model=Results,
                      summary="Full-text search over labels and descriptions",
                      responses={400: {"description": "q has no letter or digit, or a parameter is bad."}})
    return api
