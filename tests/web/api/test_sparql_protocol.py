"""The /sparql endpoint over HTTP, on both backends: every request form, every format (parsed with a
real parser), the dataset parameters, the limits and every error status.
"""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from ctlkg.rdf import namespaces, paths
from live_servers import TOKEN, Processes, Service

#: Answers that must be the same on Virtuoso.
pytestmark = pytest.mark.every_engine

PREFIXES = f"PREFIX ctl: <{namespaces.CTL}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
COUNT = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?c a ctl:Cluster }"
CLUSTERS = PREFIXES + "SELECT ?c WHERE { ?c a ctl:Cluster } ORDER BY ?c"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?c a ctl:Cluster } WHERE { ?c a ctl:Cluster }"
ASK = PREFIXES + "ASK { ?c a ctl:Cluster }"
SRX = "{http://www.w3.org/2005/sparql-results#}"
CLUSTER_BASE = str(namespaces.ID) + "cluster/"
#: Slow on purpose (a cross product of the whole graph with itself), for the time limit.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d }"


def cluster_files() -> int:
    """The clusters the data declares: one file each (nine when the data is complete)."""
    return len(list((paths.DATA_DIR / "clusters").glob("*.ttl")))


def json_rows(response: httpx.Response) -> list[dict[str, dict[str, str]]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    return list(response.json()["results"]["bindings"])


def count_of(response: httpx.Response) -> int:
    return int(json_rows(response)[0]["n"]["value"])


def test_get(service: Service, client: httpx.Client) -> None:
    n = count_of(client.get(service.sparql, params={"query": COUNT}))
    assert n == cluster_files()
    if cluster_files() == 9:
        assert n == 9


def test_post_form(service: Service, client: httpx.Client) -> None:
    assert count_of(client.post(service.sparql, data={"query": COUNT})) == cluster_files()


def test_post_direct(service: Service, client: httpx.Client) -> None:
    response = client.post(
        service.sparql,
        content=COUNT.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert count_of(response) == cluster_files()


def clusters_from(media: str, body: bytes) -> list[str]:
    """The cluster IRIs of a CLUSTERS result, read with the parser that fits the format."""
    if media == "application/sparql-results+json":
        return [b["c"]["value"] for b in json.loads(body)["results"]["bindings"]]
    if media == "application/sparql-results+xml":
        root = ET.fromstring(body)
        return [uri.text or "" for uri in root.iter(SRX + "uri")]
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["c"]
        return [row[0] for row in rows[1:]]
    rows = list(csv.reader(io.StringIO(body.decode()), delimiter="\t"))
    assert rows[0] == ["?c"]
    return [row[0].strip("<>") for row in rows[1:]]


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_select_formats(service: Service, client: httpx.Client, accept: str) -> None:
    response = client.get(service.sparql, params={"query": CLUSTERS}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    found = clusters_from(accept, response.content)
    assert len(found) == cluster_files()
    assert all(iri.startswith(CLUSTER_BASE) for iri in found)
    if accept == "text/csv":
        return  # lossy by design: pyoxigraph will not read it back
    # pyoxigraph's own results parser agrees
    parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(accept))
    assert isinstance(parsed, ox.QuerySolutions)
    assert len(list(parsed)) == len(found)


@pytest.mark.parametrize(
    "name, media",
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_select_format_parameter(service: Service, client: httpx.Client, name: str, media: str) -> None:
    """Browsers cannot set Accept: `format` wins over it."""
    response = client.get(
        service.sparql, params={"query": CLUSTERS, "format": name}, headers={"Accept": "text/html,*/*;q=0.8"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert len(clusters_from(media, response.content)) == cluster_files()


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_formats(service: Service, client: httpx.Client, accept: str) -> None:
    response = client.post(service.sparql, data={"query": ASK}, headers={"Accept": accept})
    assert response.status_code == 200
    if accept.endswith("json"):
        assert response.json()["boolean"] is True
    else:
        assert ET.fromstring(response.content).find(SRX + "boolean").text == "true"  # type: ignore[union-attr]


RDF_FORMATS = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
    ("application/trig", "trig"),
    ("application/n-quads", "nquads"),
]


@pytest.mark.parametrize("accept, parser", RDF_FORMATS)
def test_construct_formats(service: Service, client: httpx.Client, accept: str, parser: str) -> None:
    response = client.get(service.sparql, params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Dataset() if parser in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=response.content, format=parser)
    subjects = {
        str(s) for s, _, _ in graph.triples((None, rdflib.RDF.type, rdflib.URIRef(namespaces.CTL.Cluster)))
    }
    assert len(subjects) == cluster_files()


def test_describe(service: Service, client: httpx.Client) -> None:
    iri = CLUSTER_BASE + "afil"
    response = client.get(service.sparql, params={"query": f"DESCRIBE <{iri}>", "format": "turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (rdflib.URIRef(iri), rdflib.RDF.type, rdflib.URIRef(namespaces.CTL.Cluster)) in graph


@pytest.mark.parametrize(
    "accept, media",
    [
        ("application/json", "application/sparql-results+json"),
        ("application/xml", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("", "application/sparql-results+json"),
    ],
)
def test_select_accept_aliases(service: Service, client: httpx.Client, accept: str, media: str) -> None:
    response = client.get(service.sparql, params={"query": CLUSTERS}, headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"].startswith("Accept")


def test_browser_is_sent_to_the_query_page(service: Service, client: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(service.sparql, params={"query": ASK}, headers={"Accept": browser})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/query?query=PREFIX")


# --- the dataset --------------------------------------------------------------------------------

GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def test_default_dataset_keeps_graphs_apart(service: Service, client: httpx.Client) -> None:
    rows = json_rows(client.get(service.sparql, params={"query": GRAPHS_QUERY}))
    assert {r["g"]["value"] for r in rows} == {
        namespaces.GRAPH_ONTOLOGY,
        namespaces.GRAPH_SHAPES,
        namespaces.GRAPH_DATA,
        namespaces.GRAPH_INFERRED,
        namespaces.GRAPH_SYNERGIES,
    }


def test_default_graph_uri(service: Service, client: httpx.Client) -> None:
    only_ontology = {"query": COUNT, "default-graph-uri": namespaces.GRAPH_ONTOLOGY}
    assert count_of(client.get(service.sparql, params=only_ontology)) == 0
    only_data = {"query": COUNT, "default-graph-uri": namespaces.GRAPH_DATA}
    assert count_of(client.post(service.sparql, data=only_data)) == cluster_files()


def test_named_graph_uri(service: Service, client: httpx.Client) -> None:
    params = {"query": GRAPHS_QUERY, "named-graph-uri": namespaces.GRAPH_DATA}
    rows = json_rows(client.get(service.sparql, params=params))
    assert [r["g"]["value"] for r in rows] == [namespaces.GRAPH_DATA]


def test_inferences_are_in_the_default_graph(service: Service, client: httpx.Client) -> None:
    """A triple only the reasoner added is seen by default, and not when the dataset leaves it out."""
    only_inferred = (
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{namespaces.GRAPH_INFERRED}> {{ ?s ?p ?o FILTER(isIRI(?o)) }} "
        f"FILTER NOT EXISTS {{ GRAPH <{namespaces.GRAPH_DATA}> {{ ?s ?p ?o }} }} }} ORDER BY ?s ?p ?o LIMIT 1"
    )
    rows = json_rows(client.get(service.sparql, params={"query": only_inferred}))
    assert rows, "the reasoner inferred nothing"
    triple = " ".join(f"<{rows[0][v]['value']}>" for v in ("s", "p", "o"))
    ask = "ASK { " + triple + " }"
    assert client.get(service.sparql, params={"query": ask}).json()["boolean"] is True
    asserted = [
        ("query", ask),
        ("default-graph-uri", namespaces.GRAPH_ONTOLOGY),
        ("default-graph-uri", namespaces.GRAPH_DATA),
    ]
    assert client.get(service.sparql, params=tuple(asserted)).json()["boolean"] is False


def test_from_in_the_query_applies_without_protocol_dataset(service: Service, client: httpx.Client) -> None:
    query = COUNT.replace("WHERE", f"FROM <{namespaces.GRAPH_ONTOLOGY}> WHERE")
    assert count_of(client.get(service.sparql, params={"query": query})) == 0


# --- limits -------------------------------------------------------------------------------------


def test_row_limit(service: Service, client: httpx.Client) -> None:
    """At most max_rows rows (10000 by default), and a header saying the answer was cut."""
    query = "SELECT ?s ?x WHERE { ?s ?p ?o . VALUES ?x { 1 2 3 } }"
    response = client.get(service.sparql, params={"query": query})
    assert len(json_rows(response)) == 10_000
    assert response.headers["x-result-truncated"].startswith("true")
    small = client.get(service.sparql, params={"query": CLUSTERS})
    assert "x-result-truncated" not in small.headers


def test_time_limit(service: Service, client: httpx.Client) -> None:
    response = client.get(service.sparql, params={"query": SLOW, "timeout": "0.3"})
    assert response.status_code == (503 if service.backend == "embedded" else 504)
    assert "time" in response.json()["message"]
    assert response.headers["retry-after"]
    # the server is still answering other queries
    assert count_of(client.get(service.sparql, params={"query": COUNT})) == cluster_files()


def test_request_size_limit(service: Service, client: httpx.Client) -> None:
    big = "ASK {} #" + "x" * 1_100_000
    response = client.post(
        service.sparql, content=big.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413
    chunked = client.post(
        service.sparql,
        content=iter([big.encode()[:600_000], big.encode()[600_000:]]),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert chunked.status_code == 413
    assert "limit" in chunked.json()["message"]


def test_bad_timeout_parameter(service: Service, client: httpx.Client) -> None:
    response = client.get(service.sparql, params={"query": ASK, "timeout": "soon"})
    assert response.status_code == 400


# --- errors -------------------------------------------------------------------------------------


def test_syntax_error_carries_the_parser_message(service: Service, client: httpx.Client) -> None:
    response = client.get(service.sparql, params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["message"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s a foo:Bar }",
         "line 1, column 30: the prefix foo: is not declared; add PREFIX foo: <...> before the query"),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  ?s xx ?o }", "line 3, column 11"),
        ("ASK { ?s ?p ?o } garbage", 'line 1, column 24, at "garbage": expected one of '),
    ],
)
def test_a_syntax_error_reads_as_words(
    service: Service, client: httpx.Client, query: str, expected: str
) -> None:
    """Where the parser stopped, as a line and a column, the text there, the words that could come: never
    the grammar's character classes (Oxigraph lists Unicode ranges), and an undeclared prefix by name."""
    message = client.get(service.sparql, params={"query": query}).json()["message"]
    assert message.startswith(expected), message
    assert "\\u{" not in message and "..=" not in message


@pytest.mark.parametrize(
    "request_kwargs",
    [
        pytest.param({"data": {"update": "CLEAR ALL"}}, id="form-update"),
        pytest.param(
            {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}}, id="direct"
        ),
        pytest.param(
            {"data": {"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}}, id="update-as-query"
        ),
    ],
)
def test_updates_are_refused(
    service: Service, client: httpx.Client, request_kwargs: dict[str, object]
) -> None:
    response = client.post(service.sparql, **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert "read-only" in response.json()["message"] or "/sparql/update" in response.json()["message"]
    assert count_of(client.get(service.sparql, params={"query": COUNT})) == cluster_files()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods(service: Service, client: httpx.Client, method: str) -> None:
    response = client.request(method, service.sparql, params={"query": ASK})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"] and "POST" in response.headers["allow"]


def test_not_acceptable(service: Service, client: httpx.Client) -> None:
    assert (
        client.get(service.sparql, params={"query": ASK}, headers={"Accept": "image/png"}).status_code == 406
    )
    assert (
        client.get(service.sparql, params={"query": CONSTRUCT}, headers={"Accept": "text/csv"}).status_code
        == 406
    )
    assert client.get(service.sparql, params={"query": ASK, "format": "turtle"}).status_code == 406


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/json", "application/sparql-query; charset=utf-16"]
)
def test_unsupported_media_types(service: Service, client: httpx.Client, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    request = client.build_request("POST", service.sparql, content=b"ASK {}", headers=headers)
    assert ("content-type" in request.headers) == (content_type is not None)
    assert client.send(request).status_code == 415


def test_body_not_utf8(service: Service, client: httpx.Client) -> None:
    body = 'SELECT * WHERE { ?s ?p "città" }'.encode("latin-1")
    response = client.post(service.sparql, content=body, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "UTF-8" in response.json()["message"]


def test_graph_names_must_be_iris(service: Service, client: httpx.Client) -> None:
    response = client.get(service.sparql, params={"query": ASK, "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert "IRI" in response.json()["message"]


def test_multiple_queries(service: Service, client: httpx.Client) -> None:
    response = client.get(service.sparql, params=[("query", ASK), ("query", COUNT)])
    assert response.status_code == 400


def test_post_without_query(service: Service, client: httpx.Client) -> None:
    assert client.post(service.sparql, data={"format": "json"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { SERVICE SILENT ex:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { ?e a <http://example.org/Endpoint> SERVICE ?e { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(service: Service, client: httpx.Client, query: str) -> None:
    """Refused with a readable 400; except SERVICE SILENT on the embedded store, whose fenced workers cannot
    connect anywhere, so that the call fails and yields the one empty solution the spec defines for SILENT."""
    response = client.get(service.sparql, params={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    if "SILENT" in query and service.backend == "embedded":
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"] == [{}]
        return
    assert response.status_code == 400
    assert "SERVICE" in response.json()["message"]


def test_words_in_strings_are_not_keywords(service: Service, client: httpx.Client) -> None:
    """SERVICE or INSERT inside a literal, an IRI or a comment is no reason to refuse a query."""
    query = 'ASK { FILTER("SERVICE <http://x> INSERT DATA" != "") } # SERVICE <http://y>'
    assert client.get(service.sparql, params={"query": query}).json()["boolean"] is True


@pytest.mark.parametrize(
    "params, headers",
    [
        pytest.param({"query": ASK}, {"Host": "bad host"}, id="host-with-space"),
        pytest.param({"query": ASK}, {"Accept": ";;;q=x,/"}, id="broken-accept"),
        pytest.param({"query": ASK, "timeout": "nan"}, {}, id="nan-timeout"),
        pytest.param({"query": ASK, "format": "\x00"}, {}, id="nul-format"),
        pytest.param({"query": "SELECT * WHERE { BIND(<a b> AS ?x) }"}, {}, id="bad-iri-in-query"),
        pytest.param({"query": ASK, "named-graph-uri": ""}, {}, id="empty-graph-name"),
        pytest.param("query=%ED%A0%80", {}, id="surrogate-not-utf8"),
        pytest.param("query=%FF", {}, id="not-utf8"),
    ],
)
def test_hostile_input_is_never_a_500(
    service: Service, client: httpx.Client, params: dict[str, str] | str, headers: dict[str, str]
) -> None:
    if isinstance(params, str):  # sent as written, percent-escapes and all
        response = client.get(f"{service.sparql}?{params}", headers=headers)
    else:
        response = client.get(service.sparql, params=params, headers=headers)
    assert 200 <= response.status_code < 500, response.text
    assert "Traceback" not in response.text
    if isinstance(params, str):  # both are query strings that are not UTF-8: the client's mistake, said so
        assert response.status_code == 400, response.text
        assert response.json()["message"] == "the query string is not UTF-8 percent-encoded text"


# --- CORS and logs ------------------------------------------------------------------------------


def test_cors_for_reading(service: Service, client: httpx.Client) -> None:
    origin = {"Origin": "https://example.org"}
    response = client.get(service.sparql, params={"query": ASK}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        service.sparql,
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_one_log_line_per_request_and_no_token(
    service: Service, client: httpx.Client, processes: Processes
) -> None:
    client.get(service.sparql, params={"query": ASK, "marker": "log-test"})
    client.post(service.update, data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer wrong-token"})
    log = ""
    for _ in range(40):  # the line is written just after the answer is sent
        log = (processes.logs / f"{service.backend}.log").read_text()
        if "POST /sparql/update 403" in log:
            break
        time.sleep(0.05)
    assert "GET /sparql 200" in log and " ms" in log
    assert "POST /sparql/update 403" in log
    assert "log-test" not in log  # paths only: query strings may carry anything
    assert TOKEN not in log and "wrong-token" not in log
