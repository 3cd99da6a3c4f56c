"""Content negotiation, as a table of the Accept headers real clients send, and the `format` parameter."""

from __future__ import annotations

import pytest

from ctlkg.sparql.negotiation import (
    CSV,
    HTML,
    JSON,
    JSONLD,
    NTRIPLES,
    OFFERS,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    Kind,
    choose,
    negotiate,
)

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
JENA_RESULTS = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.7, text/csv;q=0.5, application/json;q=0.2, "
    "application/xml;q=0.2, */*;q=0.1"
)
JENA_GRAPH = (
    "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,application/rdf+xml;q=0.7,*/*;q=0.5"
)
SPARQLWRAPPER_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"
SPARQLWRAPPER_N3 = "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3"
SPARQLWRAPPER_DEFAULT = "application/sparql-results+xml,application/rdf+xml,*/*"
RDFLIB_SPARQLSTORE = "application/sparql-results+xml, application/rdf+xml"


@pytest.mark.parametrize(
    "kind, accept, html, expected",
    [
        pytest.param("solutions", None, False, JSON, id="no-accept"),
        pytest.param("solutions", "", False, JSON, id="empty"),
        pytest.param("solutions", "*/*", False, JSON, id="curl"),
        pytest.param("solutions", "garbage", False, JSON, id="malformed-is-anything"),
        pytest.param("solutions", SPARQLWRAPPER_JSON, False, JSON, id="sparqlwrapper-json"),
        pytest.param("solutions", SPARQLWRAPPER_DEFAULT, False, XML, id="sparqlwrapper-default"),
        pytest.param("solutions", "text/csv", False, CSV, id="sparqlwrapper-csv"),
        pytest.param("solutions", "text/tab-separated-values", False, TSV, id="sparqlwrapper-tsv"),
        pytest.param("solutions", RDFLIB_SPARQLSTORE, False, XML, id="rdflib-sparqlstore"),
        pytest.param("solutions", JENA_RESULTS, False, JSON, id="jena-arq"),
        pytest.param("solutions", "application/sparql-results+json,*/*;q=0.9", False, JSON, id="yasgui"),
        pytest.param("solutions", "Application/SPARQL-Results+XML", False, XML, id="case-insensitive"),
        pytest.param(
            "solutions", "text/csv;q=0.5, application/sparql-results+xml", False, XML, id="q-values"
        ),
        pytest.param("solutions", "text/*", False, CSV, id="text-wildcard"),
        pytest.param("solutions", "application/json", False, JSON, id="plain-json-alias"),
        pytest.param("solutions", FIREFOX, True, HTML, id="firefox-page"),
        pytest.param("solutions", CHROME, True, HTML, id="chrome-page"),
        pytest.param("solutions", FIREFOX, False, XML, id="firefox-without-page"),
        pytest.param("solutions", "image/png", False, None, id="nothing-fits"),
        pytest.param("solutions", "text/csv;q=0", False, None, id="q0-refuses"),
        pytest.param("solutions", "text/csv;q=0, */*;q=0.1", False, JSON, id="q0-excludes-only-that"),
        pytest.param("solutions", "text/csv;q=0, */*;q=0", False, None, id="all-excluded"),
        pytest.param("boolean", SPARQLWRAPPER_JSON, False, JSON, id="ask-json"),
        pytest.param("boolean", "application/sparql-results+xml", False, XML, id="ask-xml"),
        pytest.param("boolean", "text/turtle", False, None, id="ask-as-rdf"),
        pytest.param("triples", None, False, TURTLE, id="graph-default"),
        pytest.param("triples", "*/*", False, TURTLE, id="graph-curl"),
        pytest.param("triples", JENA_GRAPH, False, TURTLE, id="graph-jena"),
        pytest.param("triples", SPARQLWRAPPER_N3, False, TURTLE, id="graph-sparqlwrapper-n3"),
        pytest.param("triples", "application/rdf+xml", False, RDFXML, id="graph-rdfxml"),
        pytest.param(
            "triples", "application/ld+json,application/x-json+ld", False, JSONLD, id="graph-jsonld"
        ),
        pytest.param("triples", "application/json", False, JSONLD, id="graph-json-is-jsonld"),
        pytest.param("triples", "text/plain", False, NTRIPLES, id="graph-text-plain-is-ntriples"),
        pytest.param("triples", RDFLIB_SPARQLSTORE, False, RDFXML, id="graph-rdflib-sparqlstore"),
        pytest.param("triples", FIREFOX, True, HTML, id="graph-browser"),
        pytest.param("triples", "text/csv", False, None, id="graph-as-table"),
    ],
)
def test_accept_headers(kind: Kind, accept: str | None, html: bool, expected: str | None) -> None:
    assert choose(kind, accept=accept, format_name=None, html=html) == expected


@pytest.mark.parametrize(
    "kind, name, expected",
    [
        ("solutions", "json", JSON),
        ("solutions", "xml", XML),
        ("solutions", "csv", CSV),
        ("solutions", "tsv", TSV),
        ("solutions", "CSV", CSV),
        ("solutions", "text/csv", CSV),
        ("solutions", "turtle", None),
        ("boolean", "json", JSON),
        ("boolean", "xml", XML),
        ("triples", "turtle", TURTLE),
        ("triples", "ttl", TURTLE),
        ("triples", "json", JSONLD),
        ("triples", "jsonld", JSONLD),
        ("triples", "xml", RDFXML),
        ("triples", "nt", NTRIPLES),
        ("triples", "nquads", "application/n-quads"),
        ("triples", "trig", "application/trig"),
        ("triples", "csv", None),
        ("triples", "bogus", None),
    ],
)
def test_format_parameter_wins(kind: Kind, name: str, expected: str | None) -> None:
    assert choose(kind, accept="application/sparql-results+json, text/turtle", format_name=name) == expected


def test_several_format_values() -> None:
    """SPARQLWrapper sends format=tsv&format=text/tab-separated-values, and rdf+xml with its type."""
    assert choose("solutions", accept=None, format_name=["tsv", "text/tab-separated-values"]) == TSV
    assert choose("triples", accept=None, format_name=["rdf+xml", "application/rdf+xml"]) == RDFXML
    assert choose("triples", accept=None, format_name=["bogus", "json-ld"]) == JSONLD
    assert choose("triples", accept="text/turtle", format_name=["bogus"]) is None
    assert choose("triples", accept="text/turtle", format_name=[""]) == TURTLE


def test_ties_go_to_the_clients_order_then_ours() -> None:
    assert negotiate("text/csv, application/sparql-results+json", OFFERS["solutions"]) == CSV
    assert negotiate("application/*", [JSON, XML]) == JSON


def test_more_specific_range_decides() -> None:
    # text/csv is refused outright even though text/* is welcome
    assert negotiate("text/*, text/csv;q=0", [CSV, TSV]) == TSV
