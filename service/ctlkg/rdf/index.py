"""A small in-memory index over a list of triples, for pages built from a whole (small) named graph.

The ontology and the shapes are a few thousand triples: reading them once per page and walking them in
Python is simpler, and as fast, as a dozen SPARQL queries, and works the same on every backend.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ctlkg.rdf import links

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes whose values Turtle writes bare.
_BARE = {XSD + "integer", XSD + "decimal", XSD + "boolean"}
#: Any term of a triple (a quoted triple too, where RDF 1.2 data has one).
Node = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class GraphIndex:
    """Triples by subject and predicate, and by predicate and object."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._sp: dict[tuple[object, str], list[Node]] = defaultdict(list)
        self._po: dict[tuple[str, object], list[Node]] = defaultdict(list)
        self._s: dict[object, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            self._sp[(t.subject, t.predicate.value)].append(t.object)
            self._po[(t.predicate.value, t.object)].append(t.subject)
            self._s[t.subject].append(t)

    def objects(self, subject: object, predicate: str) -> list[Node]:
        return sorted(self._sp.get((subject, predicate), []), key=str)

    def subjects(self, predicate: str, obj: object) -> list[Node]:
        return sorted(self._po.get((predicate, obj), []), key=str)

    def value(self, subject: object, predicate: str) -> Node | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def about(self, subject: object) -> list[ox.Triple]:
        return list(self._s.get(subject, []))

    def items(self, head: object) -> list[Node]:
        """The members of an RDF list, stopping at rdf:nil or at a malformed cell."""
        members: list[Node] = []
        seen: set[object] = set()
        while isinstance(head, ox.BlankNode) and head not in seen:
            seen.add(head)
            first = self.value(head, RDF + "first")
            if first is None:
                break
            members.append(first)
            head = self.value(head, RDF + "rest")
        return members

    def text(self, subject: object, predicate: str, lang: str) -> str | None:
        """The literal value in ``lang``, else English, Italian, untagged, in that order."""
        literals = [o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)]
        for choice in (lang, "en", "it", None):
            for literal in literals:
                if literal.language == choice:
                    return literal.value
        return literals[0].value if literals else None

    def by_lang(self, subject: object, predicate: str) -> dict[str, str]:
        """Every language's literal, e.g. {"en": "technology cluster", "it": "cluster tecnologico"}."""
        return {
            (o.language or ""): o.value for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)
        }

    def render(self, node: object, depth: int = 0) -> str:
        """A compact Turtle-like text for any node: curies, quoted strings, lists, nested blank nodes."""
        if isinstance(node, ox.NamedNode):
            return links.curie(node.value)
        if isinstance(node, ox.Literal):
            if node.language:
                return f'"{node.value}"@{node.language}'
            datatype = node.datatype.value
            if datatype == XSD + "string":
                return f'"{node.value}"'
            if datatype in _BARE:
                return node.value
            return f'"{node.value}"^^{links.curie(datatype)}'
        if depth > 6:
            return "[…]"
        if self.value(node, RDF + "first") is not None:
            return "( " + " ".join(self.render(item, depth + 1) for item in self.items(node)) + " )"
        parts = [
            f"{links.curie(t.predicate.value)} {self.render(t.object, depth + 1)}" for t in self.about(node)
        ]
        return "[ " + " ; ".join(sorted(parts)) + " ]"
