"""A write tried inside a fenced worker: the update's user text runs on a scratch copy of the worker's data,
the result is validated and its inferences and synergies derived (``ctlkg.build.writes.apply``), and the
graphs it would leave go back to the parent as N-Quads. Nothing here changes the worker's own store: the
parent applies the graphs to the master store and publishes a new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ctlkg.build import writes


class _Capture:
    """Enough of a backend for ``writes.apply``: reads from the worker's store, keeps what it would write."""

    name = "embedded"

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self.replaced: dict[str, list[ox.Triple]] = {}

    def graph(self, iri: str) -> list[ox.Triple]:
        quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]

    def replace_graphs(self, graphs: Mapping[str, list[ox.Triple]]) -> None:
        self.replaced = dict(graphs)


def attempt(store: ox.Store, header: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    capture = _Capture(store)
    known = header.get("known")
    outcome = writes.apply(
        capture,  # type: ignore[arg-type]
        str(header["update"]),
        known=(lambda: frozenset(tuple(v) for v in known)) if known is not None else None,
        base_iri=header.get("base_iri"),
    )
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri))
        for iri, triples in capture.replaced.items()
        for t in triples
    ]
    body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return {
        "ok": True,
        "graphs": list(capture.replaced),
        "data_triples": outcome.data_triples,
        "inferred_triples": outcome.inferred_triples,
        "report": outcome.report,
        "violations": sorted([list(v) for v in outcome.violations], key=str),
    }, body
