"""The home page's figures: what the graph holds, and the nine clusters with their key numbers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ctlkg.rdf import links, namespaces
from ctlkg.sparql.backend import Backend
from ctlkg.web.html import listing
from ctlkg.web.html.views import Labels

PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in namespaces.PREFIXES.items())

GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
CLASS_SIZES = (
    PROLOGUE
    + """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class . FILTER(STRSTARTS(STR(?class), STR(ctl:))) }
GROUP BY ?class ORDER BY DESC(?n)
"""
)
CLUSTERS = (
    PROLOGUE
    + """
SELECT ?cluster ?acronym ?total ?companies ?research ?other WHERE {
  ?cluster a ctl:Cluster .
  OPTIONAL { ?cluster ctl:acronym ?acronym }
  OPTIONAL {
    ?cluster ctl:hasStatistics ?stats . ?stats ctl:totalMembers ?total .
    OPTIONAL { ?stats ctl:companyCount ?companies }
    OPTIONAL { ?stats ctl:researchOrganisationCount ?research }
    OPTIONAL { ?stats ctl:otherEntityCount ?other }
  }
}
"""
)
CLUSTER_LINKS = (
    PROLOGUE
    + """
SELECT ?cluster ?kind ?x WHERE {
  ?cluster a ctl:Cluster .
  { ?cluster ctl:hasSeat/ctl:inCity ?x . BIND("city" AS ?kind) }
  UNION { ?cluster ctl:referenceEcosystem ?x . BIND("ecosystem" AS ?kind) }
}
"""
)
LABELS = (
    PROLOGUE
    + """
SELECT ?x ?label WHERE {
  { ?x a ctl:Cluster } UNION { ?c a ctl:Cluster ; ctl:hasSeat/ctl:inCity ?x }
  UNION { ?c a ctl:Cluster ; ctl:referenceEcosystem ?x } UNION { ?x a owl:Class }
  ?x rdfs:label ?label .
}
"""
)
REGION = (
    PROLOGUE
    + """
SELECT ?total ?companies ?research ?other WHERE {
  ?stats a ctl:RegionalStatistics ; ctl:totalMembers ?total .
  OPTIONAL { ?stats ctl:companyCount ?companies }
  OPTIONAL { ?stats ctl:researchOrganisationCount ?research }
  OPTIONAL { ?stats ctl:otherEntityCount ?other }
} LIMIT 1
"""
)


@dataclass(frozen=True)
class Named:
    label: str
    href: str


@dataclass
class ClusterCard:
    """One cluster on the home page: name, acronym, member counts, seat cities, reference ecosystems."""

    iri: str
    href: str
    label: str
    acronym: str | None
    members: dict[str, int | None]
    cities: list[Named] = field(default_factory=list)
    ecosystems: list[Named] = field(default_factory=list)


@dataclass
class Overview:
    graphs: list[tuple[str, str, int]]  # short name, graph IRI, triples
    classes: list[tuple[Named, int]]
    clusters: list[ClusterCard]
    region: dict[str, int | None]


def _number(term: object) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _counts(row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> dict[str, int | None]:
    return {key: _number(row.get(key)) for key in ("total", "companies", "research", "other")}


def build(backend: Backend, lang: str) -> Overview:
    """Everything the home page shows, in five small queries."""
    names = Labels()
    for row in backend.select(LABELS, inferred=False):
        x, label = row.get("x"), row.get("label")
        if isinstance(x, ox.NamedNode) and isinstance(label, ox.Literal):
            names.add(x.value, label)

    short = {
        iri: name
        for name, iri in (
            ("ontology", namespaces.GRAPH_ONTOLOGY),
            ("shapes", namespaces.GRAPH_SHAPES),
            ("data", namespaces.GRAPH_DATA),
            ("inferred", namespaces.GRAPH_INFERRED),
            ("synergies", namespaces.GRAPH_SYNERGIES),
        )
    }
    sizes = {row["g"].value: _number(row["n"]) or 0 for row in backend.select(GRAPH_SIZES) if "g" in row}
    graphs = [
        (short.get(iri, links.curie(iri)), iri, n) for iri, n in sorted(sizes.items(), key=lambda kv: -kv[1])
    ]

    def named(term: ox.NamedNode) -> Named:
        return Named(names.best(term.value, lang), links.href(term.value) or "")

    classes = [
        (Named(names.best(cls.value, lang), listing.href(cls.value) or links.href(cls.value) or ""),
         _number(row.get("n")) or 0)
        for row in backend.select(CLASS_SIZES)
        if isinstance(cls := row.get("class"), ox.NamedNode)
    ]

    cards: dict[str, ClusterCard] = {}
    for row in backend.select(CLUSTERS, inferred=False):
        cluster = row["cluster"]
        if cluster.value in cards and cards[cluster.value].members["total"] is not None:
            continue  # several statistics (years): keep the first complete one
        acronym = row.get("acronym")
        cards[cluster.value] = ClusterCard(
            cluster.value,
            links.href(cluster.value) or "",
            names.best(cluster.value, lang),
            acronym.value if isinstance(acronym, ox.Literal) else None,
            _counts(row),
        )
    linked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in backend.select(CLUSTER_LINKS, inferred=False):
        linked[(row["cluster"].value, row["kind"].value)].add(row["x"].value)
    for card in cards.values():
        card.cities = sorted(
            (named(ox.NamedNode(x)) for x in linked[(card.iri, "city")]), key=lambda n: n.label
        )
        card.ecosystems = sorted(
            (named(ox.NamedNode(x)) for x in linked[(card.iri, "ecosystem")]), key=lambda n: n.label
        )
    region = backend.select(REGION, inferred=False)
    return Overview(
        graphs=graphs,
        classes=classes,
        clusters=sorted(cards.values(), key=lambda c: c.label.casefold()),
        region=_counts(region[0]) if region else {},
    )
