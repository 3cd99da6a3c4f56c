"""Findings of the security review, each held by a test on a live server: HEAD is answered wherever GET
is; a client that hangs up mid-body is one info line, not a 500 with a traceback; every error is JSON
(or a page for a browser); a query string that is not UTF-8 is a 400; a long value echoed in a message
is clipped; a path cannot forge a line of the access log.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from live_servers import TOKEN, Live, Service, built_store, copy_store, start

__all__ = ["built_store"]

JSON_ERROR = {"status", "error", "message"}

# --- HEAD ------------------------------------------------------------------------------------------

HEAD_PATHS = [
    "/",
    "/query",
    "/network",
    "/sparql",  # the service description
    "/id/cluster/afil",
    "/id/cluster/no-such-cluster",
    "/ontology",
    "/api/queries",
    "/api/queries/clusters",
    "/api/synergies",
    "/dumps",
    "/static/style.css",
    "/static/no-such-file.css",
    "/.well-known/void",
    "/openapi.json",
    "/nowhere",
]


@pytest.mark.parametrize("path", HEAD_PATHS)
@pytest.mark.parametrize("accept", ["*/*", "text/html"])
def test_head_answers_like_get(service: Service, client: httpx.Client, path: str, accept: str) -> None:
    headers = {"Accept": accept}
    got = client.get(service.url + path, headers=headers)
    head = client.head(service.url + path, headers=headers)
    assert head.status_code == got.status_code, (path, head.status_code, got.status_code)
    assert head.headers.get("content-type") == got.headers.get("content-type"), path  # none on a 303
    assert head.headers.get("content-encoding") == got.headers.get("content-encoding"), path
    assert head.headers["x-content-type-options"] == "nosniff"
    assert head.content == b"", path


def test_head_of_a_static_file_has_the_length_of_the_file(service: Service, client: httpx.Client) -> None:
    plain = {"Accept-Encoding": "identity"}
    got = client.get(service.url + "/static/style.css", headers=plain)
    head = client.head(service.url + "/static/style.css", headers=plain)
    assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.content))
    assert head.headers["cache-control"] == got.headers["cache-control"]


def test_head_on_a_post_only_route_is_405(service: Service, client: httpx.Client) -> None:
    head = client.head(service.update)
    assert head.status_code == 405
    assert head.headers["allow"] == "POST" and head.headers["content-type"] == "application/json"
    assert head.content == b""
    assert client.get(service.update).json()["message"].startswith("GET is not allowed")


# --- errors are JSON (for machines; a browser asking for HTML gets a page, see html/test_pages.py) ---


@pytest.mark.parametrize(
    "path, accept, status",
    [
        ("/static/no-such-file.css", "*/*", 404),
        ("/static/no-such-file.css", "application/json", 404),  # a browser gets a page (test_pages.py)
        ("/static/%00", "*/*", 404),
        ("/static/../../pyproject.toml", "*/*", 404),
        ("/id/cluster/no-such-cluster", "text/turtle", 404),
        ("/id/cluster/no-such-cluster", "application/json", 404),
        ("/id/cluster/no-such-cluster", "*/*;q=0.1, application/n-triples", 404),
        ("/id/cluster/%00", "text/turtle", 404),
        ("/id/cluster/afil", "application/x-nothing", 406),
        ("/ontology", "application/x-nothing", 406),
    ],
)
def test_errors_are_json(service: Service, client: httpx.Client, path: str, accept: str, status: int) -> None:
    response = client.get(service.url + path, headers={"Accept": accept})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert JSON_ERROR <= set(body) and body["status"] == status and len(body["message"]) > 10
    if path.startswith("/id/") or path == "/ontology":
        assert "Accept" in response.headers["vary"]


def test_a_browser_still_gets_the_helpful_404_page(service: Service, client: httpx.Client) -> None:
    response = client.get(service.url + "/id/cluster/no-such-cluster", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "cluster/afil" in response.text  # the clusters that do exist, to choose from


# --- a query string that is not UTF-8 ----------------------------------------------------------------

NOT_UTF8 = ["lang=%FF", "lang=%C3%28", "lang=%ED%A0%80", "lang=en%C0%AF", "%FF=en", "lang=%E2%82"]


@pytest.mark.parametrize(
    "path", ["/api/queries", "/api/queries/clusters", "/api/queries/no-such-query", "/", "/query",
             "/id/cluster/afil", "/ontology", "/dumps", "/api/synergies", "/.well-known/void", "/sparql",
             "/static/style.css"]
)
def test_a_query_string_must_be_utf8(service: Service, client: httpx.Client, path: str) -> None:
    for query in NOT_UTF8:
        response = client.get(f"{service.url}{path}?{query}")  # sent as written, escapes and all
        assert response.status_code == 400, (path, query, response.text)
        body = response.json()
        assert JSON_ERROR <= set(body) and "UTF-8" in body["message"], body


def test_utf8_text_in_a_query_string_still_reaches_the_route(service: Service, client: httpx.Client) -> None:
    """A real non-ASCII value gets the route's own answer, naming the value as sent."""
    response = client.get(service.url + "/api/queries/clusters?lang=%C3%A9")
    assert response.status_code == 400
    assert "'é'" in response.json()["message"]
    assert client.get(service.url + "/?lang=%C3%A9").status_code == 200
    assert client.head(service.url + "/api/queries?lang=%FF").status_code == 400


