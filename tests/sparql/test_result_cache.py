"""Answers kept for repeated read queries: a hit is the same bytes as the miss, a write forgets every kept
answer, volatile queries and `Cache-Control: no-cache` are answered afresh, and a remote backend keeps none."""

from __future__ import annotations

import uuid

import cachetools
import httpx
import pytest

from ctlkg.sparql.data_version import DataVersion, VersionedCache
from ctlkg.sparql.result_cache import Answer, ResultCache, bypassed, cacheable
from live_servers import Processes

CTL = "https://w3id.org/lombardia-clusters/ontology#"
AFIL = "https://w3id.org/lombardia-clusters/id/cluster/afil"
COMMENTS = f"SELECT ?c WHERE {{ <{AFIL}> <http://www.w3.org/2000/01/rdf-schema#comment> ?c }} ORDER BY ?c"
JSON = {"Accept": "application/sparql-results+json"}


def answer(size: int) -> Answer:
    return Answer(b"x" * size, "text/csv", False)


# --- the cache itself -----------------------------------------------------------------------------------


def test_kept_answers_stay_within_their_bytes_least_recently_used_first() -> None:
    cache = ResultCache(800)  # at most 100 bytes an answer
    for key in "abcdefgh":
        cache.put(key, answer(100), cache.generation)
    assert cache.get("a") is not None  # used: now the most recent
    cache.put("i", answer(100), cache.generation)
    assert cache.get("b") is None and cache.get("a") is not None and len(cache) == 8
    cache.put("huge", answer(101), cache.generation)  # over an eighth of the whole: never kept
    assert cache.get("huge") is None


def test_an_answer_computed_before_a_write_is_not_kept_after_it() -> None:
    cache = ResultCache(10_000)
    before = cache.generation
    cache.clear()  # a write landed while the answer was being computed
    cache.put("q", answer(10), before)
    assert cache.get("q") is None
    cache.put("q", answer(10), cache.generation)
    assert cache.get("q") is not None


def test_a_cache_of_no_bytes_keeps_nothing() -> None:
    cache = ResultCache(0)
    cache.put("q", answer(1), cache.generation)
    assert not cache.enabled and cache.get("q") is None


@pytest.mark.parametrize(
    ("query", "services", "expected"),
    [
        pytest.param("SELECT * WHERE { ?s ?p ?o }", (), True, id="plain"),
        pytest.param("SELECT (RAND() AS ?r) WHERE {}", (), False, id="rand"),
        pytest.param("SELECT (now ( ) AS ?t) WHERE {}", (), False, id="now-lower-case"),
        pytest.param("SELECT (STRUUID() AS ?u) WHERE {}", (), False, id="struuid"),
        pytest.param("CONSTRUCT { ?s ?p [] } WHERE { ?s ?p ?o }", (), True, id="blank-node-in-template"),
        pytest.param("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", ("http://x/",), False,
                     id="service"),
    ],
)
def test_what_may_be_kept(query: str, services: tuple[str, ...], expected: bool) -> None:
    assert cacheable(query, services) is expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, False), ("", False), ("max-age=0", False), ("no-cache", True), ("No-Store", True),
     ("max-age=10, no-cache", True)],
)
def test_cache_control_asks_for_a_fresh_answer(header: str | None, expected: bool) -> None:
    assert bypassed(header) is expected


# --- on the live servers --------------------------------------------------------------------------------


def test_a_repeated_query_is_a_hit_with_the_same_bytes(processes: Processes, client: httpx.Client) -> None:
    embedded = processes.services["embedded"]
    query = f"SELECT ?s WHERE {{ ?s a <{CTL}Cluster> }} ORDER BY ?s # {uuid.uuid4()}"
    first = client.get(embedded.sparql, params={"query": query}, headers=JSON)
    again = client.post(embedded.sparql, data={"query": query}, headers=JSON)  # POST form: the same query
    assert first.headers["x-cache"] == "miss" and again.headers["x-cache"] == "hit"
    assert first.content == again.content and len(first.json()["results"]["bindings"]) == 9
    as_csv = client.get(embedded.sparql, params={"query": query}, headers={"Accept": "text/csv"})
    assert as_csv.headers["x-cache"] == "miss" and as_csv.text.startswith("s\r\n")  # another format, apart
    fresh = client.get(embedded.sparql, params={"query": query}, headers={**JSON, "Cache-Control": "no-cache"})
    assert fresh.headers["x-cache"] == "miss" and fresh.content == first.content


