"""Blank-node labels that do not change between exports of the same data.

A store labels blank nodes at random when it parses, so two dumps of the same data differed. The quads
that hold a blank node are relabelled with rdflib's canonical labelling (``rdflib.compare``, a hash of each
node's place in the graph), which gives isomorphic data the same labels: with a sort, the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdflibLiteral
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def relabelled(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads, sorted, with every blank node given its canonical label (``cb`` and a hash)."""
    plain: list[ox.Quad] = []
    blank: list[ox.Quad] = []
    for quad in quads:
        has_blank = isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
        (blank if has_blank else plain).append(quad)
    return sorted(plain + _canonical(blank), key=str)


def _canonical(quads: list[ox.Quad]) -> list[ox.Quad]:
    if not quads:
        return []
    # rdflib canonicalises one graph: each (predicate, graph) pair becomes a predicate of its own, named
    # by its rank in sorted order, so that blank nodes shared between named graphs keep one label.
    edges = sorted({(q.predicate, q.graph_name) for q in quads}, key=str)
    encoded = {edge: URIRef(f"urn:ctlkg:edge:{i}") for i, edge in enumerate(edges)}
    decoded = {iri: edge for edge, iri in encoded.items()}
    back: dict[Node, Term] = {}
    graph = Graph()
    for q in quads:
        graph.add((_to_rdflib(q.subject, back), encoded[(q.predicate, q.graph_name)],
                   _to_rdflib(q.object, back)))
    result = []
    for s, p, o in to_canonical_graph(graph):
        predicate, graph_name = decoded[URIRef(str(p))]
        result.append(ox.Quad(_to_ox(s, back), predicate, _to_ox(o, back), graph_name))  # type: ignore[arg-type]
    return result


def _to_rdflib(term: object, back: dict[Node, Term]) -> Node:
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.NamedNode):
        node: Node = URIRef(term.value)
    elif isinstance(term, ox.Literal):
        node = RdflibLiteral(term.value, lang=term.language,
                             datatype=None if term.language else URIRef(term.datatype.value))
    else:
        raise TypeError(f"cannot relabel a quad holding {term!r}")
    back[node] = term
    return node


def _to_ox(node: Node, back: dict[Node, Term]) -> Term:
    return ox.BlankNode(str(node)) if isinstance(node, BNode) else back[node]