# --- long values in messages -----------------------------------------------------------------------

LONG = "x" * 5000


@pytest.mark.parametrize(
    "method, path, params, status",
    [
        ("GET", f"/dumps/{LONG}", {}, 404),
        ("GET", f"/api/queries/{LONG}", {}, 404),
        ("GET", "/api/queries/clusters", {"format": LONG}, 400),
        ("GET", "/api/queries/clusters", {"lang": LONG[:1500]}, 400),
        ("GET", "/api/queries/clusters", {LONG: "1"}, 400),
        ("GET", "/api/synergies", {"min_score": LONG}, 400),
        ("GET", "/api/synergies", {"dimension": LONG}, 400),
        ("GET", "/api/synergies", {"weights": LONG}, 400),
        ("GET", f"/api/synergies/{LONG}", {}, 404),
        ("GET", f"/api/synergies/network.{LONG}", {}, 404),
        ("GET", f"/rdf-graphs/{LONG}", {}, 404),
        ("GET", "/graph-store", {"graph": LONG}, 400),
        ("GET", f"/id/cluster/{LONG}", {}, 404),
        ("GET", "/sparql", {"query": "ASK {}", "named-graph-uri": LONG}, 400),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else None,
)
def test_long_values_are_clipped_in_messages(
    service: Service, client: httpx.Client, method: str, path: str, params: dict[str, str], status: int
) -> None:
    response = client.request(method, service.url + path, params=params,
                              headers={"Accept": "application/json, text/turtle;q=0.5"})
    assert response.status_code == status, response.text[:300]
    message = response.json()["message"]
    assert len(message) < 700, message
    assert "x" * 201 not in message.lower()
    assert re.search(r"…'? \(\d{4,} characters\)", message), message


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(b"X" * 3000 + b" /sparql/update HTTP/1.1\r\nHost: x\r\n\r\n", id="3000-character-method"),
        pytest.param(b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 200_000 + b"\r\n\r\n", id="huge-header"),
    ],
)
def test_requests_that_are_not_http_get_a_json_400(service: Service, head: bytes) -> None:
    """Refused by the HTTP parser before any route runs, and still in our error shape."""
    host, port = service.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:  # the server closed with bytes of ours unread; its answer came first
            pass
    status, _, rest = answer.partition(b"\r\n")
    headers, _, payload = rest.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 400"), answer[:300]
    assert b"content-type: application/json" in headers.lower()
    parsed = json.loads(payload)
    assert parsed["status"] == 400 and "not valid HTTP" in parsed["message"] and len(parsed["message"]) < 300


