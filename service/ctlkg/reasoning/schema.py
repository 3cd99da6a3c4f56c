"""The schema side of ``ctlkg.reasoning.rules``: close the ontology with the scm-* rules, then compile
templates.

A template lists, for one predicate (or one class), every triple the single-premise OWL RL rules derive from
one triple using it: its super-properties, inverses and symmetric forms, transitively, and the domains and
ranges of all of these with their super-classes. Anonymous classes (the restriction behind
ctl:MemberOrganisation) are looked through: a template names only the named classes they lead to, since a
blank node in an INSERT template would mint a new node per row, and reasoning.infer drops such types anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ctlkg.errors import CtlkgError

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
THING = ox.NamedNode("http://www.w3.org/2002/07/owl#Thing")
#: scm-sco, scm-spo, scm-cls, scm-eqc1/2, scm-dom1/2, scm-rng1/2 (OWL 2 RL, table 9): (head, body).
SCHEMA_RULES = (
    ("?a rdfs:subClassOf ?c", "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c . FILTER(?a != ?c)"),
    ("?a rdfs:subPropertyOf ?c", "?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?c . FILTER(?a != ?c)"),
    ("?c rdfs:subClassOf owl:Thing", "?c a owl:Class . FILTER(?c != owl:Thing)"),
    ("?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a", "?a owl:equivalentClass ?b . FILTER(?a != ?b)"),
    ("?a owl:equivalentClass ?b", "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a . FILTER(?a != ?b)"),
    ("?p rdfs:domain ?d", "?p rdfs:domain ?c . ?c rdfs:subClassOf ?d"),
    ("?p rdfs:domain ?c", "?p rdfs:subPropertyOf ?q . ?q rdfs:domain ?c"),
    ("?p rdfs:range ?d", "?p rdfs:range ?c . ?c rdfs:subClassOf ?d"),
    ("?p rdfs:range ?c", "?p rdfs:subPropertyOf ?q . ?q rdfs:range ?c"),
)
#: Axioms owlrl acts on that the compiled rules do not implement: their presence stops the fast path.
UNSUPPORTED = (
    "owl:hasValue",
    "owl:allValuesFrom",
    "owl:intersectionOf",
    "owl:unionOf",
    "owl:oneOf",
    "owl:equivalentProperty",
    "owl:sameAs",
    "owl:hasKey",
    "owl:maxCardinality",
    "owl:maxQualifiedCardinality",
    "owl:cardinality",
    "owl:minCardinality",
    "owl:InverseFunctionalProperty",
)
_REFUSED = {
    "?v owl:someValuesFrom owl:Thing": "owl:someValuesFrom owl:Thing (cls-svf2)",
    "?v owl:someValuesFrom ?c . FILTER(isBlank(?c))": "owl:someValuesFrom an anonymous class",
    "?p owl:propertyChainAxiom ?l . FILTER NOT EXISTS { ?l rdf:rest/rdf:rest rdf:nil }": "longer chains",
}
Term = ox.NamedNode | ox.BlankNode


class UnsupportedOntology(CtlkgError):
    """The ontology (or data) needs a rule ``ctlkg.reasoning.rules`` lacks; use
    ``ctlkg.reasoning.reference`` (owlrl) instead."""


def _ask(store: ox.Store, where: str, graphs: list[str]) -> bool:
    return bool(store.query(PREFIXES + f"ASK {{ {where} }}", default_graph=[ox.NamedNode(g) for g in graphs]))


def _pairs(store: ox.Store, where: str, graphs: list[str]) -> Iterable[tuple[Term, Term]]:
    rows = store.query(
        PREFIXES + f"SELECT ?a ?b WHERE {{ {where} }}", default_graph=[ox.NamedNode(g) for g in graphs]
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        yield row["a"], row["b"]


def close_schema(store: ox.Store, ontology: str, inferred: str) -> None:
    """Refuse what is not covered, then run the scm-* rules to a fixed point (the schema is small)."""
    for term in UNSUPPORTED:
        if _ask(store, f"{{ ?s {term} ?o }} UNION {{ ?s a {term} }}", [ontology]):
            raise UnsupportedOntology(f"the ontology uses {term}, which the fast rules do not implement")
    for where, what in _REFUSED.items():
        if _ask(store, where, [ontology]):
            raise UnsupportedOntology(f"the fast rules do not implement {what}")
    while True:
        before = _size(store, inferred)
        for head, body in SCHEMA_RULES:
            store.update(
                f"{PREFIXES}INSERT {{ GRAPH <{inferred}> {{ {head} }} }} "
                f"USING <{ontology}> USING <{inferred}> WHERE {{ {body} }}"
            )
        if _size(store, inferred) == before:
            return


def _size(store: ox.Store, graph: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


@dataclass
class Schema:
    """The closed schema, as maps from a term to the terms it leads to."""

    super_properties: dict[Term, set[Term]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[Term, set[Term]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[Term] = field(default_factory=set)
    transitive: set[Term] = field(default_factory=set)
    domains: dict[Term, set[Term]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[Term, set[Term]] = field(default_factory=lambda: defaultdict(set))
    super_classes: dict[Term, set[Term]] = field(default_factory=lambda: defaultdict(set))
    chains: list[tuple[Term, Term, Term]] = field(default_factory=list)
    restrictions: list[tuple[Term, Term, Term]] = field(default_factory=list)

    def named_supers(self, cls: Term) -> set[Term]:
        """The named classes ``cls`` entails, itself included, owl:Thing left out (never kept, never used)."""
        found: set[Term] = {c for c in {cls, *self.super_classes[cls]} if isinstance(c, ox.NamedNode)}
        return found - {THING}

    def property_templates(self) -> dict[str, list[str]]:
        """For each predicate, the triple patterns (over ?s ?o) that one ``?s p ?o`` entails."""
        templates: dict[str, list[str]] = {}
        for predicate in sorted(self._predicates(), key=str):
            seen, todo = {(predicate, False)}, [(predicate, False)]
            while todo:
                p, flipped = todo.pop()
                steps = [(q, flipped) for q in self.super_properties[p]]
                steps += [(q, not flipped) for q in self.inverses[p]]
                steps += [(p, not flipped)] if p in self.symmetric else []
                for step in steps:
                    if step not in seen:
                        seen.add(step)
                        todo.append(step)
            heads = set()
            for p, flipped in seen:
                subject, obj = ("?o", "?s") if flipped else ("?s", "?o")
                if (p, flipped) != (predicate, False) and isinstance(p, ox.NamedNode):
                    heads.add(f"{subject} {p} {obj} .")
                heads |= {f"{subject} a {c} ." for d in self.domains[p] for c in self.named_supers(d)}
                heads |= {f"{obj} a {c} ." for r in self.ranges[p] for c in self.named_supers(r)}
            if heads:
                templates[str(predicate)] = sorted(heads)
        return templates

    def class_templates(self) -> dict[str, list[str]]:
        """For each named class with named super-classes, those super-classes."""
        found = {
            str(c): sorted(str(s) for s in self.named_supers(c) - {c})
            for c in self.super_classes
            if isinstance(c, ox.NamedNode)
        }
        return {c: supers for c, supers in sorted(found.items()) if supers}

    def join_rules(self) -> list[tuple[str, str, str, bool]]:
        """prp-spo2, prp-trp and cls-svf1 as (head, first premise, second premise, closed). A closed head
        already lists all it entails that is not known: cls-svf1 names every named super-class of the
        restriction except those the property's domain gave ``?x`` already (templates ran on ``?x p ?y``)."""
        rules = [(f"?x {p} ?z .", f"?x {p1} ?y .", f"?y {p2} ?z .", False) for p, p1, p2 in self.chains]
        rules += [
            (f"?x {p} ?z .", f"?x {p} ?y .", f"?y {p} ?z .", False) for p in sorted(self.transitive, key=str)
        ]
        for restriction, prop, cls in self.restrictions:
            given = {c for d in self.domains[prop] for c in self.named_supers(d)}
            heads = " ".join(f"?x a {c} ." for c in sorted(map(str, self.named_supers(restriction) - given)))
            rules += [(heads, f"?x {prop} ?y .", f"?y a {cls} .", True)] if heads else []
        return rules

    def _predicates(self) -> set[Term]:
        return {*self.super_properties, *self.inverses, *self.symmetric, *self.domains, *self.ranges}


