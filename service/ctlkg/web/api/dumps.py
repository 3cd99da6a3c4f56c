"""The downloadable dumps at /dumps: every RDF format, with and without the inferences, plain or gzipped.

Dumps are written by ``exports.serialize`` from a snapshot of the backend's graphs, once per format,
and kept until a write changes the data.
"""

from __future__ import annotations

import asyncio
import gzip
import html
import threading

import cachetools
import pyoxigraph as ox
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ctlkg.build import exports, store
from ctlkg.config import Settings
from ctlkg.errors import NotAcceptable, NotFound, shown
from ctlkg.sparql import negotiation
from ctlkg.sparql.backend import Backend
from ctlkg.sparql.data_version import DataVersion, VersionedCache
from ctlkg.web import openapi
from ctlkg.web.base_url import public_base

#: File name -> (format, inferred, gzipped), for every dump we serve.
FILES: dict[str, tuple[str, bool, bool]] = {
    exports.file_name(fmt, inferred=inferred, compressed=gz): (fmt, inferred, gz)
    for fmt in exports.FORMATS
    for inferred in (False, True)
    for gz in (False, True)
}


class DumpCache:
    """Serialised dumps, made on first request from one snapshot and dropped when the data version moves."""

    def __init__(self, backend: Backend, version: DataVersion | None = None) -> None:
        self._backend = backend
        self.version = version if version is not None else DataVersion()
        #: Held while a file is made: the snapshot is taken once, and each file serialised once.
        self._lock = threading.Lock()
        self._snapshot: VersionedCache[ox.Store] = VersionedCache(cachetools.Cache(maxsize=1), self.version)
        self._files: VersionedCache[bytes] = VersionedCache(cachetools.Cache(maxsize=len(FILES)),
                                                            self.version)

    def _take_snapshot(self) -> ox.Store:
        snapshot = ox.Store()
        for graph in store.default_graphs(inferred=True):
            triples = self._backend.graph(graph.value)
            snapshot.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        return snapshot

    def get(self, name: str) -> bytes:
        """The bytes of one dump file (blocking: serialising the whole graph takes a moment)."""
        fmt, inferred, gz = FILES[name]
        with self._lock:
            found = self._files.get(name)
            if found is None:
                seen = self.version.value
                snapshot = self._snapshot.get("all")
                if snapshot is None:
                    snapshot = self._take_snapshot()
                    self._snapshot.put("all", snapshot, seen)
                payload = exports.serialize(snapshot, fmt, inferred=inferred)
                found = gzip.compress(payload, mtime=0) if gz else payload
                self._files.put(name, found, seen)
            return found


def entries(base: str) -> list[dict[str, object]]:
    """The index: one entry per file, with what a client needs to choose."""
    return [
        {
            "name": name,
            "url": f"{base}dumps/{name}",
            "format": fmt,
            "media_type": exports.FORMATS[fmt][2],
            "inferred": inferred,
            "gzip": gz,
            "named_graphs": fmt in exports.DATASET_FORMATS,
        }
        for name, (fmt, inferred, gz) in FILES.items()
    ]


def index_html(items: list[dict[str, object]]) -> str:
    rows = "\n".join(
        f'<li><a href="{html.escape(str(e["url"]))}">{html.escape(str(e["name"]))}</a> '
        f'({html.escape(str(e["media_type"]))}{", with inferences" if e["inferred"] else ""}'
        f'{", gzip" if e["gzip"] else ""})</li>'
        for e in items
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>ctlkg dumps</title></head>\n'
        "<body><h1>Dumps of the ctlkg knowledge graph</h1>\n"
        "<p>Licence: CC BY 4.0. N-Quads and TriG keep the named graphs; the other formats merge them.</p>\n"
        f"<ul>\n{rows}\n</ul></body></html>\n"
    )


class Dumps:
    def __init__(self, settings: Settings, cache: DumpCache) -> None:
        self.settings = settings
        self.cache = cache

    async def index(self, request: Request) -> Response:
        """The list of dump files, as JSON or an HTML page."""
        media = negotiation.negotiate(request.headers.get("accept"), ["application/json", negotiation.HTML])
        if media is None:
            raise NotAcceptable("the dump index is available as application/json or text/html")
        items = entries(public_base(request, self.settings))
        if media == negotiation.HTML:
            return HTMLResponse(index_html(items), headers={"Vary": "Accept"})
        return JSONResponse({"dumps": items, "licence": "https://creativecommons.org/licenses/by/4.0/"},
                            headers={"Vary": "Accept"})

    async def file(self, name: str) -> Response:
        """One dump file; `.gz` names are gzip files."""
        if name not in FILES:
            raise NotFound(f"no dump is called {shown(name)}; the list is at /dumps")
        fmt, _, gz = FILES[name]
        body = await asyncio.to_thread(self.cache.get, name)
        media = "application/gzip" if gz else exports.FORMATS[fmt][2]
        content_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
        return Response(body, headers={"Content-Type": content_type,
                                       "Content-Disposition": f'attachment; filename="{name}"'})


def router(settings: Settings, cache: DumpCache) -> APIRouter:
    """The /dumps routes, for create_app to include."""
    handlers = Dumps(settings, cache)
    api = APIRouter(tags=["dumps"])
    openapi.per_method(api, "/dumps", handlers.index, ("GET", "HEAD"), response_class=Response,
                       summary="The list of dump files")
    openapi.per_method(api, "/dumps/{name}", handlers.file, ("GET", "HEAD"), response_class=Response,
                       summary="Download one dump file")
    return api
