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
