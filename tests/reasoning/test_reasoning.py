"""OWL RL reasoning: concrete inferences (chains, inverses, subclasses, restrictions), kept apart from data."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from ctlkg.rdf import namespaces
from graph_fixtures import compiled

CTL = namespaces.CTL
ORG = namespaces.ORG


def iri(prefixed: str) -> URIRef:
    prefix, local = prefixed.split(":", 1)
    return URIRef(namespaces.PREFIXES[prefix] + local)


@pytest.fixture(scope="module")
def inferred() -> Graph:
    return compiled().inferred


@pytest.fixture(scope="module")
def data() -> Graph:
    return compiled().data


@pytest.mark.parametrize(
    ("s", "p", "o"),
    [
        # property chain printsSynergyBlock o listsMission: a cluster contributes to a PNRR mission
        pytest.param("cluster:le2c", "ctl:contributesToMission", "pnrr:M2", id="chain-mission"),
        pytest.param("cluster:lac", "ctl:contributesToMission", "pnrr:M3", id="chain-mission-lac"),
        # property chain printsSynergyBlock o listsComponent
        pytest.param("cluster:clm", "ctl:contributesToComponent", "pnrr:M2C2", id="chain-component"),
        # property chain printsSynergyBlock o listsEcosystem, then subproperty of coversEcosystem
        pytest.param(
            "cluster:afil", "ctl:alignedWithEcosystem", "ecosystem:connettivita-informazione", id="chain-eco"
        ),
        pytest.param(
            "cluster:afil", "ctl:coversEcosystem", "ecosystem:manifatturiero-avanzato", id="subproperty"
        ),
        # a project addresses what any block about it lists: hasSynergyBlock o listsComponent
        pytest.param(
            "project:smart-touch-id", "ctl:addressesComponent", "pnrr:M4C2", id="chain-project-component"
        ),
        pytest.param("cluster:tav", "ctl:printsSynergyBlock", "block:tav-healps2", id="inverse-block"),
        # property chain hasProject o fundedBy
        pytest.param("cluster:le2c", "ctl:drawsOnProgramme", "programme:horizon-2020", id="chain-programme"),
        # chain participatesInNetwork o subOrganizationOf: a pilot's guest is in the network
        pytest.param(
            "cluster:tav", "ctl:participatesInNetwork", "network:vanguard-initiative", id="chain-network"
        ),
        # inverses
        pytest.param(
            "organisation:regione-lombardia", "ctl:recognises", "cluster:afil", id="inverse-recognises"
        ),
        pytest.param(
            "techarea:clean-air", "ctl:technologyAreaOf", "cluster:le2c", id="inverse-technology-area"
        ),
        pytest.param("network:eusalp", "ctl:networkParticipant", "cluster:tav", id="inverse-network"),
        # hasCurrentProject is a subproperty of hasProject
        pytest.param("cluster:le2c", "ctl:hasProject", "project:fanghi", id="subproperty-project"),
        pytest.param(
            "organisation:a2a-ambiente", "ctl:participatesIn", "project:fanghi", id="inverse-participant"
        ),
        # subproperties up the hierarchy
        pytest.param(
            "cluster:afil", "ctl:supportedBy", "organisation:regione-lombardia", id="subproperty-support"
        ),
        pytest.param("cluster:afil", "org:hasSite", "site:afil-bergamo", id="subproperty-org"),
        # subclass typing and the MemberOrganisation restriction
        pytest.param("cluster:afil", "rdf:type", "org:FormalOrganization", id="subclass-org"),
        pytest.param("cluster:afil", "rdf:type", "org:Organization", id="subclass-transitive"),
        pytest.param("organisation:a2a-ambiente", "rdf:type", "ctl:MemberOrganisation", id="restriction"),
        pytest.param("project:r-aces", "rdf:type", "ctl:Project", id="subclass-project"),
    ],
)
def test_inference(inferred: Graph, data: Graph, s: str, p: str, o: str) -> None:
    triple = (iri(s), RDF.type if p == "rdf:type" else iri(p), iri(o))
    assert triple in inferred
    assert triple not in data, "asserted already: the test would prove nothing"


def test_inferences_are_kept_apart_from_the_data(inferred: Graph, data: Graph) -> None:
    assert len(inferred) > 100
    assert not any(t in data for t in inferred)


def test_no_trivial_triples(inferred: Graph) -> None:
    assert not list(inferred.triples((None, OWL.sameAs, None)))
    assert not list(inferred.triples((None, RDF.type, OWL.Thing)))
    assert all(str(s).startswith(namespaces.BASE) for s in inferred.subjects())


def test_only_clusters_are_inferred_clusters(inferred: Graph, data: Graph) -> None:
    """Domains and ranges must not turn partners or supporting bodies into clusters."""
    clusters = set(data.subjects(RDF.type, CTL.Cluster)) | set(inferred.subjects(RDF.type, CTL.Cluster))
    assert len(clusters) == 9
