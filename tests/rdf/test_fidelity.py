"""The graph says what the 2022 report prints, and no more (issue 12): each test failed on the data before its fix.

The report lines each test relies on are quoted from ../shared/source/cluster-tecnologici-lombardi-2022.txt.
"""

from __future__ import annotations

import re

import pytest

from graph_fixtures import ask, select


def _description(subject: str, lang: str) -> str:
    rows = select(
        f'SELECT ?d WHERE {{ {subject} dcterms:description ?d FILTER(LANGMATCHES(LANG(?d), "{lang}")) }}'
    )
    assert len(rows) == 1, f"{subject} should have one description in {lang}"
    return rows[0]["d"]


def _locals(rows: list[dict[str, str]], name: str) -> set[str]:
    return {row[name].rsplit("/", 1)[-1] for row in rows}


# --- LE2C -------------------------------------------------------------------------------------------------------


def test_r_aces_parks_have_a_high_energy_potential() -> None:
    # "parchi industriali europei ad **alto potenziale energetico**" (R-ACES, LE2C page).
    italian, english = _description("project:r-aces", "it"), _description("project:r-aces", "en")
    assert "alto potenziale energetico" in italian and "forti consumi" not in italian
    assert "high energy potential" in english and "energy-intensive" not in english


def test_inquinanti_emergenti_report_has_no_author() -> None:
    # "Il lavoro di ricerca del GdL-MIE è stato raccolto nel **Rapporto** ... “Inquinanti Emergenti”": collected, not
    # written by the group.
    assert not ask("ASK { source:le2c-inquinanti-emergenti-2020 dcterms:creator|dcterms:publisher ?who }")
    assert ask(
        "ASK { story:le2c-gdl-mie ctl:features source:le2c-inquinanti-emergenti-2020 , group:le2c-gdl-mie }"
    )


# --- AFIL -------------------------------------------------------------------------------------------------------


def test_admatrans4mers_involves_1000_smes() -> None:
    # "Saranno coinvolte complessivamente 1000 PMI ... Le Open Call prevedono di coinvolgere 500 PMI."
    italian, english = (
        _description("project:admatrans4mers", "it"),
        _description("project:admatrans4mers", "en"),
    )
    assert "1000 PMI" in italian and "500" in italian
    assert "1000 SMEs" in english and "500" in english
    assert "about a thousand" not in english.lower() and "mille" not in italian


def test_afil_new_strategic_communities_are_examples_not_a_count() -> None:
    # "sviluppo di nuove (es. Riciclo nel settore dell'acciaio, Smart Components, ...)": examples, no number.
    italian, english = _description("story:afil-2", "it"), _description("story:afil-2", "en")
    assert not re.search(r"\botto\b", italian) and not re.search(r"\beight\b", english)
    assert "per esempio" in italian and "for example" in english


# --- TAV --------------------------------------------------------------------------------------------------------


def test_healps2_final_event_is_supported_not_organised_by_the_cluster() -> None:
    # "Il partenariato Lombardo, con il supporto del Cluster ed Univerlecco, ospiterà l'evento finale di progetto".
    assert not ask(
        "ASK { { event:healps2-final-event ctl:organisedBy ?who } UNION { ?who ctl:organises event:healps2-final-event } }"
    )
    rows = select("SELECT ?who WHERE { event:healps2-final-event schema:contributor ?who }")
    assert _locals(rows, "who") == {"tav", "univerlecco"}


def test_medtech4europe_final_event_is_still_hosted_by_tav() -> None:
    # "Il Cluster TAV ospiterà l'evento finale del Progetto Medtech4Europe".
    assert ask("ASK { cluster:tav ctl:organises event:medtech4europe-final-event }")


def test_smart_touch_id_has_no_start_year() -> None:
    # "(Call Hub - SMART&Touch-ID del 2020 e RICORDO - Tech Fast 2021)": the year of the call, like "Tech Fast 2021".
    assert not ask("ASK { project:smart-touch-id ctl:startYear ?year }")
    assert not ask("ASK { project:ricordo ctl:startYear ?year }")


# --- Networks and programmes: nothing the report does not print --------------------------------------------------

# Claims the old descriptions made that the report never prints, per resource.
UNPRINTED_CLAIMS = [
    (
        "network:vanguard-initiative",
        ["politica", "political", "specializzazione intelligente", "smart-specialisation"],
    ),
    ("network:four-motors-europe", ["quattro regioni", "four strongly industrial", "vocazione industriale"]),
    ("network:world-economic-forum", ["pubblico e privato", "public-private"]),
    ("network:eccp", ["Commissione europea", "European Commission", "online"]),
    (
        "network:expert-group-on-clusters",
        ["Commissione europea", "European Commission", "politiche", "policy"],
    ),
    ("network:i3-expert-group", ["investimenti interregionali", "interregional innovation investments"]),
    (
        "network:s3-partnerships",
        ["tematici", "thematic", "specializzazione intelligente", "smart specialisation"],
    ),
    ("network:eip-aha", ["invecchiamento", "ageing", "Active and Healthy"]),
    ("network:eusalp", ["macroregional", "macro-regional", "gruppi d'azione", "action groups"]),
    ("network:edih", ["poli di innovazione digitale", "network of digital innovation hubs", "Hubs (EDIH)"]),
    ("network:uehp", ["Unione europea degli ospedali", "union of private hospitals."]),
    ("network:eacp", ["cluster aerospaziali", "of European aerospace clusters"]),
    ("network:nereus", ["che usano tecnologie spaziali", "that use space technologies"]),
    # Printed as a "Network" (report line 189), never as a pilot.
    ("network:vanguard-esm-pilot", ["pilota", "pilot"]),
    ("programme:tech-fast", ["regionale", "regional", "PMI", "SME"]),
]