def test_a_long_path_is_clipped_on_the_404_page(service: Service, client: httpx.Client) -> None:
    response = client.get(f"{service.url}/id/cluster/{LONG}", headers={"Accept": "text/html"})
    assert response.status_code == 404
    shown = re.search(r'<p class="iri"><code>(.*?)</code>', response.text)
    assert shown is not None and "x" * 201 not in shown[1] and shown[1].endswith("characters)"), shown


# --- a server of our own, to read its log ----------------------------------------------------------


@pytest.fixture(scope="module")
def live(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server with a write token, so the write routes read their bodies too."""
    folder = tmp_path_factory.mktemp("hardening")
    server = start(folder / "server.log", store_dir=copy_store(built_store, folder / "store"),
                   env={"CTLKG_WRITE_TOKEN": TOKEN})
    yield server
    server.stop()


def send_and_hang_up(url: str, head: bytes) -> None:
    """Send a request head promising 100000 bytes, then 10 bytes of body, then close the socket."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + b"Content-Length: 100000\r\n\r\n" + b"0123456789")
        time.sleep(0.2)


def wait_for(live: Live, text: str, count: int) -> str:
    deadline = time.monotonic() + 20
    log = live.log_text()
    while log.count(text) < count and time.monotonic() < deadline:
        time.sleep(0.1)
        log = live.log_text()
    return log


def test_a_client_hanging_up_mid_body_is_one_info_line(live: Live) -> None:
    auth = f"Authorization: Bearer {TOKEN}\r\n".encode()
    heads = [
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n",
        b"POST /sparql/update HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-update\r\n" + auth,
        b"PUT /rdf-graphs/data HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n" + auth,
    ]
    line = "client disconnected before the body was read"
    before = live.log_text().count(line)
    for head in heads:
        send_and_hang_up(live.url, head)
    log = wait_for(live, line, before + len(heads))
    assert log.count(line) == before + len(heads), log[-3000:]
    assert "Traceback" not in log and "unexpected error" not in log and "Exception in ASGI" not in log
    assert httpx.get(live.sparql, params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_a_path_cannot_forge_a_log_line(live: Live) -> None:
    forged = "1999-01-01 00:00:00,000 ctlkg.access GET /forged 200 1.0 ms"
    response = httpx.get(f"{live.url}/id/x%0A{forged.replace(' ', '%20')}", timeout=30)
    assert response.status_code == 404
    long_path = f"/nowhere/{LONG}"
    assert httpx.get(live.url + long_path, timeout=30).status_code == 404
    log = wait_for(live, f"… ({len(long_path)} characters) 404", 1)
    assert not any(line.startswith(forged[:24]) for line in log.splitlines()), log[-2000:]
    assert "GET /id/x\\n1999-01-01 00:00:00,000 ctlkg.access GET /forged 200 1.0 ms 404" in log
    assert "x" * 201 not in log


def test_answers_are_gzipped_only_where_it_pays(live: Live, service: Service) -> None:
    """A server with the defaults sends a loopback client its answer as it is; the session's servers, set as
    behind a local proxy (compress_loopback), gzip it. Both answer the same bytes once decoded."""
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200"
    bodies = []
    for url, encoding in ((live.sparql, None), (service.sparql, "gzip")):
        answer = httpx.get(url, params={"query": query},
                           headers={"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"})
        assert answer.status_code == 200 and len(answer.content) > 2048, answer.text[:200]
        assert answer.headers.get("content-encoding") == encoding, url
        bodies.append(answer.json()["results"]["bindings"])
    assert len(bodies[0]) == len(bodies[1]) == 200


def test_an_unknown_path_says_where_to_look(service: Service, client: httpx.Client) -> None:
    answer = client.get(service.url + "/nowhere", headers={"Accept": "application/json"})
    assert answer.status_code == 404
    message = answer.json()["message"]
    assert "/openapi.json" in message
    assert client.get(service.url + "/openapi.json").status_code == 200, "the route the message names exists"
