"""OWL RL closure with owlrl, keeping apart from the asserted data only the inferences a reader can use."""

from __future__ import annotations

import owlrl
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.term import Node

from ctlkg.rdf import namespaces

#: Relations whose reflexive instances owlrl adds for every term; they say nothing to a reader.
_REFLEXIVE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}
#: Types every resource gets under OWL RL; asserting them adds noise, not knowledge.
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class}


def _worth_keeping(s: Node, p: Node, o: Node) -> bool:
    if not isinstance(s, URIRef) or not s.startswith(namespaces.BASE):
        return False  # vocabulary axioms and blank-node restrictions are not facts about our graph
    if p in _REFLEXIVE and s == o:
        return False
    if isinstance(o, BNode):
        return False  # membership in an anonymous restriction; the named class it defines is inferred too
    if p == RDF.type and o in _TRIVIAL_TYPES:
        return False
    return p != OWL.sameAs


def infer(ontology: Graph, data: Graph) -> Graph:
    """Return the triples OWL RL entails from ontology + data that are neither asserted nor trivial."""
    closure = Graph()
    closure += ontology
    closure += data
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    inferred = Graph()
    for prefix, iri in namespaces.PREFIXES.items():
        inferred.bind(prefix, iri)
    for s, p, o in closure:
        if (s, p, o) in data or (s, p, o) in ontology:
            continue
        if _worth_keeping(s, p, o):
            inferred.add((s, p, o))
    return inferred