@pytest.mark.parametrize(
    ("subject", "claims"), [pytest.param(s, c, id=s.split(":")[1]) for s, c in UNPRINTED_CLAIMS]
)
def test_no_unprinted_description(subject: str, claims: list[str]) -> None:
    rows = select(
        f"SELECT ?text WHERE {{ {subject} rdfs:label|skos:prefLabel|skos:altLabel|dcterms:description|skos:definition ?text }}"
    )
    assert rows, f"{subject} lost its label and description"
    texts = " ".join(row["text"] for row in rows).lower()
    assert [c for c in claims if c.lower() in texts] == []


def test_eip_aha_is_labelled_as_printed() -> None:
    # TAV's list ends with "EIP AHA": the acronym is all the report gives.
    rows = select("SELECT ?label WHERE { network:eip-aha rdfs:label ?label }")
    assert {row["label"] for row in rows} == {"EIP AHA"}


def test_cluster_fabbrica_intelligente_is_not_an_international_network() -> None:
    # AFIL's list prints "Cluster Fabbrica Intelligente": a cluster, not an international network.
    for inferred in (False, True):
        assert not ask(
            "ASK { ?x a ctl:InternationalNetwork ; rdfs:label ?l FILTER(CONTAINS(?l, 'Fabbrica Intelligente')) }",
            inferred=inferred,
        )
    assert ask(
        "ASK { organisation:cluster-fabbrica-intelligente a ctl:Organisation ;"
        ' rdfs:label "Cluster Fabbrica Intelligente"@it . cluster:afil ctl:cooperatesWith organisation:cluster-fabbrica-intelligente }'
    )
    assert not ask("ASK { organisation:cluster-fabbrica-intelligente a ctl:Cluster }")


def test_networks_of_a_cluster_are_all_international_networks() -> None:
    # What the pages and queries count as a cluster's networks (ctl:participatesInNetwork) are international networks
    # as asserted, not only by the property's range.
    assert not ask(
        "ASK { ?c a ctl:Cluster ; ctl:participatesInNetwork ?n FILTER NOT EXISTS { ?n a ctl:InternationalNetwork } }",
        inferred=False,
    )
    rows = select("SELECT ?n WHERE { cluster:afil ctl:participatesInNetwork ?n }")
    assert _locals(rows, "n") == {
        "vanguard-initiative",
        "four-motors-europe",
        "world-economic-forum",
        "eccp",
        "expert-group-on-clusters",
        "i3-expert-group",
    }


def test_ricordo_is_not_typed_as_regional() -> None:
    # "progetto RICORDO - Tech Fast 2021": the report never calls Tech Fast regional.
    assert ask("ASK { project:ricordo a ctl:Project ; ctl:fundedBy programme:tech-fast }")
    assert not ask("ASK { project:ricordo a ctl:RegionalProject }")


# --- Scienze della Vita: the third 2022 item ----------------------------------------------------------------------


def test_scienze_vita_networking_is_a_2022_activity_like_lacs() -> None:
    # PROGETTI IN CORSO 2022 lists "Attività di networking dedicate alle scienze della vita" (Scienze della Vita page),
    # as LAC's lists "Attività di internazionalizzazione e Business Networking"; both are modelled the same way.
    for slug, project in (
        ("scienze-vita", "scienze-vita-networking"),
        ("lac", "lac-internazionalizzazione-business-networking"),
    ):
        assert ask(
            f"ASK {{ cluster:{slug} ctl:hasCurrentProject project:{project} . project:{project} a ctl:Project ;"
            f" ctl:projectOf cluster:{slug} ; ctl:stage stage:ongoing ; dcterms:source section:{slug} }}"
        )
    assert ask(
        'ASK { project:scienze-vita-networking rdfs:label "Attività di networking dedicate alle scienze della vita"@it }'
    )
    featured = select("SELECT ?x WHERE { project:scienze-vita-networking ctl:features ?x }")
    assert _locals(featured, "x") == {
        "mit4ls",
        "scienze-vita-member-workshops",
        "clsv-biocubafarma-memorandum",
    }


def test_scienze_vita_has_three_2022_items_and_two_sinergie_blocks() -> None:
    current = select("SELECT ?p WHERE { cluster:scienze-vita ctl:hasCurrentProject ?p }")
    assert _locals(current, "p") == {"digital-smart-fluidics", "smart-touch-id", "scienze-vita-networking"}
    # No SINERGIE block is printed for the networking item, so it reaches no ecosystem, mission or component.
    assert not ask(
        "ASK { project:scienze-vita-networking ctl:addressesEcosystem|ctl:addressesMission|ctl:addressesComponent ?x }"
    )
