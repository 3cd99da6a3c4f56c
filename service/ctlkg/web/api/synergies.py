"""The synergy API: every pair of clusters scored with evidence, one cluster against the others, the network.

The (cluster, item) rows are queried once, the pairs the synergies graph holds are scored from them and
kept (``SynergyCache``); a request with its own weights only reweighs the kept scores in Python, so no
request makes the store join clusters pairwise. Rendered answers are kept too, until the data changes.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

import cachetools
from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ctlkg.config import Settings
from ctlkg.errors import NotFound, shown
from ctlkg.sparql.backend import Backend
from ctlkg.sparql.data_version import DataVersion, VersionedCache
from ctlkg.synergy import export as synergy_export
from ctlkg.synergy.scores import (
    COMBINED,
    Synergy,
    SynergyError,
    SynergySet,
    check_dimension,
    compute_synergies,
    parse_weights,
)
from ctlkg.web.api import paging

Dimension = Annotated[str, Query(description="ecosystems, pnrr, networks, technology-areas, partners, "
                                             "places, programmes or combined (the default).")]
Weights = Annotated[str | None, Query(description="Override default weights, e.g. ecosystems:2,places:0.")]
MinScore = Annotated[str | None, Query(description="Keep pairs scoring at least this much (0 to 1).")]
Limit = Annotated[int, Query(ge=1, le=paging.MAX_PAGE_SIZE,
                             description=f"Pairs a page holds (default {paging.DEFAULT_PAGE_SIZE}).")]
CursorParam = Annotated[str | None, Query(description="Where a page starts: from the page before's 'next'.")]

CSV = "text/csv; charset=utf-8"
JSON = "application/json"
#: A rendered answer: body, media type, headers.
Rendered = tuple[bytes, str, dict[str, str]]
RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"description": "An unknown dimension, bad weights, a bad min_score or a cursor not issued here."},
    404: {"description": "No such cluster or network format."},
}
PAGED: dict[int | str, dict[str, object]] = {
    **RESPONSES,
    409: {"description": "The data changed since the cursor was issued: start again from the first page."},
}


class SynergyCache:
    """The scored pairs with the default weights, computed on first use, and the answers rendered from them;
    dropped when the data version moves, or after ``max_age`` seconds, so that nothing stale can last."""

    #: Rendered answers kept at most (one per route and parameters); beyond, the least recently used go.
    MAX_RENDERED = 128

    def __init__(
        self, backend: Backend, version: DataVersion | None = None, *, max_age: float = 300.0
    ) -> None:
        self._backend = backend
        self.version = version if version is not None else DataVersion()
        #: Held while the pairs are scored, so that concurrent first requests score them once.
        self._scoring = threading.Lock()
        self._value: VersionedCache[SynergySet] = VersionedCache(
            cachetools.TTLCache(maxsize=1, ttl=max_age), self.version)
        self._rendered: VersionedCache[Rendered] = VersionedCache(
            cachetools.TTLCache(maxsize=self.MAX_RENDERED, ttl=max_age), self.version)
        self._ranked: VersionedCache[list[Synergy]] = VersionedCache(
            cachetools.TTLCache(maxsize=self.MAX_RENDERED, ttl=max_age), self.version)

    def get(self) -> SynergySet:
        with self._scoring:
            found = self._value.get("pairs")
            if found is None:
                seen = self.version.value
                found = compute_synergies(self._backend, materialised=True)
                self._value.put("pairs", found, seen)
            return found

    def ranked(self, key: tuple[str | None, ...], rank: Callable[[], list[Synergy]]) -> list[Synergy]:
        """A ranking kept per state of the data, so that every page of a listing cuts the same list (at
        ten thousand clusters, ranking the pairs takes longer than writing a page of them)."""
        found = self._ranked.get(key)
        if found is None:
            seen = self.version.value
            found = rank()
            self._ranked.put(key, found, seen)
        return found

    def rendered(self, key: tuple[str | None, ...], render: Callable[[], Rendered]) -> Response:
        """The answer for ``key``, rendered once per state of the data (at a thousand clusters the JSON of
        every pair takes longer to write than to look up); a fresh response each time, as middleware adds
        its headers to it."""
        found = self._rendered.get(key)
        if found is None:
            seen = self.version.value
            found = render()
            self._rendered.put(key, found, seen)  # not kept if the data changed while it was rendered
        body, media, headers = found
        return Response(body, 200, dict(headers), media)


def _min_score(text: str | None) -> float:
    if text is None or not text.strip():
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise SynergyError(f"min_score must be a number between 0 and 1, not {shown(text)}") from None
    if not 0.0 <= value <= 1.0:
        raise SynergyError(f"min_score must be between 0 and 1, not {shown(text)}")
    return value


class Synergies:
    """The route handlers; plain methods over the cache, so nothing hides in a closure."""

    def __init__(self, cache: SynergyCache) -> None:
        self.cache = cache

    def _scored(self, weights: str | None) -> SynergySet:
        parsed = parse_weights(weights)  # a 400 for bad weights before any query runs
        return self.cache.get().reweighted(parsed)

    def _page(self, path: str, params: dict[str, str | None], focus: str | None, dimension: str,
              min_score: str | None, weights: str | None, limit: int, cursor: str | None) -> Response:
        """One page of a ranked listing, with ``next`` (and a Link header) while rows remain."""
        version = self.cache.version.value
        start = paging.Cursor.parse(cursor, version)

        def render() -> Rendered:
            check_dimension(dimension)
            threshold = _min_score(min_score)
            scored = self._scored(weights)
            cluster = scored.cluster(focus) if focus is not None else None
            ranked = self.cache.ranked(
                (focus, dimension, min_score, weights),
                lambda: scored.ranked(dimension, cluster=cluster, min_score=threshold))
            listing = synergy_export.listing_json(scored, dimension, min_score=threshold, focus=cluster,
                                                  limit=limit, offset=start.offset, ranked=ranked)
            headers: dict[str, str] = {}
            listing["next"] = None
            if start.offset + limit < len(ranked):
                url = paging.next_link(path, {**params, "limit": str(limit)},
                                       paging.Cursor(start.offset + limit, version))
                listing["next"] = url
                headers = paging.link_header(url)
            return _json(listing), JSON, headers

        key = ("page", focus, dimension, min_score, weights, str(limit), str(start.offset))
        return self.cache.rendered(key, render)

    def all_pairs(self, dimension: Dimension = COMBINED, min_score: MinScore = None, weights: Weights = None,
                  limit: Limit = paging.DEFAULT_PAGE_SIZE, cursor: CursorParam = None) -> Response:
        """The pairs of clusters the build scored (all of them up to fifty clusters, each one's strongest
        partners beyond), best first, with the shared items behind each score; a page at a time, the
        next one linked. The whole set is one download: /api/synergies/all.json."""
        params = {"dimension": dimension, "min_score": min_score, "weights": weights}
        return self._page("/api/synergies", params, None, dimension, min_score, weights, limit, cursor)

    def download(self, request: Request, dimension: Dimension = COMBINED, min_score: MinScore = None,
                 weights: Weights = None) -> Response:
        """Every pair in one answer, as the pages list them: written and gzipped once per state of the
        data, then sent as it is kept (unzipped only for a client that does not take gzip)."""

        def render() -> Rendered:
            check_dimension(dimension)
            listing = synergy_export.listing_json(
                self._scored(weights), dimension, min_score=_min_score(min_score))
            headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding",
                       "Content-Disposition": f'inline; filename="synergies-{dimension}.json"'}
            return gzip.compress(_json(listing), compresslevel=6, mtime=0), JSON, headers

        kept = self.cache.rendered(("download", dimension, min_score, weights), render)
        if "gzip" not in request.headers.get("accept-encoding", ""):
            headers = {k: v for k, v in kept.headers.items()
                       if k.lower() not in ("content-encoding", "content-length")}
            return Response(gzip.decompress(bytes(kept.body)), 200, headers, JSON)
        return kept

    def one_cluster(self, cluster: str, dimension: Dimension = COMBINED, min_score: MinScore = None,
                    weights: Weights = None, limit: Limit = paging.DEFAULT_PAGE_SIZE,
                    cursor: CursorParam = None) -> Response:
        """One cluster (slug or IRI) against each of the others, best first, a page at a time."""
        params = {"dimension": dimension, "min_score": min_score, "weights": weights}
        return self._page(f"/api/synergies/{quote(cluster)}", params, cluster, dimension, min_score,
                          weights, limit, cursor)

    def network(self, fmt: str, dimension: Dimension = COMBINED, min_score: MinScore = None,
                weights: Weights = None) -> Response:
        """The cluster network in GraphML, GEXF or node-link JSON, edges weighted by the dimension's score."""

        def render() -> Rendered:
            if fmt not in synergy_export.NETWORK_FORMATS:
                raise NotFound(f"no network format {shown(fmt)}: use graphml, gexf or json")
            check_dimension(dimension)
            threshold = _min_score(min_score)
            scored = self._scored(weights)
            media, ext = synergy_export.NETWORK_FORMATS[fmt]
            headers = {"Content-Disposition": f'inline; filename="synergies-{dimension}.{ext}"'}
            if fmt == "json":
                return _json(synergy_export.node_link(scored, dimension, min_score=threshold)), media, headers
            write = synergy_export.graphml if fmt == "graphml" else synergy_export.gexf
            return write(scored, dimension, min_score=threshold), media, headers

        return self.cache.rendered(("network", fmt, dimension, min_score, weights), render)

    def nodes(self) -> Response:
        """The clusters as Gephi's node table."""

        def render() -> Rendered:
            body = synergy_export.nodes_csv(self.cache.get()).encode("utf-8")
            return body, CSV, {"Content-Disposition": 'inline; filename="nodes.csv"'}

        return self.cache.rendered(("nodes",), render)

    def edges(self, dimension: Dimension = COMBINED, min_score: MinScore = None,
              weights: Weights = None) -> Response:
        """The pairs scoring above 0 as Gephi's edge table, weighted by the dimension's score."""

        def render() -> Rendered:
            check_dimension(dimension)
            threshold = _min_score(min_score)
            body = synergy_export.edges_csv(self._scored(weights), dimension, min_score=threshold)
            return body.encode("utf-8"), CSV, {"Content-Disposition": 'inline; filename="edges.csv"'}

        return self.cache.rendered(("edges", dimension, min_score, weights), render)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def router(settings: Settings, backend: Backend, cache: SynergyCache | None = None) -> APIRouter:
    """The /api/synergies routes, for create_app to include; pass ``cache`` to share the data version."""
    handlers = Synergies(cache if cache is not None else SynergyCache(backend))
    api = APIRouter(prefix="/api/synergies", tags=["synergies"])
    network_types: dict[str, object] = {media: {} for media, _ in synergy_export.NETWORK_FORMATS.values()}
    csv_ok: dict[int | str, dict[str, object]] = {200: {"content": {CSV: {}}}}
    # The fixed names first: "nodes.csv" must not be taken for a cluster.
    api.add_api_route("/network.{fmt}", handlers.network, methods=["GET"], response_class=Response,
                      summary="The cluster network (GraphML, GEXF, node-link JSON)",
                      responses={**RESPONSES, 200: {"content": network_types}})
    api.add_api_route("/nodes.csv", handlers.nodes, methods=["GET"], response_class=Response,
                      summary="Clusters as a node table", responses=csv_ok)
    api.add_api_route("/all.json", handlers.download, methods=["GET"], response_class=JSONResponse,
                      summary="Every pair of clusters in one download (gzip)", responses=RESPONSES)
    api.add_api_route("/edges.csv", handlers.edges, methods=["GET"], response_class=Response,
                      summary="Synergies as an edge table", responses={**RESPONSES, **csv_ok})
    api.add_api_route("", handlers.all_pairs, methods=["GET"], response_class=JSONResponse,
                      summary="Synergies of the pairs of clusters, a page at a time", responses=PAGED)
    api.add_api_route("/{cluster:path}", handlers.one_cluster, methods=["GET"], response_class=JSONResponse,
                      summary="One cluster's synergies with the others, a page at a time", responses=PAGED)
    return api
