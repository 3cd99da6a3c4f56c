"""The synergies as RDF (ctl:Synergy resources) and their own named graph in an Oxigraph store.

Every pair gets one synergy per dimension, zero scores included, and a combined one that ctl:combines
them: the combined score can then be checked in SPARQL as sum(weight * score) / sum(weight) over its
parts, and "no synergy" is a stated 0 rather than a missing resource.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from ctlkg.rdf import namespaces
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.synergy.scores import (
    COMBINED,
    DIMENSION_BASE,
    DIMENSIONS,
    GRAPH_SYNERGIES,
    Synergy,
    SynergySet,
    compute_synergies,
)

CTL = namespaces.CTL
#: Places kept in every written score: enough to rank and to recompute to the last digit shown.
PLACES = 6
_NAMES = {
    "ecosystems": ("ecosistemi S3", "S3 ecosystems"),
    "pnrr": ("componenti PNRR", "PNRR components"),
    "networks": ("reti e progetti", "networks and projects"),
    "technology-areas": ("aree tecnologiche", "technology areas"),
    "partners": ("partner", "partners"),
    "places": ("luoghi", "places"),
    "programmes": ("programmi di finanziamento", "funding programmes"),
    COMBINED: ("combinata", "combined"),
}


def decimal(value: Fraction, places: int = PLACES) -> Decimal:
    """A fraction as a decimal rounded half-even to ``places`` digits: 1/3 -> 0.333333."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def _decimal_literal(value: Fraction) -> Literal:
    return Literal(str(decimal(value)), datatype=XSD.decimal)


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def _add_pair(graph: Graph, pair: Synergy) -> None:
    names_it = f"{pair.a.short('it')} – {pair.b.short('it')}"
    names_en = f"{pair.a.short('en')} – {pair.b.short('en')}"
    for dimension in (*DIMENSIONS, COMBINED):
        node = URIRef(pair.iri(dimension))
        name_it, name_en = _NAMES[dimension]
        graph.add((node, RDF.type, CTL.Synergy))
        graph.add((node, RDFS.label, Literal(f"Sinergia {names_it}: {name_it}", lang="it")))
        graph.add((node, RDFS.label, Literal(f"Synergy {names_en}: {name_en}", lang="en")))
        graph.add((node, CTL.pairMember, URIRef(pair.a.iri)))
        graph.add((node, CTL.pairMember, URIRef(pair.b.iri)))
        graph.add((node, CTL.dimension, URIRef(DIMENSION_BASE + dimension)))
        graph.add((node, CTL.score, _decimal_literal(pair.score(dimension))))
        graph.add((node, CTL.sharedCount, _count(pair.shared_count(dimension))))
        if dimension == COMBINED:
            for part in DIMENSIONS:
                graph.add((node, CTL.combines, URIRef(pair.iri(part))))
            continue
        scored = pair.dimensions[dimension]
        graph.add((node, CTL.unionCount, _count(scored.union)))
        graph.add((node, CTL.weight, _decimal_literal(pair.weights[dimension])))
        for item in scored.shared:
            graph.add((node, CTL.evidence, URIRef(item.iri)))


def to_graph(synergies: SynergySet) -> Graph:
    """Every pair's synergies as triples, ready for the synergies named graph or a Turtle dump."""
    graph = Graph()
    for prefix, iri in namespaces.PREFIXES.items():
        graph.bind(prefix, iri)
    graph.bind("synergy", namespaces.BASE + "id/synergy/")
    graph.bind("dimension", DIMENSION_BASE)
    for pair in synergies.pairs:
        _add_pair(graph, pair)
    return graph


def load_into_store(store: ox.Store, graph: Graph, name: str = GRAPH_SYNERGIES) -> int:
    """Replace the named graph ``name`` of ``store`` with ``graph``; return the number of triples loaded."""
    target = ox.NamedNode(name)
    store.clear_graph(target)
    payload = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(payload, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    return len(graph)


def materialise(store: ox.Store) -> int:
    """Compute the synergies from a built store (inferences included) with the default weights and
    write them into its synergies graph; what `ctlkg build` calls after loading the other graphs."""
    return load_into_store(store, to_graph(compute_synergies(EmbeddedBackend(store))))
