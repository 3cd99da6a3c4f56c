"""The Virtuoso dialect's pure parts, without a server: the writes it accepts, the FROM clauses taken out,
the rows brought to Oxigraph's form, the answers it cut refused (the live tests run it on a real Virtuoso)."""

from __future__ import annotations

import itertools

import httpx
import pyoxigraph as ox
import pytest

from ctlkg.errors import BackendError, UpstreamTimeout
from ctlkg.sparql import virtuoso

EX = "http://example.org/"
P = ox.NamedNode(EX + "p")


def triple(subject: ox.NamedNode | ox.BlankNode, value: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.Triple:
    return ox.Triple(subject, P, value)


def test_blank_nodes_go_in_templates_whole() -> None:
    """Ground triples as INSERT DATA; each blank-node component in one template, so a label is one node."""
    list_head, rest = ox.BlankNode("l1"), ox.BlankNode("l2")
    ground = [triple(ox.NamedNode(EX + f"s{i}"), ox.Literal(str(i))) for i in range(3)]
    chained = [triple(ox.NamedNode(EX + "s"), list_head), triple(list_head, rest), triple(rest, ox.Literal("x"))]
    update = virtuoso.replacing_update({EX + "g": ground + chained})
    operations = update.split(" ;\n")
    assert operations[0] == f"DROP SILENT GRAPH <{EX}g>"
    data = [op for op in operations if op.startswith("INSERT DATA")]
    templates = [op for op in operations if op.startswith("INSERT {")]
    assert len(data) == 1 and "_:" not in data[0] and data[0].count(" .\n") == 3
    assert len(templates) == 1 and templates[0].endswith("WHERE {}") and templates[0].count(" .\n") == 3
    ox.Store().update(update)  # valid SPARQL Update


def test_components_are_not_split_across_templates() -> None:
    size = virtuoso.TEMPLATE_CHUNK
    nodes = [ox.BlankNode(f"b{i}") for i in range(size + 10)]
    chain = [triple(a, b) for a, b in itertools.pairwise(nodes)]
    apart = [triple(ox.NamedNode(EX + f"s{i}"), ox.BlankNode(f"x{i}")) for i in range(size)]
    update = virtuoso.replacing_update({EX + "g": chain + apart})
    templates = [op for op in update.split(" ;\n") if op.startswith("INSERT {")]
    assert len(templates) == 2
    assert sum("_:b0 " in t for t in templates) == 1 and templates[0].count(" .\n") == len(chain)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", "SELECT *  WHERE { ?s ?p ?o }", id="from"),
        pytest.param("ASK FROM <http://a> FROM NAMED ex:b { GRAPH ?g { ?s ?p ?o } }",
                     "ASK   { GRAPH ?g { ?s ?p ?o } }", id="named"),
        pytest.param('SELECT * WHERE { ?s ?p "FROM <x>" }', 'SELECT * WHERE { ?s ?p "FROM <x>" }', id="in-string"),
        pytest.param("CONSTRUCT { ?s ?p ?o } from <http://g> WHERE { ?s ?p ?o }",
                     "CONSTRUCT { ?s ?p ?o }  WHERE { ?s ?p ?o }", id="construct-lower-case"),
    ],
)
def test_from_clauses_are_taken_out(query: str, expected: str) -> None:
    assert virtuoso.without_from(query) == expected


def test_rows_in_oxigraphs_form() -> None:
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    row = {"flag": ox.Literal("1", datatype=boolean), "empty": ox.Literal(""), "tagged": ox.Literal("", language="it")}
    assert virtuoso.canonical(row, drop_empty=True) == {
        "flag": ox.Literal(True), "tagged": ox.Literal("", language="it")
    }
    assert "empty" in virtuoso.canonical(row, drop_empty=False)


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        pytest.param({"X-SQL-State": "S1TAT"}, UpstreamTimeout, id="anytime"),
        pytest.param({"X-SPARQL-MaxRows": "10000"}, BackendError, id="max-rows"),
    ],
)
def test_cut_answers_are_refused(headers: dict[str, str], error: type[Exception]) -> None:
    with pytest.raises(error):
        virtuoso.check_complete(httpx.Response(200, headers=headers))
    virtuoso.check_complete(httpx.Response(200))


def test_blank_node_names_and_dialect() -> None:
    body = b'{"head":{"vars":["b"]},"results":{"bindings":[{"b":{"type":"bnode","value":"nodeID://b10001"}}]}}'
    answer = httpx.Response(200, content=body, headers={"Server": "Virtuoso/07.20.3229 (Linux)"})
    assert virtuoso.detect(answer) is virtuoso.Dialect.VIRTUOSO
    assert b'"value":"b10001"' in virtuoso.plain_blank_nodes(answer)
    assert virtuoso.detect(httpx.Response(200, content=body)) is virtuoso.Dialect.SPARQL11


def test_a_syntax_error_in_oxigraphs_words() -> None:
    said = "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error\n\nSPARQL query:\ndefine input:x"
    assert virtuoso.syntax_message(said, "ASK { ?s ?p ?o } garbage").startswith("error at 1:")
    # What Oxigraph accepts keeps Virtuoso's words, without the text it echoes.
    assert virtuoso.syntax_message(said, "ASK {}") == "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error"
