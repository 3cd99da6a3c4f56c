"""The query path under attack: each finding of the review that led to fenced workers, as a regression test.

1. No SERVICE or LOAD reaches the network, however it is hidden from the lexer (a listener counts calls).
2. Nesting and operator bombs that reach the engine kill at most a worker: the same server answers after them.
3. Memory: the service's process tree stays under its budget while a query tries to sort a cross join.
4. Fairness: a canary ASK is answered quickly while six cross joins run.
5. A timed-out query burns no CPU after its answer.

Every server here listens on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from benchmarks.hostile import tree, tree_cpu, tree_rss
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctlkg.rdf import namespaces
from live_servers import Listener, Live, built_store, copy_store, listener, start

__all__ = ["built_store", "listener"]  # fixtures, imported for pytest

TOKEN = "query-path-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = {"Accept": "application/sparql-results+json"}
CROSS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORTED_CROSS = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


# --- servers ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The shipped data with the default limits and a write token."""
    live = start(tmp_path_factory.mktemp("query-path") / "server.log", env={"CTLKG_WRITE_TOKEN": TOKEN})
    yield live
    live.stop()


@pytest.fixture(scope="module")
def lenient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The lexer's size and depth limits lifted, so that bombs reach the engine; a short time limit (the
    path bombs run until it: a bomb that crashes does so in its first second)."""
    env = {"CTLKG_MAX_QUERY_TOKENS": "100000000", "CTLKG_MAX_QUERY_DEPTH": "100000000",
           "CTLKG_MAX_REQUEST_BYTES": "20000000", "CTLKG_QUERY_TIMEOUT": "4",
           "CTLKG_RESULT_CACHE_BYTES": "0"}
    live = start(tmp_path_factory.mktemp("lenient") / "server.log", env=env)
    yield live
    live.stop()


def _post(url: str, query: str, *, timeout: float = 60, headers: dict[str, str] | None = None) -> httpx.Response:
    with httpx.Client(timeout=timeout) as client:
        return client.post(url, content=query.encode(), headers={
            "Content-Type": "application/sparql-query", **JSON, **(headers or {})})


def _update(live: Live, text: str) -> httpx.Response:
    with httpx.Client(timeout=60) as client:
        return client.post(live.update, content=text.encode(),
                           headers={"Content-Type": "application/sparql-update", **AUTH})


# --- 1. no outgoing connection ------------------------------------------------------------------------


def ssrf_queries(target: str) -> list[str]:
    escaped = "".join(f"\\u{ord(c):04X}" for c in "SERVICE")
    return [
        # The review's bypass: the lexer read <'> as an IRI and then a string up to the comment.
        f"SELECT * WHERE {{ BIND((1<'>') AS ?z) SERVICE <{target}> {{ ?s ?p ?o }} }} #'",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {escaped} <{target}> {{ ?s ?p ?o }} }}",  # \\u escapes: SERVICE to the engine
        f"SELECT * WHERE {{ {escaped} SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE SILENT ?e {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }} }}",
    ]


def ssrf_updates(target: str) -> list[str]:
    load = "".join(f"\\u{ord(c):04X}" for c in "LOAD")
    return [
        f"INSERT {{}} WHERE {{ BIND((1<'>') AS ?z) }} ; LOAD SILENT <{target}/x.ttl> #'",
        f"{load} SILENT <{target}/x.ttl>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
    ]


def test_no_ssrf_form_reaches_the_network(server: Live, listener: Listener) -> None:
    for query in ssrf_queries(listener.url):
        answer = _post(server.sparql, query)
        assert answer.status_code in (200, 400), (query, answer.text[:300])
        assert answer.headers.get("x-cache") != "hit", query
    for text in ssrf_updates(listener.url):
        answer = _update(server, text)
        assert answer.status_code < 500, (text, answer.text[:300])
    assert listener.calls == []


def test_service_silent_yields_one_empty_solution_and_is_never_kept(server: Live, listener: Listener) -> None:
    query = f"SELECT ?s WHERE {{ SERVICE SILENT <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
    for _ in range(2):
        answer = _post(server.sparql, query)
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"] == [{}]
        assert "x-cache" not in answer.headers  # a failed call's answer is not kept for the next client
    assert listener.calls == []


_PROLOGUES = st.sampled_from([
    "", "PREFIX e: <{t}/> ", "BASE <{t}/> ", "# SERVICE <{t}>\n", "#'\n", "PREFIX s: <urn:'> ",
    'VERSION "1.2" ',
])
_CALLS = st.sampled_from([
    "SELECT * WHERE {{ SERVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ S\\u0045RVICE SILENT <{t}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND((1<'>') AS ?z) SERVICE <{t}> {{ ?s ?p ?o }} }} #'",
    "SELECT * WHERE {{ BIND(\"\"\"<\"\"\" AS ?z) SERVICE SILENT <{t}> {{}} }}",
    "ASK {{ BIND(<{t}> AS ?e) SERVICE SILENT ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{t}\\u002Fx> {{ ?s ?p ?o }} }}",
])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prologue=_PROLOGUES, call=_CALLS, noise=st.text(alphabet="'\"<>#{}() \n\\", max_size=6))
def test_hidden_service_calls_make_no_connection(
    server: Live, listener: Listener, prologue: str, call: str, noise: str
) -> None:
    """SERVICE hidden in strings, IRIs, comments, escapes and prologues: whatever the lexer makes of the
    text, the engine's worker cannot open a socket, so the listener hears nothing."""
    text = prologue.format(t=listener.url) + call.format(t=listener.url) + " " + noise
    answer = _post(server.sparql, text, timeout=30)
    assert answer.status_code in (200, 400, 406), (text, answer.text[:300])
    assert listener.calls == [], text


