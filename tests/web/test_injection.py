"""Hostile values where the service takes input: named-query parameters, linked-data and static paths
(traversal, encoded traversal, null bytes), Accept headers and the dataset parameters.

Each must give a 4xx (or, where the value is legal, an ordinary answer), never a 5xx; no file's
contents may leak; and no value may change what a query asks (values are bound as terms, never pasted).
"""

from __future__ import annotations

import socket
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from ctlkg.rdf import namespaces
from live_servers import Service

CLUSTER = f"{namespaces.ID}cluster/afil"
#: Strings that would show a file's contents or our source leaking.
LEAKS = ("root:x:0:0", "root:*:", "[build-system]", "def create_app", "import pyoxigraph", "Traceback",
         "site-packages", "/work/", 'File "', "pydantic", "starlette.", "fastapi.")

HOSTILE_VALUES = [
    'en") } UNION { ?s ?p ?o } #',
    "en' . ?s ?p ?o . #",
    f"{CLUSTER}> }} UNION {{ ?s ?p ?o }} #",
    f"<{CLUSTER}>",
    "file:///etc/passwd",
    "file:///proc/self/environ",
    "javascript:alert(1)",
    "?s",
    "$cluster",
    "\x00",
    "en\x00it",
    "\u202e\ufeffen",
    "http://127.0.0.1:1/",
    namespaces.GRAPH_SHAPES,
    "x" * 20_000,
    "' ; CLEAR ALL ; '",
    "true; DROP ALL",
    "1e999",
    "-1",
]


def no_leak(text: str) -> None:
    for marker in LEAKS:
        assert marker not in text, marker


