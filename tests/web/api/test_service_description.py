"""The SPARQL 1.1 Service Description at GET /sparql (no query), on both backends."""

from __future__ import annotations

import httpx
import pytest
import rdflib
from rdflib import RDF, Namespace, URIRef

from ctlkg.rdf import namespaces
from live_servers import Service

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")


def description(
    service: Service, client: httpx.Client, accept: str = "text/turtle", parser: str = "turtle"
) -> rdflib.Graph:
    response = client.get(service.sparql, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    return rdflib.Graph().parse(data=response.content, format=parser)


def test_describes_the_endpoint(service: Service, client: httpx.Client) -> None:
    graph = description(service, client)
    endpoint = URIRef(service.sparql)
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    # the test servers have a write token, so they speak SPARQL Update too
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Update) in graph
    formats = set(graph.objects(endpoint, SD.resultFormat))
    assert {
        FORMATS.SPARQL_Results_JSON,
        FORMATS.SPARQL_Results_XML,
        FORMATS.SPARQL_Results_CSV,
        FORMATS.SPARQL_Results_TSV,
        FORMATS.Turtle,
        FORMATS["JSON-LD"],
        FORMATS.RDF_XML,
    } <= formats
    assert (endpoint, SD.feature, SD.BasicFederatedQuery) not in graph  # no SERVICE allow-list


def test_dataset_lists_the_named_graphs_with_sizes(service: Service, client: httpx.Client) -> None:
    graph = description(service, client)
    dataset = graph.value(URIRef(service.sparql), SD.defaultDataset)
    assert dataset is not None
    names = {}
    for named in graph.objects(dataset, SD.namedGraph):
        size = graph.value(graph.value(named, SD.graph), VOID.triples)
        names[str(graph.value(named, SD.name))] = int(size)  # type: ignore[call-overload]
    assert set(names) == {
        namespaces.GRAPH_ONTOLOGY,
        namespaces.GRAPH_SHAPES,
        namespaces.GRAPH_DATA,
        namespaces.GRAPH_INFERRED,
        namespaces.GRAPH_SYNERGIES,
    }
    assert all(size > 0 for size in names.values())
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{namespaces.GRAPH_DATA}> {{ ?s ?p ?o }} }}"
    counted = client.get(service.sparql, params={"query": query}).json()["results"]["bindings"][0]["n"][
        "value"
    ]
    assert names[namespaces.GRAPH_DATA] == int(counted)
    default = graph.value(dataset, SD.defaultGraph)
    assert int(graph.value(default, VOID.triples)) > names[namespaces.GRAPH_DATA]  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "accept, parser",
    [
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_other_rdf_formats(service: Service, client: httpx.Client, accept: str, parser: str) -> None:
    graph = description(service, client, accept, parser)
    assert (URIRef(service.sparql), RDF.type, SD.Service) in graph


def test_format_parameter(service: Service, client: httpx.Client) -> None:
    response = client.get(service.sparql, params={"format": "jsonld"}, headers={"Accept": "text/html"})
    assert response.headers["content-type"] == "application/ld+json"


def test_curl_gets_turtle(service: Service, client: httpx.Client) -> None:
    response = client.get(service.sparql, headers={"Accept": "*/*"})
    assert response.headers["content-type"].startswith("text/turtle")


def test_browser_is_redirected_to_the_query_page(service: Service, client: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(service.sparql, headers={"Accept": browser})
    assert response.status_code == 303
    assert response.headers["location"] == "/query"


def test_not_acceptable(service: Service, client: httpx.Client) -> None:
    assert client.get(service.sparql, headers={"Accept": "image/png"}).status_code == 406


def test_get_update_is_refused(service: Service, client: httpx.Client) -> None:
    """W3C bad_update_get: an update by GET at the query endpoint."""
    assert client.get(service.sparql, params={"update": "CLEAR ALL"}).status_code == 400