# --- 2. bombs -----------------------------------------------------------------------------------------


BOMBS = {
    "nested groups": "SELECT * WHERE { BIND((1<'>') AS ?z) " + "{" * 20_000 + "}" * 20_000 + "} #'",
    "ors": "ASK { FILTER(" + " || ".join(["true"] * 100_000) + ") }",
    "path steps": "ASK { ?s " + "/".join(["<urn:p>"] * 100_000) + " ?o }",
    "path alternatives": "ASK { ?s " + "|".join(["<urn:p>"] * 100_000) + " ?o }",
    "concat": "SELECT (" + "CONCAT(" * 20_000 + "'x'" + ")" * 20_000 + " AS ?x) WHERE {}",
}


def test_bombs_kill_at_most_a_worker(lenient: Live) -> None:
    pid = lenient.process.pid
    for name, bomb in BOMBS.items():
        answer = _post(lenient.sparql, bomb)
        assert answer.status_code in (200, 400, 503), (name, answer.status_code, answer.text[:300])
        if answer.status_code == 503:
            assert answer.json()["reason"] in ("crash", "memory", "timeout"), (name, answer.text)
        assert lenient.process.poll() is None, name
        ask = _post(lenient.sparql, "ASK { ?s ?p ?o }")
        assert ask.status_code == 200 and ask.json()["boolean"] is True, (name, ask.text)
    assert lenient.process.pid == pid
    assert "Traceback" not in lenient.log_text()


# --- 3. memory ----------------------------------------------------------------------------------------


def test_memory_bomb_stays_within_the_budget(server: Live) -> None:
    """Six sorted cross joins at once: each is stopped at its worker's ceiling, and the whole tree stays
    under 1.5 GB (the defaults)."""
    answers: list[httpx.Response] = []
    threads = [threading.Thread(target=lambda: answers.append(_post(server.sparql, SORTED_CROSS)))
               for _ in range(6)]
    peak = 0
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 90
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        peak = max(peak, tree_rss(server.process.pid))
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=5)
    assert len(answers) == 6
    reasons = {a.json().get("reason") for a in answers}
    assert all(a.status_code == 503 for a in answers), [a.text[:200] for a in answers]
    assert reasons <= {"memory", "busy"} and "memory" in reasons, reasons
    assert peak <= 1_500_000_000, f"the service reached {peak / 1e6:.0f} MB"
    assert _post(server.sparql, "ASK {}").status_code == 200


