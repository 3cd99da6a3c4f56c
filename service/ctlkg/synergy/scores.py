"""Synergies between clusters: per dimension the Jaccard index of two clusters' items, and a weighted mean.

Each dimension is one SPARQL query (``synergy_queries``) listing (cluster, item) rows, linear in the graph;
the pairing is done here in Python, so the store never evaluates a join per pair of clusters. Scores stay
exact fractions until written out, so anyone can recompute them from evidence and counts (docs/synergy.md).

>>> parse_weights("ecosystems:2, places:0")["ecosystems"]
Fraction(2, 1)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Protocol

import pyoxigraph as ox

from ctlkg.errors import NotFound, QueryRefused, shown
from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import Bindings, Row
from ctlkg.synergy.queries import (
    CLUSTERS_QUERY,
    EVIDENCE_LABELS_QUERY,
    ITEM_IRIS_QUERY,
    ITEMS_QUERY,
    MATERIALISED_PAIRS_QUERY,
)

#: The dimensions, in the order they are listed everywhere; "combined" is their weighted mean.
DIMENSIONS: tuple[str, ...] = (
    "ecosystems", "pnrr", "networks", "technology-areas", "partners", "places", "programmes",
)
COMBINED = "combined"
#: The only place the default weights live. Direct collaboration (shared networks and projects, shared
#: partners) and the fine-grained technology areas count double; the coarse lists (eight S3 ecosystems,
#: PNRR components, funding programmes) once; sharing a city or a seat half, as it says where, not what.
DEFAULT_WEIGHTS: Mapping[str, Fraction] = {
    "ecosystems": Fraction(1), "pnrr": Fraction(1), "networks": Fraction(2), "technology-areas": Fraction(2),
    "partners": Fraction(2), "places": Fraction(1, 2), "programmes": Fraction(1),
}
DIMENSION_BASE = namespaces.BASE + "id/synergy-dimension/"
SYNERGY_BASE = namespaces.BASE + "id/synergy/"
GRAPH_SYNERGIES = namespaces.GRAPH_SYNERGIES


class SynergyError(QueryRefused):
    """A request names an unknown dimension or gives weights that cannot be used (HTTP 400)."""


class Selects(Protocol):
    """The one method of ``ctlkg.sparql.backend.Backend`` this module needs."""

    def select(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> list[Row]: ...


@dataclass(frozen=True)
class Item:
    """A shared item behind a score: an ecosystem, a network, a partner, a seat..."""

    iri: str
    label_it: str | None = None
    label_en: str | None = None


@dataclass(frozen=True)
class Cluster:
    iri: str
    slug: str
    label_it: str | None = None
    label_en: str | None = None
    acronym: str | None = None
    members: int | None = None

    @property
    def name(self) -> str:
        return self.short("en")

    def short(self, lang: str) -> str:
        """The short name people use: the acronym, else the label in ``lang``, else any label."""
        first, second = (self.label_it, self.label_en) if lang == "it" else (self.label_en, self.label_it)
        return self.acronym or first or second or self.slug


@dataclass(frozen=True)
class DimensionScore:
    """Two clusters in one dimension: |shared| / (count_a + count_b - |shared|), 0 when both hold nothing."""

    dimension: str
    shared: tuple[Item, ...]
    count_a: int
    count_b: int

    @property
    def union(self) -> int:
        return self.count_a + self.count_b - len(self.shared)

    @property
    def score(self) -> Fraction:
        return Fraction(len(self.shared), self.union) if self.union else Fraction(0)


@dataclass(frozen=True)
class Synergy:
    """One pair of clusters (a before b by slug): a score per dimension and their weighted mean."""

    a: Cluster
    b: Cluster
    dimensions: Mapping[str, DimensionScore]
    weights: Mapping[str, Fraction]

    @property
    def combined(self) -> Fraction:
        total = sum(self.weights.values(), Fraction(0))
        return sum((w * self.dimensions[d].score for d, w in self.weights.items()), Fraction(0)) / total

    def score(self, dimension: str = COMBINED) -> Fraction:
        return self.combined if dimension == COMBINED else self.dimensions[dimension].score

    def shared_count(self, dimension: str = COMBINED) -> int:
        if dimension == COMBINED:
            return sum(len(s.shared) for d, s in self.dimensions.items() if self.weights.get(d))
        return len(self.dimensions[dimension].shared)

    def iri(self, dimension: str = COMBINED) -> str:
        return f"{SYNERGY_BASE}{self.a.slug}--{self.b.slug}/{dimension}"

    def other(self, cluster: Cluster) -> Cluster:
        return self.b if cluster == self.a else self.a


@dataclass(frozen=True)
class SynergySet:
    """Every pair of clusters, scored with one set of weights; reweighting needs no new query."""

    clusters: tuple[Cluster, ...]
    pairs: tuple[Synergy, ...]
    weights: Mapping[str, Fraction]

    def reweighted(self, weights: Mapping[str, Fraction] | None) -> SynergySet:
        full = complete_weights(weights)
        pairs = tuple(Synergy(p.a, p.b, p.dimensions, full) for p in self.pairs)
        return SynergySet(self.clusters, pairs, full)

    def cluster(self, key: str) -> Cluster:
        """A cluster by slug or IRI; NotFound (HTTP 404) when there is none."""
        for cluster in self.clusters:
            if key in (cluster.slug, cluster.iri):
                return cluster
        raise NotFound(f"unknown cluster {shown(key)}: use one of {', '.join(c.slug for c in self.clusters)}")

    def ranked(
        self, dimension: str = COMBINED, *, cluster: Cluster | None = None, min_score: float | Fraction = 0
    ) -> list[Synergy]:
        """Pairs by falling score in the dimension (ties by slugs), optionally those of one cluster only."""
        check_dimension(dimension)
        # Through str, so 0.1 means one tenth and not the binary float nearest to it.
        threshold = Fraction(str(min_score)) if isinstance(min_score, float) else Fraction(min_score)
        chosen = [
            p for p in self.pairs
            if (cluster is None or cluster in (p.a, p.b)) and p.score(dimension) >= threshold
        ]
        return sorted(chosen, key=lambda p: (-p.score(dimension), p.a.slug, p.b.slug))


def check_dimension(dimension: str) -> str:
    if dimension not in (*DIMENSIONS, COMBINED):
        names = ", ".join((*DIMENSIONS, COMBINED))
        raise SynergyError(f"unknown dimension {shown(dimension)}: use one of {names}")
    return dimension


def parse_weights(text: str | None) -> dict[str, Fraction]:
    """Weights as 'dimension:weight' pairs separated by commas; dimensions not named keep their default."""
    given: dict[str, Fraction] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = (s.strip() for s in part.partition(":"))
        if not sep or name in given:
            shown_part = shown(part.strip())
            raise SynergyError(f"bad weight {shown_part}: write each dimension once, as dimension:weight")
        if name not in DIMENSIONS:
            names = ", ".join(DIMENSIONS)
            raise SynergyError(f"unknown dimension {shown(name)} in weights: use one of {names}")
        try:
            given[name] = Fraction(value)
        except (ValueError, ZeroDivisionError) as exc:
            raise SynergyError(f"bad weight for {name}: {shown(value)} is not a number") from exc
    return complete_weights(given)


def complete_weights(weights: Mapping[str, Fraction] | None) -> dict[str, Fraction]:
    """The defaults overridden by ``weights``; SynergyError for a negative weight or when all are 0."""
    full = {**DEFAULT_WEIGHTS, **(weights or {})}
    if set(full) != set(DIMENSIONS):
        raise SynergyError(f"unknown dimension in weights: {', '.join(sorted(set(full) - set(DIMENSIONS)))}")
    if any(w < 0 for w in full.values()) or not any(full.values()):
        raise SynergyError("weights must be 0 or more, and at least one must be more than 0")
    return {d: Fraction(full[d]) for d in DIMENSIONS}


def _text(row: Row, name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def _slug(iri: str) -> str:
    prefix = namespaces.BASE + "id/cluster/"
    return iri[len(prefix) :] if iri.startswith(prefix) else iri.rstrip("/").rsplit("/", 1)[-1]


def fetch_clusters(backend: Selects) -> tuple[Cluster, ...]:
    """The clusters with their labels and the member total of their latest statistics, sorted by slug."""
    latest: dict[str, tuple[str, Cluster]] = {}
    for row in backend.select(CLUSTERS_QUERY):
        iri, members = row["item"].value, _text(row, "members")
        cluster = Cluster(iri, _slug(iri), _text(row, "label_it"), _text(row, "label_en"),
                          _text(row, "acronym"), int(members) if members is not None else None)
        year = _text(row, "year") or ""
        known = latest.get(iri)
        if known is None or (year, members is not None) > (known[0], known[1].members is not None):
            latest[iri] = (year, cluster)
    return tuple(sorted((c for _, c in latest.values()), key=lambda c: c.slug))


def fetch_items(backend: Selects, dimension: str) -> dict[str, dict[str, Item]]:
    """One dimension's items per cluster IRI: a single query, one row per (cluster, item)."""
    held: dict[str, dict[str, Item]] = {}
    for row in backend.select(ITEMS_QUERY[dimension]):
        item = row["item"]
        if isinstance(item, ox.NamedNode):
            held.setdefault(row["cluster"].value, {})[item.value] = Item(
                item.value, _text(row, "label_it"), _text(row, "label_en")
            )
    return held


