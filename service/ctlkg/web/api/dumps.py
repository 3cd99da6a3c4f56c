"""The downloadable dumps at /dumps: every RDF format, with and without the inferences, plain or gzipped.

Dumps are written by ``exports.serialize`` from a snapshot of the backend's graphs, once per format,
and kept until a write changes the data.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import cachetools
import pyoxigraph as ox
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

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


@dataclass(frozen=True)
class Made:
    """One dump file as served: its bytes, their SHA-256 and when they were written (UTC, ISO 8601)."""

    body: bytes
    sha256: str
    made: str


#: Renders the index as a page for people (``web.html.dumps_page``): request, entries, statement counts.
IndexPage = Callable[[Request, list[dict[str, object]], dict[str, int]], Response]


class DumpCache:
    """Serialised dumps, made on first request from one snapshot and dropped when the data version moves."""

    def __init__(self, backend: Backend, version: DataVersion | None = None) -> None:
        self._backend = backend
        self.version = version if version is not None else DataVersion()
        #: Held while a file is made: the snapshot is taken once, and each file serialised once.
        self._lock = threading.Lock()
        self._snapshot: VersionedCache[ox.Store] = VersionedCache(cachetools.Cache(maxsize=1), self.version)
        self._files: VersionedCache[Made] = VersionedCache(cachetools.Cache(maxsize=len(FILES)),
                                                           self.version)
        self._counts: VersionedCache[dict[str, int]] = VersionedCache(cachetools.Cache(maxsize=1),
                                                                      self.version)

    def _take_snapshot(self) -> ox.Store:
        snapshot = ox.Store()
        for graph in store.default_graphs(inferred=True):
            triples = self._backend.graph(graph.value)
            snapshot.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
        return snapshot

    def _snapshot_locked(self, seen: int) -> ox.Store:
        snapshot = self._snapshot.get("all")
        if snapshot is None:
            snapshot = self._take_snapshot()
            self._snapshot.put("all", snapshot, seen)
        return snapshot

    def made(self, name: str) -> Made:
        """One dump file, made on first request (blocking: serialising the whole graph takes a moment)."""
        fmt, inferred, gz = FILES[name]
        if gz:  # the plain file first (kept too): serialising is the costly part, compressing is not
            self.made(exports.file_name(fmt, inferred=inferred))
        with self._lock:
            found = self._files.get(name)
            if found is None:
                seen = self.version.value
                plain = self._files.get(exports.file_name(fmt, inferred=inferred)) if gz else None
                payload = plain.body if plain is not None else exports.serialize(
                    self._snapshot_locked(seen), fmt, inferred=inferred)
                body = gzip.compress(payload, mtime=0) if gz else payload
                found = Made(body, hashlib.sha256(body).hexdigest(),
                             datetime.now(UTC).isoformat(timespec="seconds"))
                self._files.put(name, found, seen)
            return found

    def get(self, name: str) -> bytes:
        """The bytes of one dump file."""
        return self.made(name).body

    def statements(self) -> dict[str, int]:
        """Quads with and without what is derived: what the two kinds of dump hold (the merging formats
        hold these less any triple two graphs share)."""
        with self._lock:
            found = self._counts.get("all")
            if found is None:
                seen = self.version.value
                snapshot = self._snapshot_locked(seen)
                found = {
                    kind: sum(1 for graph in store.default_graphs(inferred=kind == "inferred")
                              for _ in snapshot.quads_for_pattern(None, None, None, graph))
                    for kind in ("asserted", "inferred")
                }
                self._counts.put("all", found, seen)
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


class Dumps:
    def __init__(self, settings: Settings, cache: DumpCache, page: IndexPage | None = None) -> None:
        self.settings = settings
        self.cache = cache
        self.page = page

    async def index(self, request: Request) -> Response:
        """The list of dump files, as JSON or an HTML page."""
        offers = ["application/json", negotiation.HTML] if self.page is not None else ["application/json"]
        media = negotiation.negotiate(request.headers.get("accept"), offers)
        if media is None:
            raise NotAcceptable("the dump index is available as application/json or text/html")
        items = entries(public_base(request, self.settings))
        if media == negotiation.HTML and self.page is not None:
            described = await asyncio.to_thread(self._describe, items)
            counts = await asyncio.to_thread(self.cache.statements)
            answer = self.page(request, described, counts)
            answer.headers["Vary"] = "Accept"
            return answer
        return JSONResponse({"dumps": items, "licence": "https://creativecommons.org/licenses/by/4.0/"},
                            headers={"Vary": "Accept"})

    def _describe(self, items: list[dict[str, object]]) -> list[dict[str, object]]:
        """Each entry with its size, checksum and date: every file is made (once per state of the data)."""
        described = []
        for item in items:
            made = self.cache.made(str(item["name"]))
            described.append({**item, "bytes": len(made.body), "sha256": made.sha256, "made": made.made})
        return described

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


def router(settings: Settings, cache: DumpCache, page: IndexPage | None = None) -> APIRouter:
    """The /dumps routes, for create_app to include; ``page`` renders the index for people."""
    handlers = Dumps(settings, cache, page)
    api = APIRouter(tags=["dumps"])
    openapi.per_method(api, "/dumps", handlers.index, ("GET", "HEAD"), response_class=Response,
                       summary="The list of dump files")
    openapi.per_method(api, "/dumps/{name}", handlers.file, ("GET", "HEAD"), response_class=Response,
                       summary="Download one dump file")
    return api
