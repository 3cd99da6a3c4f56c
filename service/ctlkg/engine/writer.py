"""Writes tried in a fenced worker: the parent sends the current graphs and the update's text, the worker runs
the text on a scratch copy, validates and derives (``engine.trial``), and the parent gets back the graphs to
write, or the typed refusal. The client's text is never evaluated in the web process.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ctlkg.build import writes
from ctlkg.engine.pool import Pool
from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import Backend

#: What a write reads: the asserted data and the graphs it may not change.
READS = (namespaces.GRAPH_DATA, *writes.READ_ONLY_GRAPHS)


@dataclass(frozen=True)
class Tried:
    """A write that passed: what to store, and the outcome to report."""

    graphs: dict[str, list[ox.Triple]]
    outcome: writes.Outcome


def attempt(
    pool: Pool,
    backend: Backend,
    update: str,
    *,
    known: frozenset[writes.Violation] | None,
    base_iri: str | None,
    timeout: float,
) -> Tried:
    """Try ``update`` against the backend's current graphs in a worker; raise the worker's typed error."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri))
        for iri in READS
        for t in backend.graph(iri)
    ]
    body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    header = {
        "op": "write",
        "update": update,
        "base_iri": base_iri,
        "known": [list(v) for v in known] if known is not None else None,
    }
    reply, payload = pool.call(header, body, timeout=timeout)
    graphs: dict[str, list[ox.Triple]] = {str(iri): [] for iri in reply["graphs"]}
    for quad in ox.parse(payload, format=ox.RdfFormat.N_QUADS):
        graphs[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    outcome = writes.Outcome(
        data_triples=int(reply["data_triples"]),
        inferred_triples=int(reply["inferred_triples"]),
        report=reply["report"],
        violations=frozenset((v[0], v[1], v[2], v[3]) for v in reply["violations"]),
    )
    return Tried(graphs, outcome)
