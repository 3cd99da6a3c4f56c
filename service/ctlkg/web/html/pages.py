"""The human pages: home, query and the pictures (network, matrices); ``assets`` serves their static files."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ctlkg.config import Settings
from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import Backend
from ctlkg.synergy.scores import COMBINED, DIMENSIONS
from ctlkg.web import openapi
from ctlkg.web.html import doc_pages, examples, listing, overview, templating, words

Lang = Annotated[str | None, Query(description="Language of the page: en or it (else Accept-Language).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Where the page of a long list starts.")]
#: A shared link's query (a permalink): the editor opens with it instead of the default query.
SharedQuery = Annotated[
    str | None,
    Query(alias="query", max_length=100_000, description="A SPARQL query to open in the editor (a link)."),
]

#: What the query page opens with: short, and it shows the shape of the data at once.
DEFAULT_QUERY = """PREFIX ctl: <{ctl}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# The nine clusters and their members in 2022, largest first.
SELECT ?cluster ?name ?members WHERE {{
  ?cluster a ctl:Cluster ;
           rdfs:label ?name ;
           ctl:hasStatistics/ctl:totalMembers ?members .
  FILTER(LANG(?name) = "en")
}}
ORDER BY DESC(?members)
"""

#: The kinds of shared items, as the path after /id/ names them; the pictures label and colour them by kind.
ITEM_KINDS = (
    "network", "project", "ecosystem", "pnrr", "techarea", "organisation", "programme", "site", "city",
)
#: The words the pictures' scripts show, besides the dimension and kind names.
PICTURE_WORDS = (
    "score", "shared_by", "evidence_hint", "no_links", "loading", "error",
    "covered", "uncovered", "declared", "through_projects", "no_projects", "clusters_count", "by_mission",
    "by_component",
)
#: The counted words of the pictures, sent with their plural forms.
PICTURE_COUNTS = ("members", "shared_items")


class Pages:
    """The page handlers, holding the settings and backend they answer from."""

    def __init__(self, settings: Settings, backend: Backend) -> None:
        self.settings = settings
        self.backend = backend

    def home(self, request: Request, lang: Lang = None) -> HTMLResponse:
        """What the graph holds and the nine clusters, with links into everything else."""
        reader = templating.choose_lang(request)
        return templating.render(
            request, "home.html", {"o": overview.build(self.backend, reader)}, lang=reader
        )

    def query(self, request: Request, lang: Lang = None, shared: SharedQuery = None) -> HTMLResponse:
        """The SPARQL editor with the named queries as examples; it runs queries against /sparql. A link
        with ``?query=`` (what the page puts in the address bar when a query runs, and where /sparql sends
        a browser) opens that query."""
        reader = templating.choose_lang(request)
        context = {
            "examples": examples.load(reader),
            "default_query": shared if shared else DEFAULT_QUERY.format(ctl=str(namespaces.CTL)),
        }
        return templating.render(request, "query.html", context, lang=reader)

    def class_list(self, request: Request, name: str, lang: Lang = None, offset: Offset = 0) -> HTMLResponse:
        """Every instance of a class of the ontology (``/list/Cluster``), with its label, a page at a time."""
        reader = templating.choose_lang(request)
        found = listing.build(self.backend, name, reader, offset)
        return templating.render(request, "list.html", {"l": found}, lang=reader)

    def about(self, request: Request, name: str, lang: Lang = None) -> HTMLResponse:
        """A document of the project for readers of the pages (``/about/synergy``: how synergies score)."""
        return doc_pages.render(request, name)

    def docs(self, request: Request, lang: Lang = None) -> HTMLResponse:
        """The API, browsable and tried from the page: Swagger UI over /openapi.json."""
        reader = templating.choose_lang(request)
        return templating.render(request, "docs.html", {}, lang=reader)

    def network(self, request: Request, lang: Lang = None) -> HTMLResponse:
        """The clusters as a network of synergies, drawn in the browser from /api/synergies/all.json."""
        reader = templating.choose_lang(request)
        return templating.render(request, "network.html", picture_context(reader), lang=reader)

    def matrices(self, request: Request, lang: Lang = None) -> HTMLResponse:
        """The synergy heat map and the PNRR and S3 coverage charts, drawn in the browser from the API."""
        reader = templating.choose_lang(request)
        return templating.render(request, "matrices.html", picture_context(reader), lang=reader)


def dimension_key(dimension: str) -> str:
    """The catalogue key of a synergy dimension's name."""
    return "dim_" + dimension.replace("-", "_")


def picture_context(lang: str) -> dict[str, object]:
    """What the two picture pages share: the dimensions to choose from and the words their scripts show."""
    dimensions = [(d, words.word(dimension_key(d), lang)) for d in (COMBINED, *DIMENSIONS)]
    shown: dict[str, str | dict[str, str]] = {key: words.word(key, lang) for key in PICTURE_WORDS}
    shown.update({key: words.forms(key, lang) for key in PICTURE_COUNTS})
    shown.update({"dim:" + d: label for d, label in dimensions})
    shown.update({"kind:" + k: words.word("kind_" + k, lang) for k in (*ITEM_KINDS, "other")})
    return {
        "dimensions": dimensions,
        # Autoescaped into a data- attribute, read back by the script with JSON.parse: never markup.
        "words_json": json.dumps(shown, ensure_ascii=False),
    }


def router(settings: Settings, backend: Backend) -> APIRouter:
    """The page routes, for create_app to include."""
    handlers = Pages(settings, backend)
    api = APIRouter(tags=["pages"])
    # A table of routes for openapi.readable_routes, the one place that registers them (linked_data too).
    openapi.readable_routes(api, (
        ("/", handlers.home, "Home page"),
        ("/query", handlers.query, "SPARQL query page"),
        ("/network", handlers.network, "Network of the links between the clusters"),
        ("/matrices", handlers.matrices, "Synergy heat map and PNRR and S3 coverage matrices"),
        ("/docs", handlers.docs, "The API, browsable (Swagger UI over /openapi.json)"),
        ("/list/{name}", handlers.class_list, "Every instance of one class of the ontology"),
        ("/about/{name}", handlers.about, "A document of the project: how synergies are scored"),
    ), response_class=HTMLResponse)
    return api
