"""Facts taken from the 2022 report, checked against the graph by SPARQL (inferences included)."""

from __future__ import annotations

import pytest

from graph_fixtures import ask, select

STATS = [
    ("afil", 144, 116, 14, 14),
    ("agrifood", 14, 4, 4, 6),
    ("clm", 83, 70, 4, 9),
    ("scienze-vita", 110, 61, 38, 11),
    ("tav", 39, 19, 12, 8),
    ("scc", 72, 52, 8, 12),
    ("lac", 99, 91, 6, 2),
    ("le2c", 144, 109, 12, 23),
    ("lgca", 50, 33, 11, 6),
]


def _column(query: str, name: str) -> set[str]:
    return {row[name] for row in select(query)}


def _locals(values: set[str]) -> set[str]:
    return {v.rsplit("/", 1)[-1] for v in values}


def test_nine_clusters() -> None:
    assert len(select("SELECT ?c WHERE { ?c a ctl:Cluster }")) == 9


@pytest.mark.parametrize(
    ("slug", "total", "companies", "research", "others"), [pytest.param(*s, id=s[0]) for s in STATS]
)
def test_member_counts(slug: str, total: int, companies: int, research: int, others: int) -> None:
    rows = select(f"""SELECT ?t ?c ?r ?o WHERE {{ cluster:{slug} ctl:hasStatistics ?s .
        ?s ctl:totalMembers ?t ; ctl:companyCount ?c ; ctl:researchOrganisationCount ?r ; ctl:otherEntityCount ?o }}""")
    assert [(int(r["t"]), int(r["c"]), int(r["r"]), int(r["o"])) for r in rows] == [
        (total, companies, research, others)
    ]


def test_region_totals() -> None:
    rows = select("""SELECT ?t ?c ?r ?o WHERE { region:lombardia ctl:hasStatistics ?s . ?s ctl:totalMembers ?t ;
        ctl:companyCount ?c ; ctl:researchOrganisationCount ?r ; ctl:otherEntityCount ?o }""")
    assert [(int(r["t"]), int(r["c"]), int(r["r"]), int(r["o"])) for r in rows] == [(755, 555, 109, 91)]


@pytest.mark.parametrize(
    ("slug", "cities"),
    [
        pytest.param("afil", {"bergamo", "milano"}, id="afil-two-seats"),
        pytest.param("agrifood", {"lodi"}, id="agrifood-lodi"),
        pytest.param("clm", {"brescia"}, id="clm-brescia"),
        pytest.param("tav", {"lecco"}, id="tav-lecco"),
        pytest.param("lac", {"varese"}, id="lac-varese"),
        pytest.param("scc", {"milano"}, id="scc-milano"),
    ],
)
def test_seat_cities(slug: str, cities: set[str]) -> None:
    found = _column(f"SELECT ?city WHERE {{ cluster:{slug} ctl:hasSeat/ctl:inCity ?city }}", "city")
    assert _locals(found) == cities


def test_clm_postal_code() -> None:
    assert ask('ASK { cluster:clm ctl:hasSeat/schema:address/schema:postalCode "25124" }')


def test_shared_seat_via_pantano() -> None:
    found = _column("SELECT ?c WHERE { ?c a ctl:Cluster ; ctl:hasSeat site:via-pantano-9-milano }", "c")
    assert _locals(found) == {"scienze-vita", "le2c"}


def test_afil_website_is_an_iri() -> None:
    assert ask("ASK { cluster:afil schema:url <https://www.afil.it> }")


@pytest.mark.parametrize(
    ("network", "clusters"),
    [
        pytest.param("vanguard-initiative", {"afil", "le2c", "lgca", "tav"}, id="vanguard"),
        pytest.param("eccp", {"afil", "agrifood", "scc", "le2c", "lgca"}, id="eccp"),
        pytest.param("eusalp", {"clm", "tav", "lgca"}, id="eusalp"),
        pytest.param("edih", {"scienze-vita", "lac"}, id="edih"),
        pytest.param("four-motors-europe", {"afil", "clm"}, id="four-motors"),
        pytest.param("nereus", {"lac"}, id="nereus"),
    ],
)
def test_network_participants(network: str, clusters: set[str]) -> None:
    found = _column(
        f"SELECT ?c WHERE {{ ?c a ctl:Cluster ; ctl:participatesInNetwork network:{network} }}", "c"
    )
    assert _locals(found) == clusters


def test_tav_is_in_vanguard_only_through_its_pilot() -> None:
    query = "ASK { cluster:tav ctl:participatesInNetwork network:vanguard-initiative }"
    assert ask(query) and not ask(query, inferred=False)


def test_fanghi_partners_and_lead() -> None:
    partners = _column("SELECT ?o WHERE { project:fanghi ctl:hasPartner ?o }", "o")
    assert len(partners) == 6
    assert ask(
        "ASK { project:fanghi ctl:hasLead organisation:a2a-ambiente . organisation:a2a-ambiente ctl:memberOf cluster:le2c }"
    )


def test_fanghi_synergies() -> None:
    assert ask(
        "ASK { project:fanghi ctl:addressesComponent pnrr:M2C1 ; ctl:addressesEcosystem ecosystem:sostenibilita ;"
        " ctl:fundedBy programme:call-hub-ricerca-innovazione }"
    )


