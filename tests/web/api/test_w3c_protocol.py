"""The query-side tests of the W3C SPARQL 1.1 Protocol test suite (w3c/rdf-tests,
sparql/sparql11/protocol/manifest.ttl), one test per manifest entry, named after it, on both backends.

Each request is the manifest's own (method, query string, body, Content-Type), sent to our endpoint
/sparql instead of the manifest's example path /sparql/. The manifest's graphs (kasei.us data0..3.rdf)
are loaded as named graphs, each holding ``<dataN.rdf> a foaf:Document`` as the suite's data does: into
a store directory served by `ctlkg serve --store-dir` (embedded), and by Graph Store Protocol PUT into
the session's Oxigraph server (remote). Expectations are the manifest's: 2xx/3xx and the boolean, or a
result in a format of the right kind, or a 4xx.

One erratum: query_multiple_dataset's URL encodes the '&' between its two named-graph-uri parameters
(%26), which read literally names one odd graph; we send the two parameters the test describes.
The update-side entries (bad_update_*) are in test_sparql_update.py, against /sparql/update.
"""

from __future__ import annotations

import gc
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from ctlkg.build import remote_load as loader
from live_servers import BIN, Processes, free_port, spawn, stop, wait_until_up

KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATA0 = "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf"
SRX = "{http://www.w3.org/2005/sparql-results#}"
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/trig",
    "application/n-quads",
)


def w3c_graphs() -> dict[str, list[ox.Triple]]:
    return {
        KASEI + f"data{n}.rdf": [ox.Triple(ox.NamedNode(KASEI + f"data{n}.rdf"), RDF_TYPE, FOAF_DOCUMENT)]
        for n in range(4)
    }


@dataclass(frozen=True)
class Endpoint:
    sparql: str


@pytest.fixture(scope="session")
def embedded_w3c(tmp_path_factory: pytest.TempPathFactory, processes: Processes) -> Iterator[Endpoint]:
    """`ctlkg serve --store-dir` over a store holding the suite's graphs (and nothing else)."""
    location = tmp_path_factory.mktemp("w3c-store")
    store = ox.Store(str(location))
    for graph, triples in w3c_graphs().items():
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples)
    store.flush()
    del store
    gc.collect()  # release the store's lock before the server opens it
    port, log = free_port(), processes.logs / "w3c.log"
    process = spawn([str(BIN / "ctlkg"), "serve", "--port", str(port), "--store-dir", str(location)], log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/sparql", process, log)
        yield Endpoint(f"http://127.0.0.1:{port}/sparql")
    finally:
        stop(process)


@pytest.fixture(scope="session")
def remote_w3c(processes: Processes) -> Endpoint:
    """The suite's graphs PUT into the session's Oxigraph, next to ours, answered by the remote server."""
    loader.push(w3c_graphs(), gsp=processes.oxigraph.store)
    return Endpoint(processes.services["remote"].sparql)


@pytest.fixture(scope="session")
def virtuoso_w3c(processes: Processes) -> Endpoint:
    """The same graphs PUT into the session's Virtuoso, answered by the server in front of it."""
    loader.push(w3c_graphs(), gsp=processes.virtuoso.store)
    return Endpoint(processes.services["virtuoso"].sparql)


@pytest.fixture(scope="session", params=["embedded", "remote", "virtuoso"])
def endpoint(request: pytest.FixtureRequest) -> Endpoint:
    return request.getfixturevalue(f"{request.param}_w3c")  # type: ignore[no-any-return]


def send(
    endpoint: Endpoint,
    method: str,
    query_string: str = "",
    *,
    body: bytes | None = None,
    content_type: str | None = None,
) -> httpx.Response:
    """The request exactly as the manifest writes it (query string already percent-encoded)."""
    url = endpoint.sparql + ("?" + query_string if query_string else "")
    headers = {"Content-Type": content_type} if content_type else {}
    with httpx.Client(timeout=30) as http:
        request = http.build_request(method, url, content=body, headers=headers)
        if content_type is None:
            request.headers.pop("content-type", None)
        return http.send(request)


def boolean(response: httpx.Response) -> bool:
    assert 200 <= response.status_code < 400, response.text
    media = response.headers["content-type"].split(";")[0]
    assert media in BOOLEAN_TYPES
    if media.endswith("json"):
        return bool(json.loads(response.content)["boolean"])
    return ET.fromstring(response.content).findtext(SRX + "boolean") == "true"


def is_4xx(response: httpx.Response) -> bool:
    return 400 <= response.status_code < 500


def test_query_post_form(endpoint: Endpoint) -> None:
    response = send(
        endpoint, "POST", DATA0, body=b"query=ASK%20%7B%7D", content_type="application/x-www-form-urlencoded"
    )
    assert boolean(response) is True


def test_query_dataset_default_graphs_get(endpoint: Endpoint) -> None:
    query_string = (
        "query=ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype%20."
        "%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20.%20%7D"
        "&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
        "&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
    )
    assert boolean(send(endpoint, "GET", query_string)) is True


def test_query_dataset_default_graphs_post(endpoint: Endpoint) -> None:
    query_string = (
        "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
        "&default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
    )
    body = (
        b"ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type . "
        b"<http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type . }"
    )
    assert (
        boolean(send(endpoint, "POST", query_string, body=body, content_type="application/sparql-query"))
        is True
    )


NAMED_ASK = (
    b"ASK { GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } "
    b"GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }"
)
NAMED_12 = (
    "named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
    "&named-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
)


def test_query_dataset_named_graphs_post(endpoint: Endpoint) -> None:
    response = send(endpoint, "POST", NAMED_12, body=NAMED_ASK, content_type="application/sparql-query")
    assert boolean(response) is True


def test_query_dataset_named_graphs_get(endpoint: Endpoint) -> None:
    query_string = (
        "query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
        "%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata"
        "%2Fdata2.rdf%3E%20a%20%3Ftype%20%7D%20%7D&" + NAMED_12
    )
    assert boolean(send(endpoint, "GET", query_string)) is True


def test_query_dataset_full(endpoint: Endpoint) -> None:
    query_string = (
        "default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata3.rdf&" + NAMED_12
    )
    body = b"""ASK {
  <http://kasei.us/2009/09/sparql/data/data3.rdf> a ?type
  GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type }
  GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type }
}"""
    assert (
        boolean(send(endpoint, "POST", query_string, body=body, content_type="application/sparql-query"))
        is True
    )


def test_query_multiple_dataset(endpoint: Endpoint) -> None:
    """The protocol's dataset wins over the query's FROM (data3 is not in the protocol dataset)."""
    body = (
        b"ASK FROM <http://kasei.us/2009/09/sparql/data/data3.rdf> "
        b"{ GRAPH ?g1 { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type } "
        b"GRAPH ?g2 { <http://kasei.us/2009/09/sparql/data/data2.rdf> a ?type } }"
    )
    response = send(endpoint, "POST", NAMED_12, body=body, content_type="application/sparql-query")
    assert boolean(response) is True
    # and the query's FROM was indeed overridden: data3 is not in the default graph
    check = b"ASK FROM <http://kasei.us/2009/09/sparql/data/data3.rdf> { ?s a ?type }"
    assert (
        boolean(send(endpoint, "POST", NAMED_12, body=check, content_type="application/sparql-query"))
        is False
    )


def test_query_get(endpoint: Endpoint) -> None:
    assert boolean(send(endpoint, "GET", "query=ASK%20%7B%7D&" + DATA0)) is True


def test_query_content_type_select(endpoint: Endpoint) -> None:
    response = send(
        endpoint, "POST", DATA0, body=b"SELECT (1 AS ?value) {}", content_type="application/sparql-query"
    )
    assert response.status_code == 200
    media = response.headers["content-type"].split(";")[0]
    assert media in TABULAR_TYPES
    parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(media))
    assert [str(s["value"].value) for s in parsed] == ["1"]  # type: ignore[union-attr]


