"""The VoID and DCAT description at /.well-known/void, on both backends."""

from __future__ import annotations

import re

import httpx
import pytest
import rdflib
from rdflib import DCAT, DCTERMS, RDF, Literal, Namespace, URIRef

from ctlkg.rdf import namespaces
from live_servers import Service

VOID = Namespace("http://rdfs.org/ns/void#")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


def void(
    service: Service, client: httpx.Client, accept: str = "text/turtle", parser: str = "turtle"
) -> rdflib.Graph:
    response = client.get(service.url + "/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    return rdflib.Graph().parse(data=response.content, format=parser)


def count(service: Service, client: httpx.Client, query: str) -> int:
    response = client.get(service.sparql, params={"query": query})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def described(service: Service, client: httpx.Client) -> tuple[rdflib.Graph, URIRef]:
    graph = void(service, client)
    dataset = URIRef(service.url + "/.well-known/void#dataset")
    return graph, dataset


def test_dataset_header(described: tuple[rdflib.Graph, URIRef], service: Service) -> None:
    graph, dataset = described
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert (dataset, DCTERMS.license, CC_BY) in graph
    assert {t.language for t in graph.objects(dataset, DCTERMS.title) if isinstance(t, Literal)} == {"en", "it"}
    assert (dataset, VOID.sparqlEndpoint, URIRef(service.sparql)) in graph
    assert (dataset, VOID.uriSpace, rdflib.Literal(str(namespaces.ID))) in graph


def test_sizes_match_sparql(
    described: tuple[rdflib.Graph, URIRef], service: Service, client: httpx.Client
) -> None:
    graph, dataset = described
    assert int(graph.value(dataset, VOID.triples)) == count(  # type: ignore[call-overload]
        service, client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert int(graph.value(dataset, VOID.classes)) == count(  # type: ignore[call-overload]
        service, client, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"
    )
    clusters = count(service, client, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c a <{namespaces.CTL.Cluster}> }}")
    partitions = {
        graph.value(p, VOID["class"]): graph.value(p, VOID.entities)
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert int(partitions[URIRef(namespaces.CTL.Cluster)]) == clusters  # type: ignore[call-overload]
    subsets = set(graph.objects(dataset, VOID.subset))
    assert URIRef(namespaces.GRAPH_DATA) in subsets and URIRef(namespaces.GRAPH_INFERRED) in subsets


def test_dumps_and_service(
    described: tuple[rdflib.Graph, URIRef], service: Service, client: httpx.Client
) -> None:
    graph, dataset = described
    dumps = set(graph.objects(dataset, VOID.dataDump))
    assert URIRef(service.url + "/dumps/ctlkg-inferred.ttl") in dumps
    index = client.get(service.url + "/dumps", headers={"Accept": "application/json"}).json()["dumps"]
    assert {URIRef(e["url"]) for e in index} == dumps
    turtle = URIRef(service.url + "/dumps/ctlkg.ttl")
    assert (turtle, RDF.type, DCAT.Distribution) in graph
    assert (
        turtle,
        DCAT.mediaType,
        URIRef("https://www.iana.org/assignments/media-types/text/turtle"),
    ) in graph
    assert (turtle, DCTERMS.license, CC_BY) in graph
    access = graph.value(dataset, DCAT.accessService)
    assert (access, DCAT.endpointURL, URIRef(service.sparql)) in graph


def test_vocabularies_and_examples(described: tuple[rdflib.Graph, URIRef]) -> None:
    graph, dataset = described
    vocabularies = {str(v) for v in graph.objects(dataset, VOID.vocabulary)}
    assert {
        str(namespaces.CTL),
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/2004/02/skos/core#",
    } <= vocabularies
    examples = list(graph.objects(dataset, VOID.exampleResource))
    assert examples and all(str(e).startswith(str(namespaces.ID) + "cluster/") for e in examples)


@pytest.mark.parametrize(
    "accept, parser",
    [
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ],
)
def test_other_formats(service: Service, client: httpx.Client, accept: str, parser: str) -> None:
    graph = void(service, client, accept, parser)
    assert (URIRef(service.url + "/.well-known/void#dataset"), RDF.type, VOID.Dataset) in graph


def test_not_acceptable(service: Service, client: httpx.Client) -> None:
    assert client.get(service.url + "/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_a_browser_gets_a_page(service: Service, client: httpx.Client) -> None:
    """HTML by content negotiation: the dataset first, its graphs' sizes, every dump linked; the same triples
    as the RDF (each object of the dataset shows on the page)."""
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get(service.url + "/.well-known/void", headers=browser)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>About the dataset</h1>" in page.text and '<nav aria-label=' in page.text
    first = page.text.index("<h2")
    assert service.url + "/.well-known/void#dataset" in page.text[first:first + 300]
    assert page.text.count('href="' + service.url + "/dumps/") >= 24
    graph = void(service, client, "text/turtle", "turtle")
    dataset = URIRef(service.url + "/.well-known/void#dataset")
    sizes = [str(size) for size in graph.objects(dataset, VOID.triples)]
    assert sizes and all(re.search(rf">void:triples</a></th>\s*<td>\s*{size}\s*</td>", page.text) for size in sizes)
    turtle = client.get(service.url + "/.well-known/void", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
