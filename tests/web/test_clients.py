"""Real SPARQL clients against the running servers: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, Unauthorized

from ctlkg.rdf import namespaces, paths
from live_servers import Service

CLUSTER = rdflib.URIRef(namespaces.CTL.Cluster)
PREFIX = f"PREFIX ctl: <{namespaces.CTL}>\n"
CLUSTERS = PREFIX + "SELECT ?c WHERE { ?c a ctl:Cluster } ORDER BY ?c"
CONSTRUCT = PREFIX + "CONSTRUCT { ?c a ctl:Cluster } WHERE { ?c a ctl:Cluster }"


def clusters() -> int:
    return len(list((paths.DATA_DIR / "clusters").glob("*.ttl")))


def wrapper(service: Service, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(service.sparql)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY], ids=["get", "post-form", "post-direct"])
def test_sparqlwrapper_select_json(service: Service, method: str | None) -> None:
    sparql = wrapper(service, CLUSTERS, JSON)
    if method == POSTDIRECTLY:
        sparql.setMethod(POST)
        sparql.setRequestMethod(POSTDIRECTLY)
    elif method is not None:
        sparql.setMethod(method)
    rows = cast(dict[str, Any], sparql.queryAndConvert())["results"]["bindings"]
    assert len(rows) == clusters()
    assert all(row["c"]["value"].startswith(str(namespaces.ID) + "cluster/") for row in rows)


def test_sparqlwrapper_select_xml(service: Service) -> None:
    document = wrapper(service, CLUSTERS, XML).queryAndConvert()
    assert len(document.getElementsByTagName("result")) == clusters()  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt, delimiter", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_tables(service: Service, fmt: str, delimiter: str) -> None:
    body = wrapper(service, CLUSTERS, fmt).queryAndConvert()
    rows = list(csv.reader(io.StringIO(body.decode()), delimiter=delimiter))  # type: ignore[union-attr]
    assert len(rows) == clusters() + 1


def test_sparqlwrapper_ask(service: Service) -> None:
    result = cast(dict[str, Any], wrapper(service, PREFIX + "ASK { ?c a ctl:Cluster }", JSON).queryAndConvert())
    assert result["boolean"] is True


@pytest.mark.parametrize("fmt", [RDFXML, TURTLE, JSONLD])
def test_sparqlwrapper_construct(service: Service, fmt: str) -> None:
    converted = wrapper(service, CONSTRUCT, fmt).queryAndConvert()
    assert isinstance(converted, rdflib.Graph | str | bytes)
    graph = converted if isinstance(converted, rdflib.Graph) else rdflib.Graph().parse(data=converted, format="turtle")
    assert len(set(graph.subjects(rdflib.RDF.type, CLUSTER))) == clusters()


def test_sparqlwrapper_errors(service: Service) -> None:
    with pytest.raises(QueryBadFormed):
        wrapper(service, "SELECT WHERE {", JSON).queryAndConvert()
    update = SPARQLWrapper(service.sparql, updateEndpoint=service.update)
    update.setMethod(POST)
    update.setQuery("INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }")
    with pytest.raises(Unauthorized):
        update.query()


@pytest.fixture
def remote_graph(service: Service) -> rdflib.Graph:
    return rdflib.Graph(store=SPARQLStore(query_endpoint=service.sparql, returnFormat="xml"))


def test_sparqlstore_select(remote_graph: rdflib.Graph) -> None:
    rows = list(remote_graph.query(CLUSTERS))
    assert len(rows) == clusters()
    assert all(isinstance(row[0], rdflib.URIRef) for row in rows)  # type: ignore[index]


def test_sparqlstore_triples_and_len(remote_graph: rdflib.Graph) -> None:
    assert len(set(remote_graph.subjects(rdflib.RDF.type, CLUSTER))) == clusters()
    assert len(remote_graph) > 1000


def test_sparqlstore_construct_and_ask(remote_graph: rdflib.Graph) -> None:
    constructed = remote_graph.query(CONSTRUCT).graph
    assert constructed is not None and len(constructed) == clusters()
    assert remote_graph.query(PREFIX + "ASK { ?c a ctl:Cluster }").askAnswer is True


def test_sparqlstore_post_json(service: Service) -> None:
    store = SPARQLStore(query_endpoint=service.sparql, returnFormat="json", method="POST")
    rows = list(rdflib.Graph(store=store).query(CLUSTERS))
    assert len(rows) == clusters()


def test_sparqlstore_named_graphs(service: Service) -> None:
    store = SPARQLStore(query_endpoint=service.sparql)
    names = {str(c) for c in store.contexts()}
    assert {namespaces.GRAPH_DATA, namespaces.GRAPH_INFERRED} <= names