def test_volatile_queries_are_never_kept(processes: Processes, client: httpx.Client) -> None:
    embedded = processes.services["embedded"]
    query = "SELECT (STRUUID() AS ?u) WHERE {}"
    answers = [client.get(embedded.sparql, params={"query": query}, headers=JSON) for _ in range(2)]
    assert all("x-cache" not in a.headers for a in answers)
    assert answers[0].json() != answers[1].json()


def test_a_write_forgets_the_kept_answers(processes: Processes, client: httpx.Client) -> None:
    embedded = processes.services["embedded"]
    auth = {"Authorization": f"Bearer {embedded.token}", "Content-Type": "application/sparql-update"}
    comment = f'"result cache test {uuid.uuid4()}"@en'
    triple = f"<{AFIL}> <http://www.w3.org/2000/01/rdf-schema#comment> {comment}"
    named = embedded.url + "/api/queries/cluster-profile"
    params = {"cluster": AFIL, "lang": "en"}
    before = client.get(embedded.sparql, params={"query": COMMENTS}, headers=JSON)
    assert client.get(embedded.sparql, params={"query": COMMENTS}, headers=JSON).headers["x-cache"] == "hit"
    client.get(named, params=params)
    assert client.get(named, params=params).headers["x-cache"] == "hit"
    written = client.post(embedded.update, content=f"INSERT DATA {{ {triple} }}", headers=auth)
    assert written.status_code == 200, written.text
    try:
        after = client.get(embedded.sparql, params={"query": COMMENTS}, headers=JSON)
        assert after.headers["x-cache"] == "miss"
        assert len(after.json()["results"]["bindings"]) == len(before.json()["results"]["bindings"]) + 1
        assert client.get(named, params=params).headers["x-cache"] == "miss"
    finally:
        removed = client.post(embedded.update, content=f"DELETE DATA {{ {triple} }}", headers=auth)
        assert removed.status_code == 200, removed.text
    assert client.get(embedded.sparql, params={"query": COMMENTS}, headers=JSON).content == before.content


def test_a_remote_backend_keeps_nothing(processes: Processes, client: httpx.Client) -> None:
    remote = processes.services["remote"]
    query = f"ASK {{ ?s a <{CTL}Cluster> }}"
    answers = [client.get(remote.sparql, params={"query": query}, headers=JSON) for _ in range(2)]
    assert all(a.status_code == 200 and "x-cache" not in a.headers for a in answers)


def test_one_data_version_empties_every_cache() -> None:
    """A write moves one counter; each cache empties itself when it sees it move, and an answer computed
    from the data as it was before the write is not kept after it."""
    version = DataVersion()
    answers = ResultCache(10_000, version)
    rendered: VersionedCache[bytes] = VersionedCache(cachetools.LRUCache(maxsize=8), version)
    seen = version.value
    answers.put("q", answer(10), seen)
    assert rendered.put("page", b"<html>", seen)
    assert answers.get("q") is not None and rendered.get("page") == b"<html>"
    version.bump()  # what the service does once a write is applied
    assert answers.get("q") is None and rendered.get("page") is None
    assert len(answers) == 0 and len(rendered) == 0
    assert not rendered.put("page", b"stale", seen)  # computed before the write: refused
    assert rendered.get("page") is None
    assert rendered.put("page", b"fresh", version.value) and rendered.get("page") == b"fresh"


def test_a_value_larger_than_the_whole_cache_is_not_kept() -> None:
    sized: VersionedCache[bytes] = VersionedCache(cachetools.LRUCache(maxsize=10, getsizeof=len), DataVersion())
    assert not sized.put("big", b"x" * 11, 0)
    assert sized.put("small", b"x" * 10, 0) and len(sized) == 1
