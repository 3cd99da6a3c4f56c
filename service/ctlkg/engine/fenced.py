"""The service's embedded backend: the master store lives in the web process, every query runs in a fenced
worker of the pool, and every write publishes a new version that the workers reopen before their next query.

Reads of whole graphs (dumps, a write's current state) come from the master directly: they run no text.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

import pyoxigraph as ox

from ctlkg.engine.checkpoint import Checkpoints
from ctlkg.engine.pool import Pool
from ctlkg.errors import BackendError, QuerySyntaxError
from ctlkg.rdf import namespaces

# The Backend protocol's types: the three backends (embedded, remote, engine.fenced) import the same names.
from ctlkg.sparql.backend import (
    Bindings,
    Boolean,
    Dataset,
    Limits,
    Result,
    Row,
    Solutions,
    Triples,
    default_graph_iris,
    default_graph_update,
    replacing_update,
    row,
)
from ctlkg.sparql.negotiation import Kind

TSV = "text/tab-separated-values"
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
#: How internal queries come back: formats that parse natively into rows and triples.
_INTERNAL: dict[Kind, str | None] = {"solutions": TSV, "boolean": JSON, "triples": NTRIPLES}
#: The media type a client accepts for each kind of result (None: not this kind).
Offers = Mapping[Kind, str | None]


class FencedBackend:
    """Queries in fenced workers, the master store for whole graphs and writes."""

    name = "embedded"

    def __init__(
        self, master: ox.Store, pool: Pool, checkpoints: Checkpoints, *, timeout: float, writable: bool
    ) -> None:
        self._master = master
        self.pool = pool
        self._checkpoints = checkpoints
        self._timeout = timeout
        self._writable = writable

    def _call(self, header: dict[str, Any], timeout: float | None = None) -> tuple[dict[str, Any], bytes]:
        return self.pool.call({"op": "query", **header}, timeout=timeout or self._timeout)

    def _ours(self, query: str, inferred: bool, bindings: Bindings | None) -> tuple[dict[str, Any], bytes]:
        return self._call({
            "query": query,
            "default_graph": None if inferred else list(default_graph_iris(inferred=False)),
            "bindings": {name: str(term) for name, term in (bindings or {}).items()},
            "prefixes": dict(namespaces.PREFIXES),
            "media": _INTERNAL,
        })

    def select(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> list[Row]:
        reply, body = self._ours(query, inferred, bindings)
        if reply["kind"] != "solutions":
            raise QuerySyntaxError("expected a SELECT query")
        return _rows(body)

    def construct(
        self, query: str, *, inferred: bool = True, bindings: Bindings | None = None
    ) -> list[ox.Triple]:
        reply, body = self._ours(query, inferred, bindings)
        if reply["kind"] != "triples":
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return _triples(body)

    def ask(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> bool:
        reply, body = self._ours(query, inferred, bindings)
        if reply["kind"] != "boolean":
            raise QuerySyntaxError("expected an ASK query")
        return bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))

    def answer(
        self, query: str, *, dataset: Dataset, limits: Limits, base_iri: str | None, media: Offers
    ) -> tuple[bytes, str, bool]:
        """A protocol query answered in the client's format by the engine itself: bytes, media type, and
        whether the row limit cut it."""
        reply, body = self._call(_protocol(query, dataset, limits, base_iri, media), limits.timeout)
        return body, str(reply["media_type"]), bool(reply.get("truncated"))

    async def aanswer(
        self, query: str, *, dataset: Dataset, limits: Limits, base_iri: str | None, media: Offers
    ) -> tuple[bytes, str, bool]:
        """``answer`` from the event loop, without a thread in between."""
        header = {"op": "query", **_protocol(query, dataset, limits, base_iri, media)}
        reply, body = await self.pool.acall(header, timeout=limits.timeout)
        return body, str(reply["media_type"]), bool(reply.get("truncated"))

    def run(self, query: str, *, dataset: Dataset, limits: Limits, base_iri: str | None = None) -> Result:
        body, media, truncated = self.answer(query, dataset=dataset, limits=limits, base_iri=base_iri,
                                             media=_INTERNAL)
        if media == NTRIPLES:
            return Triples(_triples(body), truncated)
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media))
        if isinstance(parsed, ox.QueryBoolean):
            return Boolean(bool(parsed))
        names = [v.value for v in parsed.variables]
        return Solutions(names, [row(s, names) for s in parsed], truncated)

    def graph(self, iri: str) -> list[ox.Triple]:
        quads = self._master.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]

    def replace_graphs(self, graphs: Mapping[str, list[ox.Triple]]) -> None:
        """Write the master in one transaction (the default graph's union with it), then publish it."""
        if not self._writable:
            raise BackendError("this store was opened read-only")
        try:
            self._master.update(replacing_update(graphs) + " ;\n" + default_graph_update())
        except (SyntaxError, OSError) as exc:
            raise BackendError(f"cannot write the store: {exc}") from exc
        self.pool.publish(self._checkpoints.publish())
        self._checkpoints.prune(self.pool.versions())

    def close(self) -> None:
        self.pool.close()
        self._checkpoints.cleanup()
        with suppress(RuntimeError):  # a read-only store has nothing to flush, and says so
            self._master.flush()


def _protocol(
    query: str, dataset: Dataset, limits: Limits, base_iri: str | None, media: Offers
) -> dict[str, Any]:
    header: dict[str, Any] = {
        "query": query, "base_iri": base_iri, "media": dict(media), "max_rows": limits.max_rows,
    }
    if dataset.given:
        header["default_graph"] = list(dataset.default_graphs or ())
        header["named_graphs"] = list(dataset.named_graphs or ())
    return header


def _rows(body: bytes) -> list[Row]:
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [row(s, names) for s in parsed]


def _triples(body: bytes) -> list[ox.Triple]:
    quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
