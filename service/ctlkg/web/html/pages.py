"""The human pages: home, query, the pictures (network, matrices), and our static files (CSS, JS, bundles)."""

from __future__ import annotations

import json
import mimetypes
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from ctlkg.config import Settings
from ctlkg.errors import NotFound
from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import Backend
from ctlkg.synergy.scores import COMBINED, DIMENSIONS
from ctlkg.web.html import examples, overview, templating
from ctlkg.web.html.words import WORDS

Lang = Annotated[str | None, Query(description="Language of the page: en or it (else Accept-Language).")]

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
    "members", "score", "shared_items", "shared_by", "evidence_hint", "no_links", "loading", "error",
    "covered", "uncovered", "declared", "through_projects", "no_projects", "clusters_count", "by_mission",
    "by_component",
)

#: Static files change only with a release; an hour of caching spares the bundle without stale pages for long.
STATIC_CACHE = "public, max-age=3600"


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

    def query(self, request: Request, lang: Lang = None) -> HTMLResponse:
        """The SPARQL editor with the named queries as examples; it runs queries against /sparql."""
        reader = templating.choose_lang(request)
        context = {
            "examples": examples.load(reader),
            "default_query": DEFAULT_QUERY.format(ctl=str(namespaces.CTL)),
            "editor_bundled": (templating.STATIC_DIR / "vendor" / "editor.js").is_file(),
            "prefixes_json": json.dumps(namespaces.PREFIXES),
        }
        return templating.render(request, "query.html", context, lang=reader)

    def network(self, request: Request, lang: Lang = None) -> HTMLResponse:
        """The clusters as a network of synergies, drawn in the browser from /api/synergies."""
        reader = templating.choose_lang(request)
        return templating.render(request, "network.html", picture_context(reader), lang=reader)

    def matrices(self, request: Request, lang: Lang = None) -> HTMLResponse:
        """The synergy heat map and the PNRR and S3 coverage charts, drawn in the browser from the API."""
        reader = templating.choose_lang(request)
        return templating.render(request, "matrices.html", picture_context(reader), lang=reader)

    def static(self, path: str) -> Response:
        """A file of ``static/``; nothing outside it, whatever the path says."""
        root = templating.STATIC_DIR.resolve()
        try:
            target = (root / path).resolve()
            found = target.is_relative_to(root) and target.is_file()
        except (ValueError, OSError):  # a NUL byte, a name too long: no such file either
            found = False
        if not found:
            raise NotFound("no such static file; the pages link to every one there is")
        media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if media_type in ("text/javascript", "application/javascript", "text/css"):
            media_type += "; charset=utf-8"
        headers = {"Cache-Control": STATIC_CACHE, "X-Content-Type-Options": "nosniff"}
        return FileResponse(target, media_type=media_type, headers=headers)


def dimension_key(dimension: str) -> str:
    """The words.py key of a synergy dimension's name."""
    return "dim_" + dimension.replace("-", "_")


def picture_context(lang: str) -> dict[str, object]:
    """What the two picture pages share: the dimensions to choose from and the words their scripts show."""
    dimensions = [(d, WORDS[dimension_key(d)][lang]) for d in (COMBINED, *DIMENSIONS)]
    words = {key: WORDS[key][lang] for key in PICTURE_WORDS}
    words.update({"dim:" + d: label for d, label in dimensions})
    words.update({"kind:" + k: WORDS["kind_" + k][lang] for k in (*ITEM_KINDS, "other")})
    return {
        "dimensions": dimensions,
        # Autoescaped into a data- attribute, read back by the script with JSON.parse: never markup.
        "words_json": json.dumps(words, ensure_ascii=False),
        "charts_bundled": (templating.STATIC_DIR / "vendor" / "charts.js").is_file(),
    }


def router(settings: Settings, backend: Backend) -> APIRouter:
    """The page routes, for create_app to include."""
    handlers = Pages(settings, backend)
    api = APIRouter(tags=["pages"])
    api.add_api_route(
        "/", handlers.home, methods=["GET", "HEAD"], response_class=HTMLResponse, summary="Home page"
    )
    api.add_api_route(
        "/query",
        handlers.query,
        methods=["GET", "HEAD"],
        response_class=HTMLResponse,
        summary="SPARQL query page",
    )
    api.add_api_route(
        "/network",
        handlers.network,
        methods=["GET", "HEAD"],
        response_class=HTMLResponse,
        summary="Network of the links between the clusters",
    )
    api.add_api_route(
        "/matrices",
        handlers.matrices,
        methods=["GET", "HEAD"],
        response_class=HTMLResponse,
        summary="Synergy heat map and PNRR and S3 coverage matrices",
    )
    api.add_api_route(
        "/static/{path:path}", handlers.static, methods=["GET", "HEAD"], include_in_schema=False
    )
    return api
