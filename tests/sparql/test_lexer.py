"""The SPARQL lexer that decides what /sparql and /sparql/update refuse before the engine runs."""

from __future__ import annotations

import pytest

from ctlkg.sparql.lexer import outline, where_opening


@pytest.mark.parametrize(
    "text, form, update",
    [
        pytest.param("SELECT * WHERE { ?s ?p ?o }", "SELECT", False, id="select"),
        pytest.param("prefix ex: <http://e/> base <http://b/> ask {}", "ASK", False, id="prologue"),
        pytest.param("# INSERT DATA\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", False, id="comment"),
        pytest.param("DESCRIBE <http://x>", "DESCRIBE", False, id="describe"),
        pytest.param("PREFIX : <http://a/> INSERT DATA { :a :b :c }", "INSERT", True, id="insert"),
        pytest.param("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH", True, id="with"),
        pytest.param("CLEAR ALL", "CLEAR", True, id="clear"),
        pytest.param("garbage here", None, False, id="garbage"),
        pytest.param("", None, False, id="empty"),
    ],
)
def test_form(text: str, form: str | None, update: bool) -> None:
    found = outline(text)
    assert found.form == form
    assert found.is_update is update
    assert found.is_query is (form in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


@pytest.mark.parametrize(
    "text, services",
    [
        pytest.param("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }", ("http://e/sparql",), id="iri"),
        pytest.param(
            "PREFIX e: <http://e/> SELECT * { SERVICE SILENT e:sparql {} }", ("http://e/sparql",), id="pname"
        ),
        pytest.param("SELECT * { SERVICE ?where {} }", ("?where",), id="variable"),
        pytest.param(
            "SELECT * { ?s <http://e/SERVICE> 'SERVICE <http://x>' } # SERVICE <y>", (), id="hidden"
        ),
        pytest.param("SELECT ?service { ?service a ex:SERVICE }", (), id="names"),
        pytest.param('SELECT * { ?s ?p """\nSERVICE <http://x> {}\n""" }', (), id="long-string"),
    ],
)
def test_services(text: str, services: tuple[str, ...]) -> None:
    assert outline(text).services == services


def test_default_prefixes_resolve_service_targets() -> None:
    assert outline("SELECT * { SERVICE x:y {} }", prefixes={"x": "http://x/"}).services == ("http://x/y",)


def test_load_and_dataset_clauses() -> None:
    assert outline("CLEAR ALL ; LOAD <http://e/data.ttl>").loads
    assert not outline("SELECT * { ?s ?p 'LOAD' }").loads
    assert outline("SELECT * FROM <http://g> { ?s ?p ?o }").names_dataset
    assert outline("SELECT * FROM NAMED <http://g> { GRAPH ?g {} }").names_dataset
    assert not outline("SELECT ?from { ?from ?p ?o }").names_dataset


@pytest.mark.parametrize(
    "text, after",
    [
        ("SELECT * WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", " ?s ?p ?o }"),
        ("ASK{}", "}"),
    ],
)
def test_where_opening(text: str, after: str) -> None:
    at = where_opening(text)
    assert at is not None and text[at:] == after


def test_no_where_opening() -> None:
    assert where_opening("CONSTRUCT WHERE { ?s ?p ?o }") is None
    assert where_opening("DESCRIBE <http://x>") is None
