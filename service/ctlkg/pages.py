"""The human pages: the home page, the query page, and our static files (CSS, JS, the bundled editor)."""

from __future__ import annotations

import json
import mimetypes
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from ctlkg import examples, namespaces, overview, templating
from ctlkg.backend import Backend
from ctlkg.config import Settings

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

    def static(self, path: str) -> Response:
        """A file of ``static/``; nothing outside it, whatever the path says."""
        root = templating.STATIC_DIR.resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return PlainTextResponse("404 Not Found\n", status_code=404)
        media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if media_type in ("text/javascript", "application/javascript", "text/css"):
            media_type += "; charset=utf-8"
        headers = {"Cache-Control": STATIC_CACHE, "X-Content-Type-Options": "nosniff"}
        return FileResponse(target, media_type=media_type, headers=headers)


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
        "/static/{path:path}", handlers.static, methods=["GET", "HEAD"], include_in_schema=False
    )
    return api
