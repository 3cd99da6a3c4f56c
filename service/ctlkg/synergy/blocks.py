"""Synergies at scale: every pair of clusters scored in numpy blocks, the best pairs materialised.

``synergy.compute_synergies`` scores all N²/2 pairs in Python, one Fraction at a time, and
``synergy_graph.to_graph`` writes ~80 triples per pair through rdflib: fine for the nine clusters, hours and
tens of millions of triples at 1,000. Here the (cluster, item) rows come from the same SPARQL patterns
(``synergy_queries.PATTERNS``), shared items are counted for a block of clusters against all of them at once
(an item lists its holders; a block's items expand into (row, holder) pairs that ``bincount`` adds up), and
the combined score ranks the pairs. Up to ``ALL_PAIRS_UP_TO`` clusters every pair is written, triple for
triple what ``to_graph`` writes (tests/shacl/test_fastbuild_equivalence.py); above, each cluster keeps its
``top_k`` best partners, so the graph grows as N·k, not N².
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import numpy as np
import pyoxigraph as ox

from ctlkg.rdf import namespaces
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.synergy.graph import _NAMES, decimal
from ctlkg.synergy.queries import ITEM_IRIS_QUERY
from ctlkg.synergy.scores import (
    COMBINED,
    DEFAULT_WEIGHTS,
    DIMENSION_BASE,
    DIMENSIONS,
    Cluster,
    DimensionScore,
    Item,
    Synergy,
    fetch_clusters,
)

ALL_PAIRS_UP_TO = 50
TOP_K = 10
_CTL, _XSD = str(namespaces.CTL), str(namespaces.XSD)


@dataclass(frozen=True)
class Outcome:
    clusters: int
    pairs: int
    triples: int


class _Dimension:
    """One dimension's items per cluster: Python sets, and CSR indexes cluster->items and item->holders."""

    def __init__(self, held: list[set[str]]) -> None:
        self.held = held
        ids: dict[str, int] = {}
        pairs = [
            (c, ids.setdefault(item, len(ids))) for c, items in enumerate(held) for item in sorted(items)
        ]
        owners = np.array([c for c, _ in pairs], dtype=np.int64)
        items = np.array([i for _, i in pairs], dtype=np.int64)
        self.counts = np.bincount(owners, minlength=len(held)).astype(np.float64)
        self.c_ptr = np.concatenate([[0], np.cumsum(np.bincount(owners, minlength=len(held)))])
        self.c_items = items
        order = np.argsort(items, kind="stable")
        self.i_ptr = np.concatenate([[0], np.cumsum(np.bincount(items, minlength=len(ids)))])
        self.i_holders = owners[order]

    def shared(self, lo: int, hi: int, n: int) -> np.ndarray:
        """Items shared by each cluster of [lo, hi) with each of the n clusters: a (hi - lo) x n matrix."""
        items = self.c_items[self.c_ptr[lo] : self.c_ptr[hi]]
        owners = np.repeat(np.arange(hi - lo), np.diff(self.c_ptr[lo : hi + 1]))
        counts = self.i_ptr[items + 1] - self.i_ptr[items]
        starts = self.i_ptr[items] - (np.cumsum(counts) - counts)
        holders = self.i_holders[np.repeat(starts, counts) + np.arange(int(counts.sum()))]
        cells = np.bincount(np.repeat(owners, counts) * n + holders, minlength=(hi - lo) * n)
        return cells.reshape(hi - lo, n).astype(np.float64)


def _best(scores: np.ndarray, k: int) -> list[int]:
    """The k best columns of a row, ties broken by column (slug) order, so the choice is deterministic."""
    if k >= scores.size:
        return sorted(range(scores.size), key=lambda j: (-scores[j], j))
    threshold = np.partition(scores, scores.size - k)[scores.size - k]
    above = [int(j) for j in np.flatnonzero(scores > threshold)]
    ties = [int(j) for j in np.flatnonzero(scores == threshold)]
    return sorted(above + ties[: k - len(above)], key=lambda j: (-scores[j], j))


