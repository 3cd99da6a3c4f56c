"""The OWL RL rules our ontology needs, as SPARQL updates run to a fixed point inside an Oxigraph store.

owlrl (``ctlkg.reasoning``) stays the reference, but it takes minutes past a hundred clusters. These rules
read the axioms from the store (so they follow the ontology as it changes) and derive the same triples that
``reasoning.infer`` keeps: first the schema closure (subclasses, subproperties, domains, ranges), then the
instance rules evaluated semi-naively, each round joining only the previous round's new triples (the
*delta*). An ontology that uses a construct these rules do not cover is refused (``UnsupportedOntology``)
instead of being reasoned over partly: the fast path must never be silently weaker than the reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ctlkg import namespaces
from ctlkg.errors import CtlkgError

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
DELTA = namespaces.BASE + "graph/reasoning-delta"
NEXT = namespaces.BASE + "graph/reasoning-next"

#: scm-sco, scm-spo, scm-cls, scm-eqc1/2, scm-dom1/2, scm-rng1/2 (OWL 2 RL, table 9), as INSERT templates.
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
_CHAIN = "?p owl:propertyChainAxiom ?l . ?l rdf:first ?p1 ; rdf:rest ?r . ?r rdf:first ?p2 ; rdf:rest rdf:nil ."
_SVF = "?v owl:someValuesFrom ?c ; owl:onProperty ?p ."
#: prp-spo1, prp-inv1/2, prp-symp, prp-trp, prp-spo2, prp-dom, prp-rng, cax-sco, cls-svf1 (tables 4-6).
#: ``D{...}`` is the delta; a rule with two data atoms comes twice, with the delta on each side. owl:Thing is
#: never derived as a type: reasoning.infer drops it and no rule here reads it (svf of owl:Thing is refused).
INSTANCE_RULES = (
    ("?x ?q ?y", "D{ ?x ?p ?y } ?p rdfs:subPropertyOf ?q . FILTER(?p != ?q)"),
    ("?y ?q ?x", "D{ ?x ?p ?y } ?p owl:inverseOf ?q . FILTER(!isLiteral(?y))"),
    ("?y ?q ?x", "D{ ?x ?p ?y } ?q owl:inverseOf ?p . FILTER(!isLiteral(?y))"),
    ("?y ?p ?x", "D{ ?x ?p ?y } ?p a owl:SymmetricProperty . FILTER(!isLiteral(?y))"),
    ("?x ?p ?z", "?p a owl:TransitiveProperty . D{ ?x ?p ?y } ?y ?p ?z ."),
    ("?x ?p ?z", "?p a owl:TransitiveProperty . ?x ?p ?y . D{ ?y ?p ?z }"),
    ("?x ?p ?z", f"{_CHAIN} D{{ ?x ?p1 ?y }} ?y ?p2 ?z ."),
    ("?x ?p ?z", f"{_CHAIN} ?x ?p1 ?y . D{{ ?y ?p2 ?z }}"),
    ("?x a ?c", "D{ ?x ?p ?y } ?p rdfs:domain ?c . FILTER(?c != owl:Thing)"),
    ("?y a ?c", "D{ ?x ?p ?y } ?p rdfs:range ?c . FILTER(!isLiteral(?y) && ?c != owl:Thing)"),
    ("?x a ?d", "D{ ?x a ?c } ?c rdfs:subClassOf ?d . FILTER(?c != ?d && ?d != owl:Thing)"),
    ("?x a ?v", f"{_SVF} D{{ ?x ?p ?y }} ?y a ?c ."),
    ("?x a ?v", f"{_SVF} ?x ?p ?y . D{{ ?y a ?c }}"),
)
#: Axioms owlrl acts on that the rules above do not implement: their presence stops the fast path.
UNSUPPORTED = ("owl:hasValue", "owl:allValuesFrom", "owl:intersectionOf", "owl:unionOf", "owl:oneOf",
               "owl:equivalentProperty", "owl:sameAs", "owl:hasKey", "owl:maxCardinality",
               "owl:maxQualifiedCardinality", "owl:cardinality", "owl:minCardinality")
#: What reasoning._worth_keeping drops, as one DELETE over the inferred graph.
_NOT_WORTH_KEEPING = f"""
DELETE {{ GRAPH <{{inferred}}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{{inferred}}> {{ ?s ?p ?o }}
  FILTER(!isIRI(?s) || !STRSTARTS(STR(?s), "{namespaces.BASE}") || isBlank(?o) || ?p = owl:sameAs
    || (?s = ?o && ?p IN (owl:equivalentClass, owl:equivalentProperty, rdfs:subClassOf, rdfs:subPropertyOf))
    || (?p = rdf:type && ?o IN (owl:Thing, rdfs:Resource, owl:NamedIndividual, rdfs:Class))) }}"""


class UnsupportedOntology(CtlkgError):
    """The ontology (or data) needs a rule this module lacks; use ``ctlkg.reasoning`` (owlrl) instead."""


@dataclass(frozen=True)
class Outcome:
    rounds: int
    inferred: int


def _count(store: ox.Store, graph: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _ask(store: ox.Store, where: str, graphs: list[str]) -> bool:
    answer = store.query(PREFIXES + f"ASK {{ {where} }}", default_graph=[ox.NamedNode(g) for g in graphs])
    return bool(answer)


def check_supported(store: ox.Store, ontology: str) -> None:
    """Refuse an ontology with constructs the rules leave out (see ``UNSUPPORTED``)."""
    for term in UNSUPPORTED:
        if _ask(store, f"{{ ?s {term} ?o }} UNION {{ ?s a {term} }}", [ontology]):
            raise UnsupportedOntology(f"the ontology uses {term}, which the fast rules do not implement")
    if _ask(store, "?s a owl:InverseFunctionalProperty", [ontology]):
        raise UnsupportedOntology("owl:InverseFunctionalProperty is not implemented by the fast rules")
    if _ask(store, "?v owl:someValuesFrom owl:Thing", [ontology]):
        raise UnsupportedOntology("owl:someValuesFrom owl:Thing (cls-svf2) is not implemented")
    if _ask(store, "?p owl:propertyChainAxiom ?l . FILTER NOT EXISTS { ?l rdf:rest/rdf:rest rdf:nil }", [ontology]):
        raise UnsupportedOntology("only property chains of two properties are implemented")


def _schema(store: ox.Store, ontology: str, inferred: str) -> None:
    """Naive iteration to a fixed point: the schema is a few hundred triples."""
    while True:
        before = _count(store, inferred)
        for head, body in SCHEMA_RULES:
            store.update(f"{PREFIXES}INSERT {{ GRAPH <{inferred}> {{ {head} }} }} "
                         f"USING <{ontology}> USING <{inferred}> WHERE {{ {body} }}")
        if _count(store, inferred) == before:
            return


def _round(store: ox.Store, delta: str, graphs: list[str], inferred: str, following: str) -> int:
    """Apply every instance rule to ``delta``; what is new goes into ``inferred`` and ``following`` (the
    next round's delta). Inserted at once, a new triple is known to the rules that run after it this round,
    which only saves work: semi-naive evaluation needs each new triple in one later delta, and it is."""
    using = " ".join(f"USING <{g}>" for g in graphs)
    for head, body in INSTANCE_RULES:
        where = body.replace("D{", f"GRAPH <{delta}> {{")
        # DISTINCT first: a cluster's hundred hasMember triples all give it the same few types.
        variables = " ".join(sorted({t for t in head.split() if t.startswith("?")}))
        store.update(f"{PREFIXES}INSERT {{ GRAPH <{inferred}> {{ {head} }} GRAPH <{following}> {{ {head} }} }} "
                     f"{using} USING NAMED <{delta}> WHERE {{ {{ SELECT DISTINCT {variables} WHERE {{ {where} }} }} "
                     f"MINUS {{ {head} }} }}")
    return _count(store, following)


def infer(store: ox.Store, *, data: str, ontology: str, inferred: str, max_rounds: int = 50) -> Outcome:
    """Fill the ``inferred`` graph with what OWL RL entails from ``ontology`` + ``data``, filtered like
    ``reasoning.infer``: neither asserted nor trivial. Raises UnsupportedOntology for what is not covered."""
    check_supported(store, ontology)
    store.update(f"DROP SILENT GRAPH <{inferred}> ; DROP SILENT GRAPH <{DELTA}> ; DROP SILENT GRAPH <{NEXT}>")
    _schema(store, ontology, inferred)
    graphs = [ontology, data, inferred]
    # Round 0: everything known so far is new, graph by graph; the deltas then alternate between two graphs.
    new = sum(_round(store, g, graphs, inferred, DELTA) for g in graphs)
    rounds, current, following = 1, DELTA, NEXT
    while new:
        if rounds >= max_rounds:
            raise CtlkgError(f"no fixed point after {max_rounds} rounds")
        new = _round(store, current, graphs, inferred, following)
        store.update(f"DROP SILENT GRAPH <{current}>")
        rounds, current, following = rounds + 1, following, current
    store.update(f"DROP SILENT GRAPH <{DELTA}> ; DROP SILENT GRAPH <{NEXT}>")
    _check_functional(store, graphs)
    for asserted in (ontology, data):  # the schema rules wrote without this check
        store.update(f"DELETE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} "
                     f"GRAPH <{asserted}> {{ ?s ?p ?o }} }}")
    store.update(PREFIXES + _NOT_WORTH_KEEPING.replace("{inferred}", inferred))
    return Outcome(rounds, _count(store, inferred))


def _check_functional(store: ox.Store, graphs: list[str]) -> None:
    """Two values of a functional property make owlrl equate them (owl:sameAs) and copy every triple of
    one onto the other; the rules do not, so such data is refused rather than reasoned over differently."""
    rows = store.query(
        PREFIXES + "SELECT ?x ?p WHERE { ?p a owl:FunctionalProperty . ?x ?p ?a , ?b . FILTER(?a != ?b) } LIMIT 1",
        default_graph=[ox.NamedNode(g) for g in graphs],
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        raise UnsupportedOntology(
            f"{row['x'].value} has two values of the functional property {row['p'].value}: "
            "owlrl would equate them, the fast rules do not; fix the data or use ctlkg.reasoning"
        )
