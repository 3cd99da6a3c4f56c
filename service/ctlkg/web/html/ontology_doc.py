"""The ontology's documentation, generated from the ontology and shapes graphs, so it cannot drift."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ctlkg.rdf import links, namespaces
from ctlkg.rdf.index import GraphIndex, Node
from ctlkg.sparql.backend import Backend

RDF = str(namespaces.RDF)
RDFS = str(namespaces.RDFS)
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
DCT = "http://purl.org/dc/terms/"
VANN = str(namespaces.VANN)
#: Shape keys shown as their own fields, not in the list of constraints.
_SHAPE_FIELDS = {
    RDF + "type",
    SH + "name",
    SH + "message",
    SH + "severity",
    SH + "path",
    SH + "property",
    SH + "targetClass",
    SH + "description",
    RDFS + "comment",
    RDFS + "label",
}
_CHARACTERISTICS = (
    "FunctionalProperty",
    "InverseFunctionalProperty",
    "TransitiveProperty",
    "SymmetricProperty",
    "AsymmetricProperty",
    "ReflexiveProperty",
    "IrreflexiveProperty",
)


@dataclass(frozen=True)
class Link:
    """A term as a link: our terms point at their anchor on this page, others at their own IRI."""

    label: str
    curie: str
    href: str | None


@dataclass
class ShapeDoc:
    """A SHACL shape: its name and message in the reader's language, its constraints as compact text."""

    curie: str
    name: str | None
    message: str | None
    severity: str
    path: str | None = None
    constraints: list[tuple[str, str]] = field(default_factory=list)
    properties: list[ShapeDoc] = field(default_factory=list)
    inherited_from: Link | None = None


@dataclass
class TermDoc:
    """A class or a property: labels and comments in both languages and every axiom that touches it."""

    iri: str
    anchor: str
    curie: str
    labels: dict[str, str]
    comments: dict[str, str]
    #: (key of the page's words, values): superclasses, domain, inverse, chain, ...
    axioms: list[tuple[str, list[Link | str]]] = field(default_factory=list)
    shapes: list[ShapeDoc] = field(default_factory=list)


@dataclass
class OntologyDoc:
    iri: str
    header: dict[str, str | None]
    license: Link | None
    classes: list[TermDoc]
    object_properties: list[TermDoc]
    datatype_properties: list[TermDoc]


