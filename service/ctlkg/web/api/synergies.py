"""The synergy API: every pair of clusters scored with evidence, one cluster against the others, the network.

The (cluster, item) rows are queried once, the pairs the synergies graph holds are scored from them and
kept (``SynergyCache``); a request with its own weights only reweighs the kept scores in Python, so no
request makes the store join clusters pairwise. Rendered answers are kept too, until the data changes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Annotated

import cachetools
from fastapi import APIRouter, Query
from starlette.responses import JSONResponse, Response

from ctlkg.config import Settings
from ctlkg.errors import NotFound, shown
from ctlkg.sparql.backend import Backend
from ctlkg.sparql.data_version import DataVersion, VersionedCache
from ctlkg.synergy import export as synergy_export
from ctlkg.synergy.scores import (
    COMBINED,
    SynergyError,
    SynergySet,
    check_dimension,
    compute_synergies,
    parse_weights,
)

Dimension = Annotated[str, Query(description="ecosystems, pnrr, networks, technology-areas, partners, "
                                             "places, programmes or combined (the default).")]
Weights = Annotated[str | None, Query(description="Override default weights, e.g. ecosystems:2,places:0.")]
MinScore = Annotated[str | None, Query(description="Keep pairs scoring at least this much (0 to 1).")]
Limit = Annotated[int | None, Query(ge=1, le=1_000_000, description="Return the best this many pairs only.")]

CSV = "text/csv; charset=utf-8"
JSON = "application/json"
#: A rendered answer: body, media type, headers.
Rendered = tuple[bytes, str, dict[str, str]]
RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"description": "An unknown dimension, bad weights or a bad min_score."},
    404: {"description": "No such cluster or network format."},
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

    def get(self) -> SynergySet:
        with self._scoring:
            found = self._value.get("pairs")
            if found is None:
                seen = self.version.value
                found = compute_synergies(self._backend, materialised=True)
                self._value.put("pairs", found, seen)
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

    def all_pairs(self, dimension: Dimension = COMBINED, min_score: MinScore = None,
                  weights: Weights = None, limit: Limit = None) -> Response:
        """Every pair of clusters the build scored (all of them up to fifty clusters, each one's strongest
        partners beyond), best first, with the shared items behind each score."""

        def render() -> Rendered:
            check_dimension(dimension)
            threshold = _min_score(min_score)
            listing = synergy_export.listing_json(
                self._scored(weights), dimension, min_score=threshold, limit=limit)
            return _json(listing), JSON, {}

        return self.cache.rendered(("all", dimension, min_score, weights, str(limit)), render)

    def one_cluster(self, cluster: str, dimension: Dimension = COMBINED, min_score: MinScore = None,
                    weights: Weights = None, limit: Limit = None) -> Response:
        """One cluster (slug or IRI) against each of the others, best first."""

        def render() -> Rendered:
            check_dimension(dimension)
            threshold = _min_score(min_score)
            scored = self._scored(weights)
            listing = synergy_export.listing_json(
                scored, dimension, min_score=threshold, focus=scored.cluster(cluster), limit=limit)
            return _json(listing), JSON, {}

        return self.cache.rendered(("one", cluster, dimension, min_score, weights, str(limit)), render)

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
    api.add_api_route("/edges.csv", handlers.edges, methods=["GET"], response_class=Response,
                      summary="Synergies as an edge table", responses={**RESPONSES, **csv_ok})
    api.add_api_route("", handlers.all_pairs, methods=["GET"], response_class=JSONResponse,
                      summary="Synergies of every pair of clusters", responses=RESPONSES)
    api.add_api_route("/{cluster:path}", handlers.one_cluster, methods=["GET"], response_class=JSONResponse,
                      summary="One cluster's synergies with the others", responses=RESPONSES)
    return api