def test_r_aces() -> None:
    components = _column("SELECT ?k WHERE { project:r-aces ctl:addressesComponent ?k }", "k")
    assert _locals(components) == {"M2C2", "M2C3", "M4C2"}
    assert ask("ASK { project:r-aces ctl:fundedBy programme:horizon-2020 }")


@pytest.mark.parametrize(
    ("project", "clusters"),
    [
        pytest.param("biomass-hub", {"lgca", "le2c"}, id="biomass-hub"),
        pytest.param("smart-touch-id", {"scienze-vita", "tav"}, id="smart-touch-id"),
    ],
)
def test_projects_shared_by_two_clusters(project: str, clusters: set[str]) -> None:
    found = _column(f"SELECT ?c WHERE {{ ?c ctl:hasProject project:{project} }}", "c")
    assert _locals(found) == clusters


def test_clusters_contributing_to_mission_4() -> None:
    found = _column("SELECT ?c WHERE { ?c ctl:contributesToMission pnrr:M4 }", "c")
    # CLM, Scienze della Vita, LAC and LE2C print M4 in their own SINERGIE blocks. TAV shares Smart&Touch-ID
    # with Scienze della Vita but prints no block with M4, so it does not contribute.
    assert _locals(found) == {"clm", "scienze-vita", "lac", "le2c"}


def test_no_cluster_contributes_to_mission_5() -> None:
    assert not ask("ASK { ?c ctl:contributesToMission pnrr:M5 }")


def test_components_no_cluster_covers() -> None:
    found = _column(
        """SELECT ?k WHERE { ?k a ctl:PNRRComponent
        FILTER NOT EXISTS { ?c ctl:contributesToComponent ?k } }""",
        "k",
    )
    assert _locals(found) == {"M2C4", "M3C1", "M4C1", "M5C1", "M5C2", "M5C3"}


def test_ecosystem_reached_by_no_project() -> None:
    found = _column(
        """SELECT ?e WHERE { ?e a ctl:InnovationEcosystem
        FILTER NOT EXISTS { ?c ctl:alignedWithEcosystem ?e } }""",
        "e",
    )
    assert _locals(found) == {"cultura-conoscenza"}


def test_scc_declares_six_ecosystems() -> None:
    assert len(select("SELECT ?e WHERE { cluster:scc ctl:referenceEcosystem ?e }")) == 6


def test_lac_technology_area() -> None:
    assert ask("ASK { cluster:lac ctl:hasTechnologyArea techarea:aerospazio }")


def test_shared_technology_areas() -> None:
    found = _column(
        "SELECT ?a WHERE { cluster:scienze-vita ctl:hasTechnologyArea ?a . cluster:tav ctl:hasTechnologyArea ?a }",
        "a",
    )
    assert _locals(found) == {"digital-health", "salute-benessere"}


@pytest.mark.parametrize(
    ("project", "programme"),
    [
        pytest.param("medtech4europe", "interreg-europe", id="medtech4europe"),
        pytest.param("healps2", "interreg-alpine-space", id="healps2"),
        pytest.param("ardia-net", "interreg-alpine-space", id="ardia-net"),
        pytest.param("c2future", "cosme", id="c2future"),
        pytest.param("ai-regio", "horizon-2020", id="ai-regio"),
    ],
)
def test_eu_project_programmes(project: str, programme: str) -> None:
    assert ask(f"ASK {{ project:{project} a ctl:EUProject ; ctl:fundedBy programme:{programme} }}")


def test_interreg_programmes_are_narrower_than_interreg() -> None:
    assert ask(
        "ASK { programme:interreg-europe skos:broader programme:interreg . programme:interreg-alpine-space skos:broader programme:interreg }"
    )


def test_shine_and_olympics_synergies() -> None:
    assert ask(
        "ASK { project:shine ctl:addressesComponent pnrr:M2C2 . project:lac-olimpiadi-2026 ctl:addressesComponent pnrr:M3C2 }"
    )


def test_healps2_addresses_tourism_and_culture() -> None:
    assert ask("ASK { project:healps2 ctl:addressesComponent pnrr:M1C3 }")


def test_agrifood_projects_are_horizon_europe_proposals() -> None:
    rows = select(
        "SELECT ?p WHERE { cluster:agrifood ctl:hasCurrentProject ?p . ?p ctl:fundedBy programme:horizon-europe ; ctl:stage stage:proposal }"
    )
    assert len(rows) == 2


def test_acronyms() -> None:
    found = _column("SELECT ?a WHERE { ?c a ctl:Cluster ; ctl:acronym ?a }", "a")
    assert {"AFIL", "CLM", "TAV", "SCC", "LAC", "LE2C", "LGCA"} <= found


def test_politecnico_takes_part_in_1ai_edge() -> None:
    assert ask("ASK { project:1ai-edge ctl:hasParticipant organisation:politecnico-di-milano }")


def test_ecosystem_written_two_ways_is_one_concept() -> None:
    assert ask('ASK { ecosystem:manifatturiero-avanzato skos:altLabel "Manifattura Avanzata"@it }')
    assert len(select("SELECT ?e WHERE { ?e a ctl:InnovationEcosystem }")) == 8


def test_pnrr_has_six_missions_and_sixteen_components() -> None:
    assert len(select("SELECT ?m WHERE { ?m a ctl:PNRRMission }")) == 6
    assert len(select("SELECT ?k WHERE { ?k a ctl:PNRRComponent ; ctl:componentOf ?m }")) == 16