def fetch_evidence_labels(backend: Selects) -> dict[str, Item]:
    """The items the materialised synergies name as evidence, labelled."""
    return {
        row["item"].value: Item(row["item"].value, _text(row, "label_it"), _text(row, "label_en"))
        for row in backend.select(EVIDENCE_LABELS_QUERY)
    }


def fetch_item_iris(
    backend: Selects, dimension: str, labelled: Mapping[str, Item]
) -> dict[str, dict[str, Item]]:
    """One dimension's items per cluster IRI without a label query: each takes its label from ``labelled``
    when it is there (the shared ones are), and goes bare otherwise."""
    held: dict[str, dict[str, Item]] = {}
    for row in backend.select(ITEM_IRIS_QUERY[dimension]):
        iri = row["item"].value
        held.setdefault(row["cluster"].value, {})[iri] = labelled.get(iri) or Item(iri)
    return held


def score_pairs(
    clusters: tuple[Cluster, ...],
    items: Mapping[str, Mapping[str, Mapping[str, Item]]],
    weights: Mapping[str, Fraction] | None = None,
    pairs: Collection[tuple[str, str]] | None = None,
) -> SynergySet:
    """The pairs scored from each cluster's items per dimension: every pair, or those of ``pairs`` (cluster
    IRIs, either order); pure, so tests can give it made-up sets."""
    full = complete_weights(weights)
    wanted = None if pairs is None else {frozenset(p) for p in pairs}
    scored = []
    for a, b in combinations(sorted(clusters, key=lambda c: c.slug), 2):
        if wanted is not None and frozenset((a.iri, b.iri)) not in wanted:
            continue
        scores = {}
        for d in DIMENSIONS:
            held_a, held_b = items[d].get(a.iri, {}), items[d].get(b.iri, {})
            shared = tuple(held_a[i] for i in sorted(held_a.keys() & held_b.keys()))
            scores[d] = DimensionScore(d, shared, len(held_a), len(held_b))
        scored.append(Synergy(a, b, scores, full))
    return SynergySet(tuple(clusters), tuple(scored), full)


def materialised_pairs(backend: Selects) -> list[tuple[str, str]]:
    """The pairs the synergies graph holds (every pair up to fifty clusters, each one's best partners
    beyond): what the build chose, so a request never weighs all N²/2 pairs. Empty when not materialised."""
    rows = backend.select(MATERIALISED_PAIRS_QUERY)
    return [(row["a"].value, row["b"].value) for row in rows]


def compute_synergies(
    backend: Selects, weights: Mapping[str, Fraction] | None = None, *, materialised: bool = False
) -> SynergySet:
    """Query the backend once per dimension (inferences included) and score the pairs of clusters: every
    pair, or with ``materialised`` those the synergies graph holds (every pair if it holds none)."""
    full = complete_weights(weights)  # fail on bad weights before any query runs
    chosen = (materialised_pairs(backend) or None) if materialised else None
    if chosen is None:
        items = {d: fetch_items(backend, d) for d in DIMENSIONS}
    else:
        # The chosen pairs' shared items are the graph's evidence: only those need labels.
        labelled = fetch_evidence_labels(backend)
        items = {d: fetch_item_iris(backend, d, labelled) for d in DIMENSIONS}
    return score_pairs(fetch_clusters(backend), items, full, chosen)
