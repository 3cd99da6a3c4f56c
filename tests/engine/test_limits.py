"""The service's limits, each shown to hold on a live server configured through the environment or a
TOML file: rows kept, request body size, query time, concurrent queries (503 + Retry-After beyond the
cap), nesting depth; read-only without a token; the token compared in constant time and never logged.
docs/security.md lists them, and the last test here checks that the list and the code agree.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ctlkg import config
from ctlkg.config import Settings, load_settings
from ctlkg.rdf import namespaces
from live_servers import Live, built_store, copy_store, start

__all__ = ["built_store"]

ROOT = Path(__file__).resolve().parents[2]
SELECT_ALL = "SELECT * WHERE { ?s ?p ?o }"
#: Each part alone is cheap; together they are a cross join over every triple, counted: hours of work
#: that the engine cannot be made to stop, and that streams no row at which we could stop reading.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RESULTS_JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def limited(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Small limits, some from the environment and some from a TOML file; no write token."""
    folder = tmp_path_factory.mktemp("limited")
    settings_file = folder / "ctlkg.toml"
    settings_file.write_text("[ctlkg]\nmax_query_depth = 20\nmax_concurrent_queries = 3\nmax_query_tokens = 300\n",
                             encoding="utf-8")
    live = start(folder / "server.log", store_dir=copy_store(built_store, folder / "store"),
                 env={"CTLKG_MAX_ROWS": "7", "CTLKG_MAX_REQUEST_BYTES": "4096", "CTLKG_WRITE_TOKEN": ""},
                 args=("--config", str(settings_file)))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as client:
        yield client


# --- rows ------------------------------------------------------------------------------------------


def test_row_cap_on_select(limited: Live, http: httpx.Client) -> None:
    response = http.get(limited.sparql, params={"query": SELECT_ALL}, headers=RESULTS_JSON)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 7
    assert response.headers["x-result-truncated"] == "true; limit=7"
    small = http.get(limited.sparql, params={"query": SELECT_ALL + " LIMIT 3"}, headers=RESULTS_JSON)
    assert len(small.json()["results"]["bindings"]) == 3 and "x-result-truncated" not in small.headers


def test_row_cap_on_construct_and_named_queries(limited: Live, http: httpx.Client) -> None:
    triples = http.get(limited.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                       headers={"Accept": "application/n-triples"})
    assert len(triples.text.strip().splitlines()) == 7
    assert triples.headers["x-result-truncated"] == "true; limit=7"
    clusters = http.get(limited.url + "/api/queries/clusters")
    assert len(clusters.json()["rows"]) == 7  # of nine
    assert clusters.headers["x-result-truncated"] == "true; limit=7"


# --- request bodies --------------------------------------------------------------------------------


def test_request_body_cap(limited: Live, http: httpx.Client) -> None:
    padding = "#" + "x" * 5000 + "\n"
    for url, body, media in (
        (limited.sparql, padding + "ASK {}", "application/sparql-query"),
        (limited.update, padding + "CLEAR ALL", "application/sparql-update"),
        (limited.url + "/rdf-graphs/data", padding, "text/turtle"),
    ):
        response = http.post(url, content=body.encode(), headers={"Content-Type": media})
        assert response.status_code == 413, (url, response.text)
        assert "4096" in response.json()["message"]
    fits = http.post(limited.sparql, content=b"#" + b"x" * 3000 + b"\nASK {}",
                     headers={"Content-Type": "application/sparql-query", **RESULTS_JSON})
    assert fits.status_code == 200


def test_request_body_cap_without_content_length(limited: Live) -> None:
    """A chunked body gives no size up front: it is counted as it arrives."""
    host, port = limited.url.removeprefix("http://").split(":")
    chunk = b"#" + b"y" * 3000 + b"\n"
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        try:
            for _ in range(3):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                time.sleep(0.1)
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered 413 and closed before the body was all sent: what we want
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


# --- nesting ---------------------------------------------------------------------------------------


def test_nesting_depth_cap(limited: Live, http: httpx.Client) -> None:
    """From the file: 20. Parsers recurse, and thousands of nested groups would overflow their stack."""
    assert http.get(limited.sparql, params={"query": "ASK " + "{ " * 19 + "}" * 19}).status_code == 200
    refused = http.get(limited.sparql, params={"query": "ASK " + "{ " * 21 + "}" * 21})
    assert refused.status_code == 400 and "at most 20" in refused.json()["message"]
    compact = "ASK" + "{" * 140 + "}" * 140  # 281 tokens, under the token cap
    deep = http.post(limited.sparql, content=compact.encode(), headers={"Content-Type": "application/sparql-query"})
    assert deep.status_code == 400 and "nests" in deep.json()["message"]
    assert http.get(limited.sparql, params={"query": "ASK {}"}).status_code == 200  # still alive