def test_query_content_type_ask(endpoint: Endpoint) -> None:
    response = send(endpoint, "POST", DATA0, body=b"ASK {}", content_type="application/sparql-query")
    assert boolean(response) is True


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"DESCRIBE <http://example.org/>", id="query_content_type_describe"),
        pytest.param(b"CONSTRUCT { <s> <p> 1 } WHERE {}", id="query_content_type_construct"),
    ],
)
def test_query_content_type_graph(endpoint: Endpoint, body: bytes) -> None:
    response = send(endpoint, "POST", DATA0, body=body, content_type="application/sparql-query")
    assert response.status_code == 200, response.text
    media = response.headers["content-type"].split(";")[0]
    assert media in RDF_TYPES
    rdflib.Graph().parse(data=response.content, format={"text/turtle": "turtle"}.get(media, media))


def test_query_post_direct(endpoint: Endpoint) -> None:
    assert boolean(send(endpoint, "POST", body=b"ASK {}", content_type="application/sparql-query")) is True


def test_bad_query_method(endpoint: Endpoint) -> None:
    response = send(
        endpoint,
        "PUT",
        "query=ASK%20%7B%7D&" + DATA0,
        body=b"",
        content_type="application/x-www-form-urlencoded",
    )
    assert is_4xx(response)


def test_bad_multiple_queries(endpoint: Endpoint) -> None:
    assert is_4xx(send(endpoint, "GET", "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D"))


def test_bad_query_wrong_media_type(endpoint: Endpoint) -> None:
    assert is_4xx(send(endpoint, "POST", body=b"ASK {}", content_type="text/plain"))


def test_bad_query_missing_form_type(endpoint: Endpoint) -> None:
    assert is_4xx(send(endpoint, "POST", body=b"query=ASK%20%7B%7D"))


def test_bad_query_missing_direct_type(endpoint: Endpoint) -> None:
    assert is_4xx(send(endpoint, "POST", body=b"ASK {}"))


def test_bad_query_non_utf8(endpoint: Endpoint) -> None:
    body = "ASK {}".encode("utf-16")  # with its byte order mark, as the manifest says
    assert is_4xx(send(endpoint, "POST", body=body, content_type="application/sparql-query; charset=UTF-16"))


def test_bad_query_syntax(endpoint: Endpoint) -> None:
    assert is_4xx(send(endpoint, "GET", "query=ASK%20%7B"))


def test_suite_data_is_apart_from_ours(endpoint: Endpoint) -> None:
    """Our default graph does not see the suite's graphs (they are only reachable by name)."""
    query = "ASK { <http://kasei.us/2009/09/sparql/data/data1.rdf> a ?type }"
    assert (
        boolean(send(endpoint, "POST", body=query.encode(), content_type="application/sparql-query")) is False
    )
