"""Validated writes: an update runs on a scratch copy, the would-be data is checked against the shapes,
and only a conforming result (with its inferences and synergies recomputed) replaces the data in the store.

The update sees the asserted data as its default graph and the ontology, shapes and inferences as
read-only named graphs; a refused write leaves the store exactly as it was. The checks, the OWL RL closure
and the synergies run inside Oxigraph (``shacl.compiled``, ``reasoning.rules``, ``synergy.blocks``), which
give the same verdicts and triples as pyshacl and owlrl (tests/shacl/test_fastbuild_equivalence.py) in a
fraction of the time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph

from ctlkg.errors import Forbidden, QueryRefused, QuerySyntaxError, WriteRefused
from ctlkg.rdf import namespaces
from ctlkg.reasoning import rules
from ctlkg.shacl import compiled as fastcheck
from ctlkg.shacl.reference import ValidationReport
from ctlkg.sparql import syntax_errors
from ctlkg.sparql.backend import Backend
from ctlkg.synergy import blocks as fastsynergy

SOURCES = (namespaces.GRAPH_DATA, namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_SHAPES)
READ_ONLY_GRAPHS = (
    namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_SHAPES, namespaces.GRAPH_INFERRED, namespaces.GRAPH_SYNERGIES
)


#: A violation as something that can be compared across two validations of different data.
Violation = tuple[str, str, str | None, str | None]


@dataclass(frozen=True)
class Outcome:
    """What an accepted write left: graph sizes, the report, and the violations the data now has."""

    data_triples: int
    inferred_triples: int
    report: dict[str, object]
    violations: frozenset[Violation]


def violations(report: ValidationReport) -> frozenset[Violation]:
    return frozenset(
        (f.source_shape, f.focus_node, f.path, f.value) for f in report.by_severity("Violation")
    )


def current_violations(backend: Backend) -> frozenset[Violation]:
    """The violations the stored data has now: a write is refused only for violations it adds."""
    current = {iri: backend.graph(iri) for iri in SOURCES}
    state = _state(current[namespaces.GRAPH_ONTOLOGY], current[namespaces.GRAPH_DATA])
    return violations(_validate(state, current[namespaces.GRAPH_SHAPES], current[namespaces.GRAPH_DATA]))


def _state(ontology: list[ox.Triple], data: list[ox.Triple]) -> ox.Store:
    """A scratch store holding the ontology and the data in their own graphs, as the build has them."""
    state = ox.Store()
    for iri, triples in ((namespaces.GRAPH_ONTOLOGY, ontology), (namespaces.GRAPH_DATA, data)):
        state.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri)) for t in triples)
    return state


def _validate(state: ox.Store, shapes: list[ox.Triple], data: list[ox.Triple]) -> ValidationReport:
    return fastcheck.check(
        state, to_rdflib(shapes), [namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_DATA],
        fastcheck.integer_literals(data),
    )


def to_rdflib(triples: list[ox.Triple]) -> Graph:
    graph = Graph()
    payload = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph.parse(data=payload.decode("utf-8"), format="nt")
    return graph


def from_rdflib(graph: Graph) -> list[ox.Triple]:
    payload = graph.serialize(format="nt", encoding="utf-8")
    quads = ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _scratch(current: dict[str, list[ox.Triple]]) -> ox.Store:
    scratch = ox.Store()
    data = current[namespaces.GRAPH_DATA]
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in data)
    for iri in READ_ONLY_GRAPHS:
        graph = ox.NamedNode(iri)
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in current[iri])
    return scratch


def _graph(store: ox.Store, name: ox.NamedNode | ox.DefaultGraph) -> list[ox.Triple]:
    quads = store.quads_for_pattern(None, None, None, name)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _check_read_only(scratch: ox.Store, current: dict[str, list[ox.Triple]]) -> None:
    touched = sorted(g.value for g in scratch.named_graphs() if g.value not in READ_ONLY_GRAPHS)
    touched += [
        iri for iri in READ_ONLY_GRAPHS if set(_graph(scratch, ox.NamedNode(iri))) != set(current[iri])
    ]
    if touched:
        raise Forbidden(
            "only the asserted data can change, and an update writes it through its default graph "
            "(no GRAPH or WITH); this update writes to " + ", ".join(f"<{g}>" for g in touched)
        )


def _derive(state: ox.Store) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The inferences and the synergies of the would-be state, so they change in the same transaction."""
    rules.infer(state, data=namespaces.GRAPH_DATA, ontology=namespaces.GRAPH_ONTOLOGY,
                inferred=namespaces.GRAPH_INFERRED)
    fastsynergy.materialise(state)
    return _graph(state, ox.NamedNode(namespaces.GRAPH_INFERRED)), _graph(
        state, ox.NamedNode(namespaces.GRAPH_SYNERGIES)
    )


def apply(
    backend: Backend,
    update: str,
    *,
    known: Callable[[], frozenset[Violation]] | None = None,
    base_iri: str | None = None,
) -> Outcome:
    """Run ``update`` (relative IRIs resolved against ``base_iri``); raise WriteRefused (with the report) if
    the result breaks a shape that the data did not already break (``known()``, by default the stored data's
    own violations, asked only when needed: shipped data may carry violations, a write must not add any).

    Run it in a fenced worker (``ctlkg.engine.trial``): the text is the client's, and LOAD or SERVICE in it
    would otherwise reach the network from this process.
    """
    current = {iri: backend.graph(iri) for iri in (namespaces.GRAPH_DATA, *READ_ONLY_GRAPHS)}
    scratch = _scratch(current)
    try:
        scratch.update(update, base_iri=base_iri)
    except SyntaxError as exc:
        raise QuerySyntaxError(syntax_errors.readable(str(exc), update)) from exc
    except (OSError, RuntimeError) as exc:
        # The engine refused the operation itself (DROP of a graph that is not there, MOVE without SILENT,
        # a LOAD the fence stopped): the client's request, not our server, is at fault.
        raise QueryRefused(
            f"the update was not applied: {exc} (the asserted data is the update's default graph; "
            "the other graphs are read-only)"
        ) from exc
    _check_read_only(scratch, current)
    data = _graph(scratch, ox.DefaultGraph())
    state = _state(current[namespaces.GRAPH_ONTOLOGY], data)
    report = _validate(state, current[namespaces.GRAPH_SHAPES], data)
    found = violations(report)
    added = found - (known() if known is not None else current_violations(backend))
    if added:
        raise WriteRefused(
            f"the update was not applied: the data would break {len(added)} more shape constraint(s)",
            report.to_json(),
        )
    inferred, synergies = _derive(state)
    backend.replace_graphs(
        {
            namespaces.GRAPH_DATA: data,
            namespaces.GRAPH_INFERRED: inferred,
            namespaces.GRAPH_SYNERGIES: synergies,
        }
    )
    return Outcome(len(data), len(inferred), report.to_json(), found)