# --- 4. fairness --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The shipped data with the default limits, but a time limit just past the canary's 8 s window, so that
    the cross joins run beside every canary and not 20 s more after it."""
    live = start(tmp_path_factory.mktemp("busy") / "server.log", env={"CTLKG_QUERY_TIMEOUT": "10"})
    yield live
    live.stop()


def test_canary_is_answered_beside_six_cross_joins(busy: Live) -> None:
    server = busy
    heavy: list[httpx.Response] = []
    threads = [threading.Thread(target=lambda: heavy.append(_post(server.sparql, CROSS_COUNT, timeout=90)))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    waits: list[float] = []
    with httpx.Client(timeout=30) as client:
        until = time.monotonic() + 8
        while time.monotonic() < until:
            started = time.monotonic()
            answer = client.get(server.sparql, params={"query": "ASK { ?s a ?t }"}, headers=JSON)
            waits.append(time.monotonic() - started)
            assert answer.status_code == 200, answer.text
            time.sleep(0.1)
    for thread in threads:
        thread.join(timeout=60)
    waits.sort()
    p95 = waits[int(0.95 * (len(waits) - 1))]
    assert p95 <= 2.0, f"canary p95 {p95:.2f} s, median {statistics.median(waits):.2f} s"
    assert {a.status_code for a in heavy} <= {200, 503}


# --- 5. no CPU after a timeout ------------------------------------------------------------------------


def test_no_cpu_after_a_timed_out_answer(tmp_path: Path) -> None:
    live = start(tmp_path / "server.log", env={"CTLKG_QUERY_TIMEOUT": "1", "CTLKG_RESULT_CACHE_BYTES": "0"})
    try:
        # The start-up's own work (synergies scored, the search index built) is done before the clock starts.
        deadline = time.monotonic() + 60
        while "search index:" not in live.log_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        before = set(tree(live.process.pid))
        started = time.monotonic()
        answer = _post(live.sparql, CROSS_COUNT)
        assert answer.status_code == 503 and answer.json()["reason"] == "timeout", answer.text
        assert time.monotonic() - started < 3
        time.sleep(1.5)  # the replacement worker starts (and opens the data) meanwhile
        assert not set(tree(live.process.pid)) >= before, "the worker that ran the query is still there"
        spent = tree_cpu(live.process.pid)
        time.sleep(2)
        after = tree_cpu(live.process.pid) - spent
        assert after < 0.3, f"{after:.2f} s of CPU in the 2 s after the answer"
    finally:
        live.stop()


# --- SPARQL details -----------------------------------------------------------------------------------


def test_updates_resolve_relative_iris_like_queries(server: Live) -> None:
    label = "relative-iri-check"
    answer = _update(server, f'INSERT DATA {{ <relative-thing> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" }}')
    assert answer.status_code == 200, answer.text
    seen = _post(server.sparql, f'ASK {{ <relative-thing> ?p "{label}" }}')
    assert seen.json()["boolean"] is True
    removed = _update(server, f'DELETE DATA {{ <relative-thing> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" }}')
    assert removed.status_code == 200, removed.text


def test_failed_graph_operations_are_client_errors(server: Live) -> None:
    for text in (f"DROP GRAPH <{namespaces.GRAPH_DATA}>", f"MOVE <{namespaces.GRAPH_DATA}> TO <urn:x>",
                 f"DROP GRAPH <{namespaces.GRAPH_ONTOLOGY}>"):
        answer = _update(server, text)
        assert 400 <= answer.status_code < 500, (text, answer.status_code, answer.text)
        assert answer.json()["message"], text


def test_every_write_is_seen_by_every_worker(server: Live) -> None:
    """Read your writes: right after the answer, every worker (queried at once) sees the new data."""
    label = f"seen-by-all-{time.monotonic_ns()}"
    subject = f"<{namespaces.ID}cluster/afil>"
    answer = _update(server, f'INSERT DATA {{ {subject} <http://www.w3.org/2000/01/rdf-schema#comment> "{label}" }}')
    assert answer.status_code == 200, answer.text
    seen: list[bool] = []
    ask = f'ASK {{ {subject} ?p "{label}" }}'
    threads = [threading.Thread(target=lambda: seen.append(
        _post(server.sparql, ask, headers={"Cache-Control": "no-cache"}).json()["boolean"])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen == [True] * 8
    _update(server, f'DELETE DATA {{ {subject} <http://www.w3.org/2000/01/rdf-schema#comment> "{label}" }}')


def test_in_memory_workers_on_a_built_store_read_their_writes(built_store: Path, tmp_path: Path) -> None:
    """``--in-memory`` keeps the default graph in each worker's memory; a write publishes a new version that
    every worker reloads, and a query naming a graph still reaches the store on disk."""
    live = start(tmp_path / "server.log", store_dir=copy_store(built_store, tmp_path / "store"),
                 args=("--in-memory",), env={"CTLKG_WRITE_TOKEN": TOKEN})
    try:
        label = "in-memory-write"
        subject = f"<{namespaces.ID}cluster/afil>"
        assert _post(live.sparql, f'ASK {{ {subject} ?p "{label}" }}').json()["boolean"] is False
        answer = _update(live, f'INSERT DATA {{ {subject} <http://www.w3.org/2000/01/rdf-schema#comment> "{label}" }}')
        assert answer.status_code == 200, answer.text
        for _ in range(6):  # more than the number of workers
            seen = _post(live.sparql, f'ASK {{ {subject} ?p "{label}" }}', headers={"Cache-Control": "no-cache"})
            assert seen.json()["boolean"] is True
        named = _post(live.sparql, f'ASK {{ GRAPH <{namespaces.GRAPH_DATA}> {{ {subject} ?p "{label}" }} }}')
        assert named.json()["boolean"] is True
        shapes = _post(live.sparql, f"ASK {{ GRAPH <{namespaces.GRAPH_SHAPES}> {{ ?s ?p ?o }} }}")
        assert shapes.json()["boolean"] is True
        in_default = _post(live.sparql, "ASK { ?s a <http://www.w3.org/ns/shacl#NodeShape> }")
        assert in_default.json()["boolean"] is False  # the shapes stay out of the default graph
    finally:
        live.stop()