class _Builder:
    """Reads the two graphs once; every method turns one part of them into the page's model."""

    def __init__(self, ontology: list[ox.Triple], shapes: list[ox.Triple], lang: str) -> None:
        self.g = GraphIndex(ontology)
        self.sh = GraphIndex(shapes)
        self.lang = lang

    def link(self, node: Node) -> Link | str:
        if not isinstance(node, ox.NamedNode):
            return self.restriction(node) or self.g.render(node)
        label = self.g.text(node, RDFS + "label", self.lang) or links.curie(node.value)
        return Link(label, links.curie(node.value), links.href(node.value))

    def restriction(self, node: Node) -> str | None:
        """An OWL restriction in Manchester syntax (``ctl:memberOf some ctl:Cluster``), else None."""
        on = self.g.value(node, OWL + "onProperty")
        if on is None:
            return None
        for key, word in (("someValuesFrom", "some"), ("allValuesFrom", "only"), ("hasValue", "value")):
            filler = self.g.value(node, OWL + key)
            if filler is not None:
                return f"{self.g.render(on)} {word} {self.g.render(filler)}"
        return None

    def links(self, subject: object, predicate: str) -> list[Link | str]:
        return [self.link(o) for o in self.g.objects(subject, predicate)]

    def ours(self, kind: str) -> list[ox.NamedNode]:
        found = self.g.subjects(RDF + "type", ox.NamedNode(OWL + kind))
        return [n for n in found if isinstance(n, ox.NamedNode) and n.value.startswith(str(namespaces.CTL))]

    def term(self, node: ox.NamedNode, axioms: list[tuple[str, list[Link | str]]]) -> TermDoc:
        return TermDoc(
            iri=node.value,
            anchor=node.value[len(str(namespaces.CTL)) :],
            curie=links.curie(node.value),
            labels=self.g.by_lang(node, RDFS + "label"),
            comments=self.g.by_lang(node, RDFS + "comment"),
            axioms=[(name, values) for name, values in axioms if values],
        )

    def superclasses(self, node: ox.NamedNode) -> list[ox.NamedNode]:
        """The class and its named superclasses, nearest first (shapes of each apply to the class)."""
        order, queue = [node], [node]
        while queue:
            for parent in self.g.objects(queue.pop(0), RDFS + "subClassOf"):
                if isinstance(parent, ox.NamedNode) and parent not in order:
                    order.append(parent)
                    queue.append(parent)
        return order

    def shape(self, node: Node, inherited_from: Link | None = None) -> ShapeDoc:
        sh = self.sh
        severity = sh.value(node, SH + "severity")
        path = sh.value(node, SH + "path")
        constraints = sorted(
            (links.curie(t.predicate.value), sh.render(t.object))
            for t in sh.about(node)
            if t.predicate.value not in _SHAPE_FIELDS
        )
        return ShapeDoc(
            curie=links.curie(node.value) if isinstance(node, ox.NamedNode) else "[ ]",
            name=sh.text(node, SH + "name", self.lang),
            message=sh.text(node, SH + "message", self.lang),
            severity=severity.value.removeprefix(SH) if isinstance(severity, ox.NamedNode) else "Violation",
            path=self.path(path) if path is not None else None,
            constraints=constraints,
            properties=[self.shape(p) for p in sh.objects(node, SH + "property")],
            inherited_from=inherited_from,
        )

    def path(self, node: Node) -> str:
        """A SHACL path in SPARQL property-path syntax: ``^ctl:memberOf``, ``a | b``, ``a / b``."""
        sh = self.sh
        if isinstance(node, ox.NamedNode):
            return links.curie(node.value)
        if sh.value(node, RDF + "first") is not None:
            return " / ".join(self.path(step) for step in sh.items(node))
        for key, template in (
            ("inversePath", "^{}"),
            ("zeroOrMorePath", "{}*"),
            ("oneOrMorePath", "{}+"),
            ("zeroOrOnePath", "{}?"),
        ):
            inner = sh.value(node, SH + key)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = sh.value(node, SH + "alternativePath")
        if alternatives is not None:
            return "(" + " | ".join(self.path(step) for step in sh.items(alternatives)) + ")"
        return sh.render(node)

    def shapes_for(self, node: ox.NamedNode) -> list[ShapeDoc]:
        """The class's own shapes, violations first, then those it inherits from its superclasses."""
        found = []
        for cls in self.superclasses(node):
            origin = None if cls == node else self.link(cls)
            for shape in self.sh.subjects(SH + "targetClass", cls):
                found.append(self.shape(shape, origin if isinstance(origin, Link) else None))
        rank = {"Violation": 0, "Warning": 1, "Info": 2}
        return sorted(found, key=lambda s: (s.inherited_from is not None, rank.get(s.severity, 3), s.curie))

    def klass(self, node: ox.NamedNode) -> TermDoc:
        g = self.g
        doc = self.term(
            node,
            [
                ("superclasses", self.links(node, RDFS + "subClassOf")),
                ("subclasses", [self.link(s) for s in g.subjects(RDFS + "subClassOf", node)]),
                ("equivalent", self.links(node, OWL + "equivalentClass")),
                ("disjoint", self.links(node, OWL + "disjointWith")),
                ("domain_of", [self.link(s) for s in g.subjects(RDFS + "domain", node)]),
                ("range_of", [self.link(s) for s in g.subjects(RDFS + "range", node)]),
            ],
        )
        doc.shapes = self.shapes_for(node)
        return doc

    def inverses(self, node: ox.NamedNode) -> list[Node]:
        """Inverses declared either way round: ``owl:inverseOf`` is symmetric; a file may state it once."""
        stated = self.g.objects(node, OWL + "inverseOf")
        return stated + [s for s in self.g.subjects(OWL + "inverseOf", node) if s not in stated]

    def prop(self, node: ox.NamedNode) -> TermDoc:
        g = self.g
        types = {
            t.value.removeprefix(OWL) for t in g.objects(node, RDF + "type") if isinstance(t, ox.NamedNode)
        }
        chains: list[Link | str] = [
            " ∘ ".join(links.curie(s.value) if isinstance(s, ox.NamedNode) else "?" for s in g.items(chain))
            for chain in g.objects(node, OWL + "propertyChainAxiom")
        ]
        return self.term(
            node,
            [
                ("domain", self.links(node, RDFS + "domain")),
                ("range", self.links(node, RDFS + "range")),
                ("inverse", [self.link(n) for n in self.inverses(node)]),
                ("subproperty_of", self.links(node, RDFS + "subPropertyOf")),
                ("subproperties", [self.link(s) for s in g.subjects(RDFS + "subPropertyOf", node)]),
                ("chain", chains),
                ("characteristics", [c for c in _CHARACTERISTICS if c in types]),
            ],
        )


def _sorted(docs: list[TermDoc], lang: str) -> list[TermDoc]:
    return sorted(docs, key=lambda d: (d.labels.get(lang) or d.anchor).casefold())


def build(backend: Backend, lang: str) -> OntologyDoc:
    """The model of /ontology in the reader's language, from the ontology and shapes named graphs."""
    b = _Builder(backend.graph(namespaces.GRAPH_ONTOLOGY), backend.graph(namespaces.GRAPH_SHAPES), lang)
    onto = ox.NamedNode(namespaces.ONTOLOGY_IRI)
    g = b.g
    license_node = g.value(onto, DCT + "license")
    license_link = b.link(license_node) if license_node is not None else None

    def lexical(predicate: str) -> str | None:
        node = g.value(onto, predicate)
        return node.value if isinstance(node, ox.NamedNode | ox.Literal) else None

    header = {
        "title": g.text(onto, DCT + "title", lang),
        "description": g.text(onto, DCT + "description", lang),
        "version": lexical(OWL + "versionInfo"),
        "version_iri": lexical(OWL + "versionIRI"),
        "prefix": lexical(VANN + "preferredNamespacePrefix"),
        "namespace": lexical(VANN + "preferredNamespaceUri"),
        "created": lexical(DCT + "created"),
        "modified": lexical(DCT + "modified"),
        "creator": g.text(onto, DCT + "creator", lang),
    }
    return OntologyDoc(
        iri=namespaces.ONTOLOGY_IRI,
        header=header,
        license=license_link if isinstance(license_link, Link) else None,
        classes=_sorted([b.klass(c) for c in b.ours("Class")], lang),
        object_properties=_sorted([b.prop(p) for p in b.ours("ObjectProperty")], lang),
        datatype_properties=_sorted([b.prop(p) for p in b.ours("DatatypeProperty")], lang),
    )
