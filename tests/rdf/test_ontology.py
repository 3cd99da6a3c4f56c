"""The ontology's header, labels and declarations, and that every vocabulary term we use exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SDO, SH, SKOS, VANN, XSD, DefinedNamespace

from ctlkg.rdf import namespaces, paths
from ctlkg.rdf import sources as graphs

ONTOLOGY = URIRef(namespaces.ONTOLOGY_IRI)
CTL = str(namespaces.CTL)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return graphs.parse_files([paths.ONTOLOGY_DIR / "ctl.ttl"])


@pytest.fixture(scope="module")
def everything() -> Graph:
    """Ontology, alignments, shapes and data: every file we ship."""
    return graphs.parse_files(paths.ontology_files() + paths.shape_files() + paths.data_files())


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


@pytest.mark.parametrize(
    ("predicate", "check"),
    [
        pytest.param(DCTERMS.title, "it+en", id="title"),
        pytest.param(DCTERMS.description, "it+en", id="description"),
        pytest.param(OWL.versionIRI, "one", id="versionIRI"),
        pytest.param(OWL.versionInfo, "one", id="versionInfo"),
        pytest.param(DCTERMS.license, "one", id="licence"),
        pytest.param(VANN.preferredNamespacePrefix, "one", id="prefix"),
        pytest.param(VANN.preferredNamespaceUri, "one", id="namespace"),
        pytest.param(DCTERMS.created, "one", id="created"),
        pytest.param(DCTERMS.modified, "one", id="modified"),
    ],
)
def test_header(ontology: Graph, predicate: URIRef, check: str) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    values = list(ontology.objects(ONTOLOGY, predicate))
    if check == "it+en":
        assert _langs(ontology, ONTOLOGY, predicate) == {"it", "en"}
    else:
        assert len(values) == 1, values


def test_licence_is_cc_by_and_prefix_is_ctl(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "ctl"
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespaceUri)) == CTL


def _terms(ontology: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted({s for k in kinds for s in ontology.subjects(RDF.type, k) if isinstance(s, URIRef)})


def test_every_term_has_labels_comments_and_definer(ontology: Graph) -> None:
    terms = _terms(ontology)
    assert len(terms) > 40
    problems = []
    for term in terms:
        if _langs(ontology, term, RDFS.label) != {"it", "en"}:
            problems.append(f"{term}: labels")
        if _langs(ontology, term, RDFS.comment) != {"it", "en"}:
            problems.append(f"{term}: comments")
        if (term, RDFS.isDefinedBy, ONTOLOGY) not in ontology:
            problems.append(f"{term}: isDefinedBy")
    assert not problems


def test_object_properties_have_domain_or_range_and_inverses_are_mutual(ontology: Graph) -> None:
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        assert (
            ontology.value(prop, RDFS.domain)
            or ontology.value(prop, RDFS.range)
            or prop in {namespaces.CTL.cooperatesWith, namespaces.CTL.followsOn, namespaces.CTL.features}
        ), prop
        for inverse in ontology.objects(prop, OWL.inverseOf):
            assert (inverse, OWL.inverseOf, prop) in ontology, (prop, inverse)


def test_property_chains_for_the_mission(ontology: Graph) -> None:
    chained = {s for s in ontology.subjects(OWL.propertyChainAxiom, None)}
    assert {
        namespaces.CTL.contributesToMission,
        namespaces.CTL.contributesToComponent,
        namespaces.CTL.alignedWithEcosystem,
        namespaces.CTL.addressesMission,
        namespaces.CTL.addressesComponent,
        namespaces.CTL.addressesEcosystem,
        namespaces.CTL.listsMission,
    } <= chained


def test_every_ctl_term_used_anywhere_is_declared(ontology: Graph, everything: Graph) -> None:
    declared = set(_terms(ontology))
    used = {t for triple in everything for t in triple if isinstance(t, URIRef) and str(t).startswith(CTL)}
    assert used - declared == set()


#: Closed vocabularies: rdflib knows their terms, so a typo like rdfs:subClasOf is caught.
CLOSED: list[type[DefinedNamespace]] = [SKOS, SH, DCTERMS, ORG, PROV, FOAF, SDO, VANN]


def test_every_external_term_exists(everything: Graph) -> None:
    core = {RDF: set(RDF.__annotations__), RDFS: set(RDFS.__annotations__), OWL: set(OWL.__annotations__)}
    unknown = set()
    for term in {t for triple in everything for t in triple if isinstance(t, URIRef)}:
        for ns, names in core.items():
            if str(term).startswith(str(ns)) and str(term)[len(str(ns)) :] not in names:
                unknown.add(term)
        for closed in CLOSED:
            if str(term).startswith(str(closed)) and term not in closed:
                unknown.add(term)
        if str(term).startswith(str(XSD)) and str(term)[len(str(XSD)) :] not in set(XSD.__annotations__):
            unknown.add(term)
    assert unknown == set()


def test_a_typo_in_a_vocabulary_term_is_caught() -> None:
    assert URIRef(str(SKOS) + "brodaer") not in SKOS
    assert "subClasOf" not in set(RDFS.__annotations__)


def test_only_turtle_is_committed() -> None:
    for folder in (paths.ONTOLOGY_DIR, paths.DATA_DIR):
        others = [p for p in Path(folder).rglob("*") if p.is_file() and p.suffix != ".ttl"]
        assert others == []