def read_schema(store: ox.Store, graphs: list[str]) -> Schema:
    """Read the closed schema (ontology + the schema inferences) out of the store."""
    schema = Schema()
    for a, b in _pairs(store, "?a rdfs:subPropertyOf ?b . FILTER(?a != ?b)", graphs):
        schema.super_properties[a].add(b)
    for a, b in _pairs(store, "{ ?a owl:inverseOf ?b } UNION { ?b owl:inverseOf ?a }", graphs):
        schema.inverses[a].add(b)
    for a, _ in _pairs(store, "?a a owl:SymmetricProperty . BIND(1 AS ?b)", graphs):
        schema.symmetric.add(a)
    for a, _ in _pairs(store, "?a a owl:TransitiveProperty . BIND(1 AS ?b)", graphs):
        schema.transitive.add(a)
    for a, b in _pairs(store, "?a rdfs:domain ?b", graphs):
        schema.domains[a].add(b)
    for a, b in _pairs(store, "?a rdfs:range ?b . FILTER(!isLiteral(?b))", graphs):
        schema.ranges[a].add(b)
    for a, b in _pairs(store, "?a rdfs:subClassOf ?b . FILTER(?a != ?b)", graphs):
        schema.super_classes[a].add(b)
    chain = "?p owl:propertyChainAxiom ?l . ?l rdf:first ?a ; rdf:rest/rdf:first ?b . BIND(?p AS ?head)"
    rows = store.query(
        PREFIXES + f"SELECT ?head ?a ?b WHERE {{ {chain} }}", default_graph=[ox.NamedNode(g) for g in graphs]
    )
    assert isinstance(rows, ox.QuerySolutions)
    schema.chains = sorted(((r["head"], r["a"], r["b"]) for r in rows), key=str)
    rows = store.query(
        PREFIXES + "SELECT ?r ?p ?c WHERE { ?r owl:someValuesFrom ?c ; owl:onProperty ?p }",
        default_graph=[ox.NamedNode(g) for g in graphs],
    )
    assert isinstance(rows, ox.QuerySolutions)
    schema.restrictions = sorted(((r["r"], r["p"], r["c"]) for r in rows), key=str)
    return schema
