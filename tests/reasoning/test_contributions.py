"""Every contribution the reasoner derives for a cluster is backed by a SINERGIE block that cluster printed.

A block belongs to the page that prints it: a project shared by two clusters must not carry one cluster's
block over to the other (the old chain hasProject o addressesComponent made TAV contribute to M4C2 through
Smart&Touch-ID, whose M4C2 block only Scienze della Vita prints).
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from ctlkg.rdf import namespaces
from graph_fixtures import compiled

CTL = namespaces.CTL
CLUSTER = namespaces.PREFIXES["cluster"]
PNRR = namespaces.PREFIXES["pnrr"]
#: The contributions a cluster gets from its blocks, each with the block property that must back it.
DERIVED = {
    CTL.contributesToComponent: (CTL.listsComponent,),
    CTL.contributesToMission: (CTL.listsMission, CTL.listsComponent),
    CTL.alignedWithEcosystem: (CTL.listsEcosystem,),
    CTL.coversEcosystem: (CTL.listsEcosystem,),
}


@pytest.fixture(scope="module")
def data() -> Graph:
    return compiled().data


@pytest.fixture(scope="module")
def inferred() -> Graph:
    return compiled().inferred


def _supported(data: Graph, cluster: URIRef, item: URIRef, lists: tuple[URIRef, ...]) -> bool:
    """A block printed by ``cluster`` lists ``item``, or (for a mission) one of its components."""
    for block in data.subjects(CTL.printedBy, cluster):
        for prop in lists:
            for listed in data.objects(block, prop):
                if listed == item or (prop == CTL.listsComponent and (listed, CTL.componentOf, item) in data):
                    return True
    return False


def _declared(data: Graph, cluster: URIRef, item: URIRef) -> bool:
    """Printed as the reference ecosystem, or printed under another name that our flagged mapping links to it."""
    printed = data.objects(cluster, CTL.printedReferenceEcosystem)
    return (cluster, CTL.referenceEcosystem, item) in data or any(
        (name, CTL.editorialCloseMatch, item) in data for name in printed
    )


def _unsupported(data: Graph, inferred: Graph) -> list[tuple[str, str, str]]:
    found = []
    for cluster, item in inferred.subject_objects(CTL.referenceEcosystem):
        assert isinstance(cluster, URIRef) and isinstance(item, URIRef)
        if not _declared(data, cluster, item):
            found.append((str(cluster), str(CTL.referenceEcosystem), str(item)))
    for predicate, lists in DERIVED.items():
        for cluster, item in inferred.subject_objects(predicate):
            assert isinstance(cluster, URIRef) and isinstance(item, URIRef)
            declared = predicate == CTL.coversEcosystem and _declared(data, cluster, item)
            if not declared and not _supported(data, cluster, item, lists):
                found.append((str(cluster), str(predicate), str(item)))
    return found


def test_every_derived_contribution_has_a_printed_block(data: Graph, inferred: Graph) -> None:
    assert sum(1 for p in DERIVED for _ in inferred.subject_objects(p)) > 50, (
        "nothing derived: proves nothing"
    )
    assert _unsupported(data, inferred) == []


def test_every_project_synergy_has_a_block_about_the_project(data: Graph, inferred: Graph) -> None:
    """The project-level view (addresses*) is the union of the blocks printed about the project."""
    pairs = {
        CTL.addressesEcosystem: CTL.listsEcosystem,
        CTL.addressesComponent: CTL.listsComponent,
        CTL.addressesMission: CTL.listsMission,
    }
    for derived, listed in pairs.items():
        for project, item in (*data.subject_objects(derived), *inferred.subject_objects(derived)):
            blocks = set(data.subjects(CTL.aboutProject, project))
            assert any((b, listed, item) in data for b in blocks), (project, derived, item)


def test_tav_does_not_contribute_to_m4c2(inferred: Graph) -> None:
    """Smart&Touch-ID is shared, but its M4 / M4C2 block is printed on the Scienze della Vita page only."""
    tav = URIRef(CLUSTER + "tav")
    assert (tav, CTL.contributesToComponent, URIRef(PNRR + "M4C2")) not in inferred
    assert (tav, CTL.contributesToMission, URIRef(PNRR + "M4")) not in inferred
    assert {str(o) for o in inferred.objects(tav, CTL.contributesToMission)} == {PNRR + "M1", PNRR + "M6"}
    scienze_vita = URIRef(CLUSTER + "scienze-vita")
    assert (scienze_vita, CTL.contributesToComponent, URIRef(PNRR + "M4C2")) in inferred


def test_m4c2_has_the_clusters_the_report_prints(inferred: Graph) -> None:
    """M4C2 ("Dalla ricerca all'impresa") is printed in SINERGIE blocks of four pages: CLM (report line 480),
    Scienze della Vita (612), LAC (1093, 1111) and LE2C (1255)."""
    clusters = {str(c) for c in inferred.subjects(CTL.contributesToComponent, URIRef(PNRR + "M4C2"))}
    assert clusters == {CLUSTER + slug for slug in ("clm", "scienze-vita", "lac", "le2c")}


def test_a_shared_project_keeps_each_block_with_its_printer(data: Graph) -> None:
    """Smart&Touch-ID belongs to two clusters but only Scienze della Vita prints a block about it."""
    project = URIRef(namespaces.PREFIXES["project"] + "smart-touch-id")
    printers = {
        str(c) for b in data.subjects(CTL.aboutProject, project) for c in data.objects(b, CTL.printedBy)
    }
    assert printers == {CLUSTER + "scienze-vita"}


#: The lines where each page's SINERGIE boxes start ("SMART SPECIALISATION STRATEGY S3"): two per page.
PRINTED_BOXES = {
    "afil": (203, 221),
    "agrifood": (322, 336),
    "clm": (446, 460),
    "scienze-vita": (586, 600),
    "tav": (795, 815),
    "scc": (919, 950),
    "lac": (1069, 1095),
    "le2c": (1215, 1230),
    "lgca": (1341, 1371),
}


@pytest.mark.parametrize(("slug", "lines"), PRINTED_BOXES.items(), ids=list(PRINTED_BOXES))
def test_one_block_per_printed_box(data: Graph, slug: str, lines: tuple[int, int]) -> None:
    """CLM prints two boxes for three projects: its second box is one block about two projects."""
    blocks = set(data.subjects(CTL.printedBy, URIRef(CLUSTER + slug)))
    assert len(blocks) == len(lines)


def test_clm_reference_ecosystem_is_kept_as_printed(data: Graph, inferred: Graph) -> None:
    """Report line 358 prints "Mobilità Sostenibile"; the S3 ecosystem comes only through our flagged mapping."""
    clm = URIRef(CLUSTER + "clm")
    printed = URIRef(namespaces.PREFIXES["ecosystem"] + "mobilita-sostenibile")
    mobility = URIRef(namespaces.PREFIXES["ecosystem"] + "smart-mobility-architecture")
    assert set(data.objects(clm, CTL.printedReferenceEcosystem)) == {printed}
    assert not set(data.objects(clm, CTL.referenceEcosystem)), "no S3 ecosystem is printed as CLM's reference"
    assert Literal("Mobilità Sostenibile", lang="it") in set(data.objects(printed, SKOS.prefLabel))
    assert (printed, CTL.editorialCloseMatch, mobility) in data
    assert (printed, SKOS.closeMatch, mobility) in inferred  # a query may follow the plain SKOS link...
    assert (clm, CTL.referenceEcosystem, mobility) in inferred  # ...or the reasoner's reading of it
