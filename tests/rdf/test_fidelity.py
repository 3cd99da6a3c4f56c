"""The graph says what the 2022 report prints, and no more (issue 12): each test failed on the data before its fix.

The report lines each test relies on are quoted from ../shared/source/cluster-tecnologici-lombardi-2022.txt.
"""

from __future__ import annotations

import re

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
