"""The OWL RL rules our ontology needs, as SPARQL updates run to a fixed point inside an Oxigraph store.

owlrl (``ctlkg.reasoning.reference``) stays the reference, but it takes minutes past a hundred clusters.
Here the schema is closed first by generic rules (scm-*), then compiled: every single-premise rule (prp-spo1,
prp-inv, prp-symp, prp-dom, prp-rng, cax-sco) is folded into one INSERT per predicate and per class, so
each asserted triple is read once and all it entails is written at once, with no join and no test of
novelty. The multi-premise rules (prp-spo2 chains, prp-trp, cls-svf1) then run semi-naively: each round
joins only the previous round's new triples. ``reasoning.reference.infer``'s filter is applied at the end,
so the result is the same set of triples (tests/shacl/test_fastbuild_equivalence.py). An ontology using a
construct these rules leave out is refused (``UnsupportedOntology``): the fast path must never be silently
weaker.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ctlkg.errors import CtlkgError
from ctlkg.rdf import namespaces
from ctlkg.reasoning.schema import PREFIXES, Schema, UnsupportedOntology, close_schema, read_schema

__all__ = ["Outcome", "UnsupportedOntology", "infer"]

SCRATCH = namespaces.BASE + "graph/reasoning-"
#: What reasoning._worth_keeping drops, as one DELETE over the inferred graph.
_NOT_WORTH_KEEPING = (
    PREFIXES
    + f"""
DELETE {{ GRAPH <{{inferred}}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{{inferred}}> {{ ?s ?p ?o }}
  FILTER(!isIRI(?s) || !STRSTARTS(STR(?s), "{namespaces.BASE}") || isBlank(?o) || ?p = owl:sameAs
    || (?s = ?o && ?p IN (owl:equivalentClass, owl:equivalentProperty, rdfs:subClassOf, rdfs:subPropertyOf))
    || (?p = rdf:type && ?o IN (owl:Thing, rdfs:Resource, owl:NamedIndividual, rdfs:Class))) }}"""
)


@dataclass(frozen=True)
class Outcome:
    rounds: int
    inferred: int


def _count(store: ox.Store, graph: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _templates(store: ox.Store, schema: Schema, source: str, target: str) -> None:
    """Write into ``target`` everything the single-premise rules entail from the triples of ``source``."""
    for predicate, heads in schema.property_templates().items():
        store.update(
            f"INSERT {{ GRAPH <{target}> {{ {' '.join(heads)} }} }} "
            f"WHERE {{ GRAPH <{source}> {{ ?s {predicate} ?o }} }}"
        )
    for cls, supers in schema.class_templates().items():
        types = " ".join(f"?s a {s} ." for s in supers)
        store.update(
            f"INSERT {{ GRAPH <{target}> {{ {types} }} }} WHERE {{ GRAPH <{source}> {{ ?s a {cls} }} }}"
        )


def _joins(
    store: ox.Store, schema: Schema, delta: str | None, known: list[str], targets: tuple[str, str]
) -> None:
    """The multi-premise rules; with a delta, once with the delta on each side (semi-naive), else once over
    everything known. Heads that still need the templates go to ``targets[0]``, closed ones to
    ``targets[1]``."""
    using = " ".join(f"USING <{g}>" for g in known)
    for head, first, second, closed in schema.join_rules():
        sides = (
            [(first, second)]
            if delta is None
            else [(f"GRAPH <{delta}> {{ {first} }}", second), (first, f"GRAPH <{delta}> {{ {second} }}")]
        )
        for left, right in sides:
            named = f"USING NAMED <{delta}>" if delta is not None else ""
            store.update(
                f"INSERT {{ GRAPH <{targets[closed]}> {{ {head} }} }} {using} {named} "
                f"WHERE {{ {left} {right} }}"
            )


def _forget_known(store: ox.Store, graph: str, known: list[str]) -> None:
    """Keep in ``graph`` only what no graph of ``known`` holds: the new triples of this round."""
    union = " UNION ".join(f"{{ GRAPH <{other}> {{ ?s ?p ?o }} }}" for other in known)
    store.update(
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} {union} }}"
    )


def infer(store: ox.Store, *, data: str, ontology: str, inferred: str, max_rounds: int = 50) -> Outcome:
    """Fill the ``inferred`` graph with what OWL RL entails from ``ontology`` + ``data``, filtered like
    ``reasoning.infer``: neither asserted nor trivial. Raises UnsupportedOntology for what is not covered."""
    cand = (SCRATCH + "open", SCRATCH + "closed")
    more, delta = SCRATCH + "consequences", SCRATCH + "delta"
    for graph in (inferred, *cand, more, delta):
        store.update(f"DROP SILENT GRAPH <{graph}>")
    close_schema(store, ontology, inferred)
    schema = read_schema(store, [ontology, inferred])
    known = [ontology, data, inferred]
    # Round 0: the compiled single-premise rules over everything asserted, then the joins over everything.
    for source in (ontology, inferred, data):
        _templates(store, schema, source, inferred)
    _joins(store, schema, None, known, cand)
    rounds = 1
    while True:
        for graph in cand:
            _forget_known(store, graph, known)
        if _count(store, cand[0]) + _count(store, cand[1]) == 0:
            break
        if rounds >= max_rounds:
            raise CtlkgError(f"no fixed point after {max_rounds} rounds")
        _templates(store, schema, cand[0], more)
        _forget_known(store, more, [*known, *cand])
        store.update(
            ";".join(
                f"ADD SILENT <{g}> TO <{inferred}> ; ADD SILENT <{g}> TO <{delta}> ; DROP SILENT GRAPH <{g}>"
                for g in (*cand, more)
            )
        )
        _joins(store, schema, delta, known, cand)
        store.update(f"DROP SILENT GRAPH <{delta}>")
        rounds += 1
    _check_functional(store, known)
    for asserted in (ontology, data):  # the compiled rules wrote without asking what was asserted
        store.update(
            f"DELETE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{asserted}> {{ ?s ?p ?o }} "
            f"GRAPH <{inferred}> {{ ?s ?p ?o }} }}"
        )
    store.update(_NOT_WORTH_KEEPING.replace("{inferred}", inferred))
    return Outcome(rounds, _count(store, inferred))


def _check_functional(store: ox.Store, graphs: list[str]) -> None:
    """Two values of a functional property make owlrl equate them (owl:sameAs) and copy every triple of
    one onto the other; the rules do not, so such data is refused rather than reasoned over differently."""
    rows = store.query(
        PREFIXES
        + "SELECT ?x ?p WHERE { ?p a owl:FunctionalProperty . ?x ?p ?a , ?b . FILTER(?a != ?b) } LIMIT 1",
        default_graph=[ox.NamedNode(g) for g in graphs],
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        raise UnsupportedOntology(
            f"{row['x'].value} has two values of the functional property {row['p'].value}: "
            "owlrl would equate them, the fast rules do not; fix the data or use ctlkg.reasoning.reference"
        )