def test_query_size_cap(limited: Live, http: httpx.Client) -> None:
    """From the file: 300 tokens. A long chain of UNIONs or ORs would take the engine down or hours."""
    def unions(count: int) -> str:
        return "ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * count) + " }"

    assert http.post(limited.sparql, data={"query": unions(40)}).status_code == 200  # 242 tokens
    refused = http.post(limited.sparql, data={"query": unions(60)})  # 362 tokens
    assert refused.status_code == 400 and "300 tokens" in refused.json()["message"]


def test_default_nesting_cap_protects_the_process(built_store: Path, tmp_path: Path) -> None:
    """With the defaults (1 MB bodies, depth 100), 100 000 nested groups are refused, not a crash."""
    live = start(tmp_path / "server.log", store_dir=copy_store(built_store, tmp_path / "store"),
                 env={"CTLKG_WRITE_TOKEN": "depth-token"})
    try:
        with httpx.Client(timeout=60) as client:
            for opening, closing in (("{", "}"), ("(", ")"), ("[", "]")):
                depth = 100_000
                query = "ASK { FILTER(" + opening * depth + "1" + closing * depth + ") }"
                response = client.post(live.sparql, content=query.encode(),
                                       headers={"Content-Type": "application/sparql-query"})
                assert response.status_code == 400, response.text[:300]
                update = "INSERT DATA { <a:b> <a:c> " + opening * depth + closing * depth + " }"
                refused = client.post(live.update, content=update.encode(),
                                      headers={"Content-Type": "application/sparql-update",
                                               "Authorization": "Bearer depth-token"})
                assert refused.status_code == 400
                assert "nests" in refused.json()["message"] or "tokens" in refused.json()["message"]
            chains = {
                "unions": "ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * 20_000) + " }",
                "ors": "ASK { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(20_000)) + ") }",
                "negations": "ASK { FILTER(" + "!" * 100_000 + "true) }",
                "filters": "ASK { ?s ?p ?o " + " ".join(f"FILTER(?o != {i})" for i in range(20_000)) + " }",
            }
            for name, query in chains.items():
                response = client.post(live.sparql, content=query.encode(),
                                       headers={"Content-Type": "application/sparql-query"})
                assert response.status_code == 400, (name, response.text[:300])
            assert client.get(live.sparql, params={"query": "ASK {}"}).status_code == 200
            assert live.process.poll() is None
    finally:
        live.stop()


# --- time and concurrency --------------------------------------------------------------------------


def _in_background(url: str, query: str) -> tuple[threading.Thread, list[httpx.Response]]:
    answers: list[httpx.Response] = []

    def run() -> None:
        with httpx.Client(timeout=60) as client:
            answers.append(client.get(url, params={"query": query}))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, answers


def test_time_limit_and_concurrency_cap(built_store: Path, tmp_path: Path) -> None:
    """One slot, two seconds: a runaway query gets 503 at its limit and its worker is stopped, so the slot is
    free again at once; a query that finds the slot taken waits for it until its own limit, then gets 503 +
    Retry-After; pages outside the query pool answer all along."""
    live = start(tmp_path / "server.log", store_dir=copy_store(built_store, tmp_path / "store"),
                 env={"CTLKG_QUERY_TIMEOUT": "2", "CTLKG_MAX_CONCURRENT_QUERIES": "1"})
    try:
        with httpx.Client(timeout=60) as client:
            started = time.monotonic()
            thread, answers = _in_background(live.sparql, RUNAWAY)
            time.sleep(0.5)
            waiting = client.get(live.sparql, params={"query": "ASK {}", "timeout": "1"})
            assert waiting.status_code == 503, waiting.text
            assert waiting.headers["retry-after"].isdigit()
            assert waiting.json()["reason"] == "busy" and "busy" in waiting.json()["message"]
            page = client.get(live.url + "/id/cluster/afil", headers={"Accept": "text/turtle"})
            thread.join(timeout=30)
            elapsed = time.monotonic() - started
            (runaway,) = answers
            assert runaway.status_code == 503 and runaway.headers["retry-after"].isdigit()
            assert runaway.json()["reason"] == "timeout" and "time limit" in runaway.json()["message"]
            assert elapsed < 2 + 3  # answered at its limit
            named = client.get(live.url + "/api/queries/clusters")
            assert named.status_code == 200, named.text  # the runaway's worker was stopped, its slot is free
            assert page.status_code in (200, 503)
        stopping = time.monotonic()
        live.process.terminate()
        assert live.process.wait(timeout=20) in (0, -15)  # uvicorn re-raises the signal once it is done
        assert time.monotonic() - stopping < 8
        assert "Application shutdown complete" in live.log_text()
        live.process = subprocess.Popen(["true"])  # nothing left for the finally clause to stop
    finally:
        live.stop()


