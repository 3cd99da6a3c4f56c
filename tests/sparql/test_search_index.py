"""The full-text index on its own: what it folds (case, accents), what a search matches (every word, as a
prefix), how it ranks (a label above a description), its filters, and that FTS5's query syntax can never
be written in through the words."""

from __future__ import annotations

import pytest

from ctlkg.errors import QueryRefused
from ctlkg.sparql.search_index import SearchIndex, Text, match_expression

CLUSTER, CITY, AREA = "urn:t:Cluster", "urn:t:City", "urn:t:Area"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    texts = [
        Text("urn:milano", "label", "Città metropolitana di Milano", "it"),
        Text("urn:milano", "label", "Metropolitan City of Milan", "en"),
        Text("urn:energy", "label", "Lombardy Energy Cleantech Cluster", "en"),
        Text("urn:energy", "alt", "LE2C", ""),
        Text("urn:energy", "description", "Cluster lombardo dell'energia e delle tecnologie pulite", "it"),
        Text("urn:digital", "label", "Sistemi digitali", "it"),
        Text("urn:digital", "description", "Sistemi digitali per città e comunità intelligenti", "it"),
        Text("urn:digital", "description", "Digital systems for smart cities", "en"),
    ]
    types = {"urn:milano": [CITY], "urn:energy": [CLUSTER, "urn:t:Org"], "urn:digital": [AREA]}
    return SearchIndex.build(texts, types)


@pytest.mark.parametrize("words, first", [
    pytest.param("CITTÀ", "urn:milano", id="case"),
    pytest.param("citta", "urn:milano", id="accents"),
    pytest.param("metrop mil", "urn:milano", id="every-word-a-prefix"),
    pytest.param("le2c", "urn:energy", id="alternative-label"),
    pytest.param("comunita", "urn:digital", id="description"),
])
def test_a_search_folds_case_and_accents_and_takes_prefixes(index: SearchIndex, words: str, first: str) -> None:
    assert [hit.iri for hit in index.search(words)][:1] == [first]


def test_a_label_match_ranks_above_a_description_match(index: SearchIndex) -> None:
    hits = index.search("citta")
    assert [(hit.iri, hit.field) for hit in hits] == [("urn:milano", "label"), ("urn:digital", "description")]
    assert 1 < hits[0].score <= 2 and 0 < hits[1].score <= 1
    assert [text for text, matched in hits[0].highlights() if matched] == ["Città"]


def test_filters_and_the_labels_language(index: SearchIndex) -> None:
    assert [hit.iri for hit in index.search("cluster", types=(CLUSTER,))] == ["urn:energy"]
    assert index.search("cluster", types=(CITY,)) == []
    assert [hit.iri for hit in index.search("smart", lang="it")] == []
    assert [hit.iri for hit in index.search("smart", lang="en")] == ["urn:digital"]
    assert index.search("milan", show="it")[0].label == "Città metropolitana di Milano"
    assert index.search("milan", show="en")[0].label == "Metropolitan City of Milan"
    assert len(index.search("i", limit=1)) == 1


@pytest.mark.parametrize("words", [
    pytest.param('energy" OR "milano', id="quote"),
    pytest.param("NEAR(energy milano)", id="near"),
    pytest.param("label:energy", id="column-filter"),
    pytest.param("-energy", id="not"),
    pytest.param("energy*", id="star"),
    pytest.param("{label} : energy", id="column-set"),
])
def test_the_query_syntax_cannot_be_written_in(index: SearchIndex, words: str) -> None:
    index.search(words)  # never an sqlite3 error: every word is quoted
    assert all(part.startswith('"') and part.endswith('"*') for part in match_expression(words).split())


@pytest.mark.parametrize("words", ["", "   ", "!!", "*", "x" * 201])
def test_words_without_a_letter_or_too_long_are_refused(index: SearchIndex, words: str) -> None:
    with pytest.raises(QueryRefused):
        index.search(words)
