"""Synergies as JSON with evidence links, and as a cluster network for Gephi and NetworkX.

The network formats (GraphML, GEXF 1.2, node-link JSON, Gephi's node and edge CSV tables) all carry the
same graph: the clusters as nodes (label, acronym, members) and an undirected edge for every pair whose
score in the chosen dimension is above 0, weighted by that score, with every dimension's score beside it.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ctlkg.rdf import links
from ctlkg.synergy.graph import decimal
from ctlkg.synergy.scores import (
    COMBINED,
    DIMENSION_BASE,
    DIMENSIONS,
    Cluster,
    Item,
    Synergy,
    SynergySet,
    check_dimension,
)

#: Network format name -> (media type, file extension).
NETWORK_FORMATS: dict[str, tuple[str, str]] = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "json": ("application/json", "json"),
}
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"
#: Node attributes: name -> (GraphML type, GEXF type).
_NODE_ATTRS = {"label": "string", "label_it": "string", "label_en": "string", "acronym": "string",
               "members": "int", "iri": "string"}
_EDGE_ATTRS = {"weight": "double", **{d: "double" for d in (*DIMENSIONS, COMBINED)}, "shared": "int",
               "iri": "string"}
_GEXF_TYPES = {"string": "string", "int": "integer", "double": "double"}


def number(value: Fraction) -> float:
    """A score or weight as JSON shows it: rounded as in the RDF, so both say the same."""
    return float(decimal(value))


def _labels(it: str | None, en: str | None) -> dict[str, str]:
    return {lang: text for lang, text in (("it", it), ("en", en)) if text is not None}


def item_json(item: Item) -> dict[str, Any]:
    return {"iri": item.iri, "href": links.href(item.iri), "label": _labels(item.label_it, item.label_en)}


def cluster_json(cluster: Cluster) -> dict[str, Any]:
    return {"slug": cluster.slug, "iri": cluster.iri, "href": links.href(cluster.iri), "name": cluster.name,
            "label": _labels(cluster.label_it, cluster.label_en), "acronym": cluster.acronym,
            "members": cluster.members}


def weights_json(weights: Mapping[str, Fraction]) -> dict[str, float]:
    return {d: number(w) for d, w in weights.items()}


def synergy_json(pair: Synergy, dimension: str = COMBINED, *, focus: Cluster | None = None) -> dict[str, Any]:
    """One pair: its score in ``dimension`` and, per dimension, the counts and the evidence behind it."""
    parts = {}
    for d, scored in pair.dimensions.items():
        parts[d] = {
            "iri": pair.iri(d), "href": links.href(pair.iri(d)), "score": number(scored.score),
            "fraction": str(scored.score), "shared_count": len(scored.shared), "union_count": scored.union,
            "count_a": scored.count_a, "count_b": scored.count_b, "weight": number(pair.weights[d]),
            "evidence": [item_json(i) for i in scored.shared],
        }
    body: dict[str, Any] = {
        "iri": pair.iri(dimension), "href": links.href(pair.iri(dimension)),
        "clusters": [cluster_json(pair.a), cluster_json(pair.b)],
        "dimension": dimension, "dimension_iri": DIMENSION_BASE + dimension,
        "score": number(pair.score(dimension)), "shared_count": pair.shared_count(dimension),
        "combined": number(pair.combined), "dimensions": parts,
    }
    if focus is not None:
        body["partner"] = cluster_json(pair.other(focus))
    return body


def listing_json(
    synergies: SynergySet, dimension: str = COMBINED, *, min_score: float = 0.0, focus: Cluster | None = None,
    limit: int | None = None, offset: int = 0, ranked: Sequence[Synergy] | None = None,
) -> dict[str, Any]:
    """The ranked pairs (those of ``focus`` only, when given; ``limit`` of them from ``offset``) as the API
    returns them; ``count`` is how many pairs there are in all. Pass ``ranked`` when the ranking is kept."""
    if ranked is None:
        ranked = synergies.ranked(dimension, cluster=focus, min_score=min_score)
    body: dict[str, Any] = {"dimension": dimension, "weights": weights_json(synergies.weights),
                            "min_score": min_score, "count": len(ranked)}
    if limit is not None:
        body["limit"] = limit
        body["offset"] = offset
        ranked = ranked[offset : offset + limit]
    if focus is not None:
        body["cluster"] = cluster_json(focus)
    body["synergies"] = [synergy_json(p, dimension, focus=focus) for p in ranked]
    return body


def _node_values(cluster: Cluster) -> dict[str, Any]:
    values = {"label": cluster.name, "label_it": cluster.label_it, "label_en": cluster.label_en,
              "acronym": cluster.acronym, "members": cluster.members, "iri": cluster.iri}
    return {k: v for k, v in values.items() if v is not None}


def _edges(synergies: SynergySet, dimension: str, min_score: float) -> list[tuple[Synergy, dict[str, Any]]]:
    check_dimension(dimension)
    edges = []
    for pair in synergies.ranked(dimension, min_score=min_score):
        if pair.score(dimension) > 0:  # an edge of weight 0 would only clutter the drawing
            values = {"weight": number(pair.score(dimension)),
                      **{d: number(pair.score(d)) for d in (*DIMENSIONS, COMBINED)},
                      "shared": pair.shared_count(dimension), "iri": pair.iri(dimension)}
            edges.append((pair, values))
    return edges


def _weights_text(weights: Mapping[str, Fraction]) -> str:
    return ",".join(f"{d}:{number(w):g}" for d, w in weights.items())


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    payload: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return payload


def graphml(synergies: SynergySet, dimension: str = COMBINED, *, min_score: float = 0.0) -> bytes:
    root = ET.Element("graphml", xmlns=GRAPHML_NS)
    graph_attrs = {"dimension": "string", "weights": "string"}
    for kind, attrs in (("graph", graph_attrs), ("node", _NODE_ATTRS), ("edge", _EDGE_ATTRS)):
        for name, kind_type in attrs.items():
            ET.SubElement(root, "key", {"id": f"{kind[0]}_{name}", "for": kind, "attr.name": name,
                                        "attr.type": kind_type})
    graph = ET.SubElement(root, "graph", id="synergies", edgedefault="undirected")
    ET.SubElement(graph, "data", key="g_dimension").text = dimension
    ET.SubElement(graph, "data", key="g_weights").text = _weights_text(synergies.weights)
    for cluster in synergies.clusters:
        node = ET.SubElement(graph, "node", id=cluster.slug)
        for name, value in _node_values(cluster).items():
            ET.SubElement(node, "data", key=f"n_{name}").text = str(value)
    for count, (pair, values) in enumerate(_edges(synergies, dimension, min_score)):
        edge = ET.SubElement(graph, "edge", id=f"e{count}", source=pair.a.slug, target=pair.b.slug)
        for name, value in values.items():
            ET.SubElement(edge, "data", key=f"e_{name}").text = str(value)
    return _xml(root)


def _gexf_attributes(graph: ET.Element, kind: str, attrs: Mapping[str, str]) -> None:
    block = ET.SubElement(graph, "attributes", {"class": kind})
    for name, kind_type in attrs.items():
        ET.SubElement(block, "attribute", id=name, title=name, type=_GEXF_TYPES[kind_type])


def _attvalues(parent: ET.Element, values: Mapping[str, Any]) -> None:
    block = ET.SubElement(parent, "attvalues")
    for name, value in values.items():
        ET.SubElement(block, "attvalue", {"for": name, "value": str(value)})


def gexf(synergies: SynergySet, dimension: str = COMBINED, *, min_score: float = 0.0) -> bytes:
    root = ET.Element("gexf", xmlns=GEXF_NS, version="1.2")
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "ctlkg"
    ET.SubElement(meta, "description").text = (
        f"Synergies between the Lombardy technology clusters; dimension {dimension}; "
        f"weights {_weights_text(synergies.weights)}"
    )
    graph = ET.SubElement(root, "graph", mode="static", defaultedgetype="undirected")
    node_attrs = {k: v for k, v in _NODE_ATTRS.items() if k != "label"}  # GEXF has its own label
    _gexf_attributes(graph, "node", node_attrs)
    _gexf_attributes(graph, "edge", {k: v for k, v in _EDGE_ATTRS.items() if k != "weight"})
    nodes = ET.SubElement(graph, "nodes")
    for cluster in synergies.clusters:
        node = ET.SubElement(nodes, "node", id=cluster.slug, label=cluster.name)
        _attvalues(node, {k: v for k, v in _node_values(cluster).items() if k in node_attrs})
    edges = ET.SubElement(graph, "edges")
    for count, (pair, values) in enumerate(_edges(synergies, dimension, min_score)):
        edge = ET.SubElement(edges, "edge", id=str(count), source=pair.a.slug, target=pair.b.slug,
                             label=f"{pair.a.name} – {pair.b.name}", weight=str(values["weight"]))
        _attvalues(edge, {k: v for k, v in values.items() if k != "weight"})
    return _xml(root)


def node_link(synergies: SynergySet, dimension: str = COMBINED, *, min_score: float = 0.0) -> dict[str, Any]:
    """NetworkX's node-link JSON: ``networkx.node_link_graph(data)`` reads it back."""
    return {
        "directed": False, "multigraph": False,
        "graph": {"dimension": dimension, "weights": weights_json(synergies.weights)},
        "nodes": [{"id": c.slug, **_node_values(c)} for c in synergies.clusters],
        "edges": [{"source": p.a.slug, "target": p.b.slug, **values}
                  for p, values in _edges(synergies, dimension, min_score)],
    }


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def nodes_csv(synergies: SynergySet) -> str:
    """Gephi's node table: Id and Label first, as its importer expects."""
    header = ["Id", "Label", "label_it", "label_en", "acronym", "members", "iri"]
    return _csv(header, [[c.slug, c.name, c.label_it or "", c.label_en or "", c.acronym or "",
                          "" if c.members is None else c.members, c.iri] for c in synergies.clusters])


def edges_csv(synergies: SynergySet, dimension: str = COMBINED, *, min_score: float = 0.0) -> str:
    """Gephi's edge table: Source, Target, Type and Weight first, then every dimension's score."""
    names = [*DIMENSIONS, COMBINED]
    header = ["Source", "Target", "Type", "Weight", *names, "shared", "iri"]
    rows = [[p.a.slug, p.b.slug, "Undirected", v["weight"], *(v[d] for d in names), v["shared"], v["iri"]]
            for p, v in _edges(synergies, dimension, min_score)]
    return _csv(header, rows)