def data_size(service: Service, client: httpx.Client) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{namespaces.GRAPH_DATA}> {{ ?s ?p ?o }} }}"
    response = client.get(service.sparql, params={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def raw_get(url: str, path: bytes, headers: bytes = b"") -> tuple[int, bytes]:
    """A GET with the path sent byte for byte (httpx would resolve '..' before sending)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=30) as sock:
        sock.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + b"\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, answer


def test_named_query_parameters(service: Service, client: httpx.Client) -> None:
    catalogue = client.get(service.url + "/api/queries").json()["queries"]
    before = data_size(service, client)
    tried = 0
    for entry in catalogue:
        example = client.get(service.url + entry["example"])
        assert example.status_code == 200, entry["example"]
        columns = example.json()["columns"]
        for param in entry["params"]:
            for value in HOSTILE_VALUES:
                response = client.get(service.url + entry["url"], params={param["name"]: value})
                tried += 1
                assert 400 <= response.status_code < 500, (entry["name"], param["name"], value, response.text)
                no_leak(response.text)
                body = response.json()
                assert body["message"] and "rows" not in body
        # a value that is legal but unexpected changes the answer, never its shape
        if any(p["name"] == "lang" for p in entry["params"]):
            params = {**dict(parse_qsl(urlsplit(entry["example"]).query)), "lang": "it"}
            italian = client.get(service.url + entry["url"], params=params).json()
            assert italian["columns"] == columns
    assert tried > 100
    assert data_size(service, client) == before


def test_unknown_and_repeated_parameters(service: Service, client: httpx.Client) -> None:
    url = service.url + "/api/queries/clusters"
    cases: list[tuple[tuple[str, str | int | float | bool | None], ...]] = [
        (("lang", "en"), ("lang", "it")), (("nope", "1"),), (("lang", "en"), ("query", "ASK {}"))]
    for params in cases:
        response = client.get(url, params=params)
        assert response.status_code == 400, (params, response.text)
        no_leak(response.text)


PATHS = [
    b"/id/../../../../etc/passwd",
    b"/id/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/id/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    b"/id/..%2f..%2f..%2f..%2fpyproject.toml",
    b"/id/cluster/afil%00",
    b"/id/cluster/afil%00.html",
    b"/id/%00",
    b"/id/cluster/%ff%fe",
    b"/id/cluster/afil/..%00/..%00/etc/passwd",
    b"/static/../../../../etc/passwd",
    b"/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    b"/static/..%2f..%2f..%2fpyproject.toml",
    b"/static/%2e%2e%2fserver.py",
    b"/static/..%5c..%5cserver.py",
    b"/static/%00",
    b"/static//etc/passwd",
    b"/static/%2fetc%2fpasswd",
    b"/dumps/..%2f..%2f..%2fpyproject.toml",
    b"/dumps/%2e%2e",
    b"/rdf-graphs/..%2f..%2fetc%2fpasswd",
    b"/rdf-graphs/%00",
    b"/graph-store?graph=file:///etc/passwd",
    b"/graph-store?graph=file%3A%2F%2F%2Fetc%2Fpasswd",
    b"/api/queries/..%2f..%2fpyproject.toml",
    b"/api/queries/%2e%2e",
    b"//etc/passwd",
    b"/ontology/../../etc/passwd",
    b"/id/cluster/afil?format=../../../etc/passwd",
]


@pytest.mark.parametrize("path", PATHS, ids=[p.decode() for p in PATHS])
def test_paths_never_reach_files(service: Service, path: bytes) -> None:
    status, answer = raw_get(service.url, path)
    assert 400 <= status < 500, (status, answer[:300])
    no_leak(answer.decode("utf-8", errors="replace"))


def test_the_static_files_still_work(service: Service) -> None:
    status, answer = raw_get(service.url, b"/static/style.css")
    assert status == 200 and b"text/css" in answer


ACCEPTS = [
    b"a" * 8000,
    b"*/*;q=NaN",
    b"text/html;q=1e999",
    b"text/turtle;q=-1, */*;q=0",
    b";;;;,,,,",
    b"*/*;q=",
    b"text/*;level=1;level=2;q=0.5",
    b"application/sparql-results+json;charset=utf-7",
    b"\xff\xfe\xe9t\xe9",
    b"*/" + b"*" * 100,
    b"text/html, " * 500,
    b"application/n-triples;q=1.0000000000000000001",
]
ACCEPT_TARGETS = [
    "/sparql?query=ASK%7B%7D",
    "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201",
    "/id/cluster/afil",
    "/api/queries/clusters",
    "/dumps",
    "/rdf-graphs/ontology",
    "/.well-known/void",
]


@pytest.mark.parametrize("target", ACCEPT_TARGETS)
def test_hostile_accept_headers(service: Service, target: str) -> None:
    for accept in ACCEPTS:
        status, answer = raw_get(service.url, target.encode(), b"Accept: " + accept + b"\r\n")
        assert 200 <= status < 500 and status not in (301, 302), (accept[:40], status, answer[:300])
        no_leak(answer.decode("utf-8", errors="replace"))


DATASET_VALUES = [
    "file:///etc/passwd",
    "file:///proc/self/environ",
    f"<{namespaces.GRAPH_DATA}>",
    f"{namespaces.GRAPH_DATA}> }} UNION {{ GRAPH ?g {{ ?s ?p ?o }}",
    "javascript:alert(1)",
    "",
    " ",
    "\x00",
    "urn:x:\u202e",
    "http://127.0.0.1:1/graph",
    "x" * 50_000,
    "../../../etc/passwd",
]


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_hostile_dataset_parameters(service: Service, client: httpx.Client, name: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    for value in DATASET_VALUES:
        response = client.post(service.sparql, data={"query": count, name: value},
                               headers={"Accept": "application/sparql-results+json"})
        assert response.status_code in (200, 400), (value[:40], response.text)
        no_leak(response.text)
        if response.status_code == 200:
            # a graph that is not in the store is an empty graph: nothing else is counted
            assert response.json()["results"]["bindings"][0]["n"]["value"] == "0", value[:40]


ERRORS = [
    ("GET", "/sparql", {"query": "SELEKT * WHERE {}"}, 400),
    ("GET", "/sparql", {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, 400),
    ("GET", "/sparql", {"query": "ASK {}", "timeout": "-3"}, 400),
    ("GET", "/sparql", {"query": "ASK {}", "format": "application/x-nothing"}, 406),
    ("GET", "/id/cluster/afil", {"inferred": "maybe"}, 400),
    ("GET", "/api/queries/nope", {}, 404),
    ("GET", "/api/queries/cluster-profile", {}, 400),
    ("GET", "/nowhere", {}, 404),
    ("PUT", "/sparql", {}, 405),
    ("DELETE", "/api/queries", {}, 405),
    ("GET", "/dumps/nope.ttl", {}, 404),
    ("GET", "/rdf-graphs/nope", {}, 404),
    ("GET", "/graph-store", {}, 400),
    ("GET", "/graph-store", {"graph": "not an iri"}, 400),
    ("GET", "/graph-store", {"graph": "http://nowhere.example/g"}, 404),
    ("POST", "/sparql/update", {"update": "CLEAR ALL"}, 401),
    ("PUT", "/rdf-graphs/data", {}, 401),
    ("GET", "/api/synergies", {"min_score": "lots"}, 400),
]


@pytest.mark.parametrize("method, path, params, status", ERRORS, ids=[f"{e[0]} {e[1]} {e[3]}" for e in ERRORS])
def test_errors_are_clear_and_reveal_nothing(
    service: Service, client: httpx.Client, method: str, path: str, params: dict[str, str], status: int
) -> None:
    response = client.request(method, service.url + path, params=params, headers={"Accept": "application/json"})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and len(body["message"]) > 10
    no_leak(response.text)
