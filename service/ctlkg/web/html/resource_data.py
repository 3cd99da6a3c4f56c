"""What the graph says about one resource: its concise bounded description, the labels to show, inbound links.

Every query binds the resource through ``bindings`` (never pasted into the text), and asserted and
inferred facts are told apart by asking twice, with and without the inferences, so any backend works.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import Backend, Row, Term
from ctlkg.web.html.views import Labels, PropertyRow, Value, fold_aligned, make_value, ordered_rows

#: How deep blank nodes nest in a description (an address, an OWL restriction, an RDF list of a chain axiom).
CBD_DEPTH = 6
RDF_TYPE = str(namespaces.RDF.type)


def _cbd_query(depth: int = CBD_DEPTH) -> str:
    """A CONSTRUCT of the CBD: the resource's triples, then its blank-node objects', ``depth`` levels down."""
    template = "?this ?p1 ?o1 . " + " ".join(f"?o{i} ?p{i + 1} ?o{i + 1} ." for i in range(1, depth))
    inner = ""
    for i in range(depth - 1, 0, -1):
        inner = f"OPTIONAL {{ ?o{i} ?p{i + 1} ?o{i + 1} . FILTER(isBlank(?o{i})) {inner}}} "
    return f"CONSTRUCT {{ {template} }} WHERE {{ ?this ?p1 ?o1 . {inner}}}"


CBD = _cbd_query()

#: The first branch names the resource itself through one of its own labels: a bare ``BIND(?this AS ?x)``
#: would see ?this unbound inside its group (SPARQL evaluates groups bottom-up), leave ?x free and fetch
#: every label in the graph (for one cluster: 2,260 rows in 1.8 s with the binding sent as VALUES, as the
#: remote backend sends it, against about 800 rows in under 10 ms).
LABELS = """
SELECT ?this ?x ?label ?rank WHERE {
  { ?this <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?own .
    BIND(?this AS ?x) } UNION { ?this ?x ?any } UNION { ?this ?p ?x }
  UNION { ?x ?p ?this } UNION { ?s ?x ?this }
  UNION { ?this ?p ?b . FILTER(isBlank(?b)) ?b ?x ?any } UNION { ?this ?p ?b . FILTER(isBlank(?b)) ?b ?q ?x }
  UNION { ?this <http://purl.org/dc/terms/source>/<http://purl.org/dc/terms/isPartOf> ?x }
  UNION { ?this <https://w3id.org/lombardia-clusters/ontology#hasStatistics>
                |^<https://w3id.org/lombardia-clusters/ontology#statisticsOf> ?st . ?st ?x ?any }
  { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label BIND(0 AS ?rank) }
  UNION { ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?label BIND(1 AS ?rank) }
  FILTER(isLiteral(?label))
}
"""

#: A cluster's member figures (its statistics resource's literal values), on its own page, not a click away.
FIGURES = """
SELECT ?this ?stats ?p ?o WHERE {
  { ?this <https://w3id.org/lombardia-clusters/ontology#hasStatistics> ?stats }
  UNION { ?stats <https://w3id.org/lombardia-clusters/ontology#statisticsOf> ?this }
  ?stats ?p ?o .
  FILTER(isLiteral(?o) && ?p != <http://www.w3.org/2000/01/rdf-schema#label>)
}
"""

#: What the synergies graph says about the resource: its values are tagged "derived", not "inferred".
DERIVED_OUT = f"SELECT ?this ?p ?o WHERE {{ GRAPH <{namespaces.GRAPH_SYNERGIES}> {{ ?this ?p ?o }} }}"
DERIVED_IN = f"SELECT ?this ?s ?p WHERE {{ GRAPH <{namespaces.GRAPH_SYNERGIES}> {{ ?s ?p ?this }} }}"

INBOUND = "SELECT ?this ?s ?p WHERE { ?s ?p ?this . FILTER(!isBlank(?s)) } ORDER BY ?p ?s LIMIT 2000"

SOURCES = """
SELECT ?this ?section ?page ?document WHERE {
  ?this <http://purl.org/dc/terms/source> ?section .
  OPTIONAL { ?section <https://schema.org/pagination> ?page }
  OPTIONAL { ?section <http://purl.org/dc/terms/isPartOf> ?document }
}
"""


@dataclass(frozen=True)
class Source:
    """Where a resource's facts come from: a report section, its page and the document it is part of."""

    section: Value
    page: str | None
    document: Value | None


@dataclass
class Description:
    """A resource as a page shows it: title, types, properties (asserted, inferred), inbound links, source."""

    iri: str
    label: str
    types: list[Value]
    properties: list[PropertyRow]
    inbound: list[PropertyRow]
    sources: list[Source] = field(default_factory=list)
    triples: int = 0
    #: The member figures of a cluster (its statistics resource, linked), one table per statistics resource.
    figures: list[tuple[Value, list[PropertyRow]]] = field(default_factory=list)

    @property
    def inferred_count(self) -> int:
        return sum(v.inferred for row in self.properties + self.inbound for v in row.values)


def cbd(backend: Backend, iri: str, *, inferred: bool = True) -> list[ox.Triple]:
    """The concise bounded description of ``iri``: its triples, blank-node objects followed down."""
    # One solution per blank-node path repeats the resource's own triples: keep each once, in order.
    triples = backend.construct(CBD, inferred=inferred, bindings={"this": ox.NamedNode(iri)})
    return list(dict.fromkeys(triples))


def labels(backend: Backend, iri: str) -> Labels:
    """The labels of the resource and of everything one step from it, in every language."""
    found = Labels()
    for row in backend.select(LABELS, bindings={"this": ox.NamedNode(iri)}):
        term, label, rank = row.get("x"), row.get("label"), row.get("rank")
        if isinstance(term, ox.NamedNode) and isinstance(label, ox.Literal):
            found.add(term.value, label, int(rank.value) if isinstance(rank, ox.Literal) else 0)
    return found


def _nested(
    node: ox.BlankNode,
    by_subject: dict[object, list[ox.Triple]],
    names: Labels,
    lang: str,
    seen: frozenset[Term],
) -> tuple[PropertyRow, ...]:
    """The rows of a blank node, themselves with nested rows, guarding against a cycle of blank nodes."""
    grouped: dict[str, list[Value]] = defaultdict(list)
    for t in by_subject.get(node, []):
        obj = t.object
        inner: tuple[PropertyRow, ...] = ()
        if isinstance(obj, ox.BlankNode) and obj not in seen:
            inner = _nested(obj, by_subject, names, lang, seen | {obj})
        grouped[t.predicate.value].append(make_value(obj, names, lang, nested=inner))
    return tuple(ordered_rows(grouped, names, lang))


def _properties(
    resource: ox.NamedNode, everything: list[ox.Triple], asserted: set[ox.Triple], names: Labels, lang: str,
    derived: frozenset[tuple[Term, Term]] = frozenset(),
) -> list[PropertyRow]:
    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    for t in everything:
        by_subject[t.subject].append(t)
    grouped: dict[str, list[Value]] = defaultdict(list)
    for t in by_subject.get(resource, []):
        obj = t.object
        if isinstance(obj, ox.BlankNode):
            inner, is_inferred = _nested(obj, by_subject, names, lang, frozenset({obj})), False
        else:
            # A triple about a blank node cannot be matched across two answers: only plain ones are marked.
            inner, is_inferred = (), t not in asserted
        value = make_value(obj, names, lang, inferred=is_inferred, nested=inner)
        if is_inferred and (t.predicate, obj) in derived:
            value = replace(value, derived=True)
        grouped[t.predicate.value].append(value)
    return fold_aligned(ordered_rows(grouped, names, lang))


def _inbound(
    rows: list[Row], asserted: set[tuple[Term, Term]] | None, names: Labels, lang: str,
    derived: frozenset[tuple[Term, Term]] = frozenset(),
) -> list[PropertyRow]:
    incoming: dict[str, list[Value]] = defaultdict(list)
    for row in rows:
        subject, predicate = row["s"], row["p"]
        marked = asserted is not None and (subject, predicate) not in asserted
        value = make_value(subject, names, lang, inferred=marked)
        if marked and (subject, predicate) in derived:
            value = replace(value, derived=True)
        incoming[predicate.value].append(value)
    return fold_aligned(ordered_rows(incoming, names, lang))


def _sources(backend: Backend, resource: ox.NamedNode, names: Labels, lang: str) -> list[Source]:
    sources = []
    for row in backend.select(SOURCES, inferred=False, bindings={"this": resource}):
        page, document = row.get("page"), row.get("document")
        sources.append(
            Source(
                section=make_value(row["section"], names, lang),
                page=page.value if isinstance(page, ox.Literal) else None,
                document=make_value(document, names, lang) if document is not None else None,
            )
        )
    return sources


def _figures(
    backend: Backend, resource: ox.NamedNode, names: Labels, lang: str
) -> list[tuple[Value, list[PropertyRow]]]:
    by_stats: dict[ox.NamedNode, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    for row in backend.select(FIGURES, inferred=False, bindings={"this": resource}):
        stats = row["stats"]
        if isinstance(stats, ox.NamedNode):
            by_stats[stats][row["p"].value].append(make_value(row["o"], names, lang))
    first, last = str(namespaces.CTL) + "totalMembers", str(namespaces.CTL) + "referenceYear"

    def place(row: PropertyRow) -> int:  # the total first, the year last, the parts between
        return 0 if row.iri == first else 2 if row.iri == last else 1

    return [(make_value(stats, names, lang), sorted(ordered_rows(grouped, names, lang), key=place))
            for stats, grouped in sorted(by_stats.items(), key=lambda item: item[0].value)]


def describe(backend: Backend, iri: str, lang: str, *, inferred: bool = True) -> Description | None:
    """Everything a page shows about ``iri``; None when the graph says nothing about it, either way."""
    resource = ox.NamedNode(iri)
    bound = {"this": resource}
    everything = cbd(backend, iri, inferred=inferred)
    inbound = backend.select(INBOUND, inferred=inferred, bindings=bound)
    if not everything and not inbound:
        return None
    asserted = set(cbd(backend, iri, inferred=False)) if inferred else set(everything)
    asserted_inbound = (
        {(r["s"], r["p"]) for r in backend.select(INBOUND, inferred=False, bindings=bound)}
        if inferred
        else None
    )
    names = labels(backend, iri)
    derived_out: frozenset[tuple[Term, Term]] = frozenset()
    derived_in: frozenset[tuple[Term, Term]] = frozenset()
    if inferred:
        derived_out = frozenset((r["p"], r["o"]) for r in backend.select(DERIVED_OUT, bindings=bound))
        derived_in = frozenset((r["s"], r["p"]) for r in backend.select(DERIVED_IN, bindings=bound))
    properties = _properties(resource, everything, asserted, names, lang, derived_out)
    types = next((row.values for row in properties if row.iri == RDF_TYPE), ())
    return Description(
        iri=iri,
        label=names.best(iri, lang),
        types=list(types),
        properties=properties,
        inbound=_inbound(inbound, asserted_inbound, names, lang, derived_in),
        sources=_sources(backend, resource, names, lang),
        triples=len(everything),
        figures=_figures(backend, resource, names, lang),
    )