def test_client_timeout_is_capped_by_the_server(limited: Live, http: httpx.Client) -> None:
    for value, status in (("0.5", 200), ("1e9", 200), ("0", 400), ("nan", 400), ("-1", 400), ("inf", 200)):
        response = http.get(limited.sparql, params={"query": "ASK {}", "timeout": value})
        assert response.status_code == status, (value, response.text)


# --- tokens ----------------------------------------------------------------------------------------


def test_read_only_without_a_token(limited: Live, http: httpx.Client) -> None:
    for headers in ({}, {"Authorization": "Bearer anything"}, {"Authorization": "Bearer"}):
        response = http.post(limited.update, data={"update": "CLEAR ALL"}, headers=headers)
        assert response.status_code == 403, response.text
        assert "without a write token" in response.json()["message"]
        put = http.put(limited.url + "/rdf-graphs/data", content=b"", headers={**headers, "Content-Type": "text/turtle"})
        assert put.status_code == 403
    count = f"ASK {{ GRAPH <{namespaces.GRAPH_DATA}> {{ ?s ?p ?o }} }}"
    assert http.get(limited.sparql, params={"query": count}, headers=RESULTS_JSON).json()["boolean"] is True


def test_token_checks_and_logs(built_store: Path, tmp_path: Path) -> None:
    """Wrong tokens of any length or alphabet are a plain 403 (hmac.compare_digest, never a 500), and
    neither the real token nor a wrong one reaches the log."""
    token = "s3cret-token-for-the-log-test"
    live = start(tmp_path / "server.log", store_dir=copy_store(built_store, tmp_path / "store"),
                 env={"CTLKG_WRITE_TOKEN": token})
    wrong = ["x", token[:-1], token + "x", token.upper(), "é" * 40, "a" * 10_000]
    try:
        with httpx.Client(timeout=60) as client:
            for guess in wrong:
                response = client.post(live.update, data={"update": "CLEAR ALL"},
                                       headers={b"Authorization": ("Bearer " + guess).encode("utf-8")})
                assert response.status_code == 403, (guess[:20], response.text)
            lower = client.post(live.update, data={"update": "CLEAR ALL"},
                                headers={"Authorization": "bearer " + token + "-no"})
            assert lower.status_code == 403
    finally:
        live.stop()
    log = live.log_text()
    assert "POST /sparql/update 403" in log
    assert token not in log and "é" * 40 not in log and "a" * 100 not in log
    assert "***" in repr(Settings(write_token=token)) and token not in repr(Settings(write_token=token))


# --- configuration and the documentation ---------------------------------------------------------------

LIMIT_ROW = re.compile(r"^\|\s*(?P<name>[^|]+?)\s*\|\s*(?P<default>[^|]+?)\s*\|\s*`(?P<key>[a-z_]+)`\s*/\s*"
                       r"`(?P<env>CTLKG_[A-Z_]+)`\s*\|\s*(?P<tests>[^|]+?)\s*\|\s*$")


def documented_limits() -> list[re.Match[str]]:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    return [m for line in text.splitlines() if (m := LIMIT_ROW.match(line))]


def test_every_limit_is_configurable_from_file_and_environment(tmp_path: Path) -> None:
    limits = documented_limits()
    assert len(limits) >= 6
    for match in limits:
        key, env = match["key"], match["env"]
        assert key in Settings.model_fields and env == config.PREFIX + key.upper(), key
        if Settings.model_fields[key].annotation in (int, float):
            from_env = load_settings(env={env: "3"})
            settings_file = tmp_path / f"{key}.toml"
            settings_file.write_text(f"[ctlkg]\n{key} = 5\n", encoding="utf-8")
            from_file = load_settings(settings_file, env={})
            assert getattr(from_env, key) == 3 and getattr(from_file, key) == 5, key


def test_the_documented_defaults_and_tests_are_real() -> None:
    defaults = Settings()
    for match in documented_limits():
        value = getattr(defaults, match["key"])
        shown = match["default"].replace("`", "").replace(",", "").replace("_", "").split()[0]
        if value is None or value == ():
            assert shown.lower() in ("none", "empty", "unset"), match["key"]
        else:
            assert float(shown) == float(value), (match["key"], shown, value)
        for reference in re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", match["tests"]):
            path, name = reference
            assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), reference
