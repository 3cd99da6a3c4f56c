"""The search results page (``/search?q=``): the header's search box submits here, and it works without
scripts; the suggestions while typing come from /api/search (``service/web/src/search_box.js``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ctlkg.errors import QueryRefused
from ctlkg.rdf import links
from ctlkg.sparql.search import Search, class_iri
from ctlkg.web import openapi
from ctlkg.web.html import templating

Q = Annotated[str, Query(max_length=200, description="The words to find.")]
Lang = Annotated[str | None, Query(description="Language of the page: en or it (else Accept-Language).")]
TypeParam = Annotated[str | None, Query(alias="type", max_length=300, description="Only this class.")]
SHOWN = 50


@dataclass(frozen=True)
class Row:
    """One result as the template shows it: the snippet in parts, the matched ones marked."""

    label: str
    href: str
    curie: str
    type_label: str | None
    type_href: str | None
    parts: list[tuple[str, bool]]


class SearchPage:
    def __init__(self, search: Search) -> None:
        self.search = search

    def _rows(self, q: str, kind: str | None, lang: str) -> list[Row]:
        index = self.search.index()
        hits = index.search(q, types=(class_iri(kind),) if kind else (), limit=SHOWN, show=lang)
        named = index.labels(sorted({hit.type for hit in hits if hit.type}), lang)
        return [Row(hit.label, links.href(hit.iri) or hit.iri, links.curie(hit.iri),
                    named.get(hit.type, links.curie(hit.type)) if hit.type else None,
                    links.href(hit.type) if hit.type else None, hit.highlights()) for hit in hits]

    async def page(
        self, request: Request, q: Q = "", lang: Lang = None, kind: TypeParam = None
    ) -> HTMLResponse:
        """Resources whose labels or descriptions hold the words, best first."""
        reader = templating.choose_lang(request)
        rows: list[Row] = []
        problem, status = None, 200
        if q.strip():
            try:
                rows = await run_in_threadpool(self._rows, q, kind, reader)
            except QueryRefused as exc:
                problem, status = str(exc), 400
        return templating.render(request, "search.html",
                                 {"q": q, "rows": rows, "problem": problem, "searched": bool(q.strip())},
                                 lang=reader, status_code=status)


def router(search: Search) -> APIRouter:
    api = APIRouter(tags=["pages"])
    openapi.readable_routes(api, (("/search", SearchPage(search).page, "Search results page"),),
                            response_class=HTMLResponse)
    return api