def choose_pairs(dims: dict[str, _Dimension], n: int, top_k: int) -> set[tuple[int, int]]:
    """Each cluster's ``top_k`` partners by combined score (default weights), as (low, high) index pairs."""
    total = float(sum(DEFAULT_WEIGHTS.values()))
    block = max(1, 4_000_000 // n)
    chosen: set[tuple[int, int]] = set()
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        combined = np.zeros((hi - lo, n))
        for d, dim in dims.items():
            shared = dim.shared(lo, hi, n)
            union = dim.counts[lo:hi, None] + dim.counts[None, :] - shared
            combined += float(DEFAULT_WEIGHTS[d]) * np.divide(
                shared, union, out=np.zeros_like(shared), where=union > 0
            )
        combined /= total
        for row in range(hi - lo):
            combined[row, lo + row] = -1.0  # never one's own partner
            chosen.update((min(lo + row, j), max(lo + row, j)) for j in _best(combined[row], top_k))
    return chosen


def pair_synergy(a: Cluster, b: Cluster, held_a: dict[str, set[str]], held_b: dict[str, set[str]]) -> Synergy:
    """The exact synergy of two clusters from their items per dimension, with the default weights."""
    scores = {
        d: DimensionScore(
            d, tuple(Item(i) for i in sorted(held_a[d] & held_b[d])), len(held_a[d]), len(held_b[d])
        )
        for d in DIMENSIONS
    }
    return Synergy(a, b, scores, dict(DEFAULT_WEIGHTS))


def _literal(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"' + (f"@{lang}" if lang else f"^^<{_XSD}{datatype}>" if datatype else "")


def ntriples(pair: Synergy) -> list[str]:
    """The pair's triples as ``synergy_graph.to_graph`` writes them, as N-Triples lines."""
    lines = []
    names = {lang: f"{pair.a.short(lang)} – {pair.b.short(lang)}" for lang in ("it", "en")}
    for dimension in (*DIMENSIONS, COMBINED):
        node = f"<{pair.iri(dimension)}>"
        name_it, name_en = _NAMES[dimension]
        objects = [
            (str(namespaces.RDF.type), f"<{_CTL}Synergy>"),
            (
                str(namespaces.RDFS.label),
                _literal(f"Sinergia {names['it']}: {name_it}", lang="it"),
            ),
            (
                str(namespaces.RDFS.label),
                _literal(f"Synergy {names['en']}: {name_en}", lang="en"),
            ),
            (f"{_CTL}pairMember", f"<{pair.a.iri}>"),
            (f"{_CTL}pairMember", f"<{pair.b.iri}>"),
            (f"{_CTL}dimension", f"<{DIMENSION_BASE}{dimension}>"),
            (f"{_CTL}score", _literal(str(decimal(pair.score(dimension))), datatype="decimal")),
            (
                f"{_CTL}sharedCount",
                _literal(str(pair.shared_count(dimension)), datatype="integer"),
            ),
        ]
        if dimension == COMBINED:
            objects += [(f"{_CTL}combines", f"<{pair.iri(part)}>") for part in DIMENSIONS]
        else:
            scored = pair.dimensions[dimension]
            objects += [
                (f"{_CTL}unionCount", _literal(str(scored.union), datatype="integer")),
                (
                    f"{_CTL}weight",
                    _literal(str(decimal(Fraction(pair.weights[dimension]))), datatype="decimal"),
                ),
            ]
            objects += [(f"{_CTL}evidence", f"<{item.iri}>") for item in scored.shared]
        lines += [f"{node} <{p}> {o} ." for p, o in objects]
    return lines


def materialise(
    store: ox.Store, *, graph: str = namespaces.GRAPH_SYNERGIES, top_k: int | None = None
) -> Outcome:
    """Score the pairs of a reasoned store and replace ``graph`` with the chosen ones. ``top_k`` None: every
    pair up to ALL_PAIRS_UP_TO clusters, else each cluster's TOP_K best partners."""
    clusters = fetch_clusters(EmbeddedBackend(store))
    index = {c.iri: i for i, c in enumerate(clusters)}
    named: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        ox.NamedNode(g) for g in (namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_DATA, namespaces.GRAPH_INFERRED)
    ]
    held: dict[str, list[set[str]]] = {d: [set() for _ in clusters] for d in DIMENSIONS}
    for d in DIMENSIONS:
        rows = store.query(ITEM_IRIS_QUERY[d], default_graph=named)
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            if (i := index.get(row["cluster"].value)) is not None:
                held[d][i].add(row["item"].value)
    n = len(clusters)
    if top_k is None and n <= ALL_PAIRS_UP_TO:
        chosen = set(combinations(range(n), 2))
    else:
        chosen = choose_pairs({d: _Dimension(held[d]) for d in DIMENSIONS}, n, top_k or TOP_K)
    lines: list[str] = []
    for a, b in sorted(chosen):
        lines += ntriples(
            pair_synergy(
                clusters[a],
                clusters[b],
                {d: held[d][a] for d in DIMENSIONS},
                {d: held[d][b] for d in DIMENSIONS},
            )
        )
    target = ox.NamedNode(graph)
    store.clear_graph(target)
    store.bulk_load("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    return Outcome(n, len(chosen), len(lines))
