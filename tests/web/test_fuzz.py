"""Fuzzing the live session servers (both backends) with hypothesis: random and mutated SPARQL, random
bytes, wrong encodings, huge and deeply nested queries.

Whatever arrives, the answer is never a 500 (a 503 is allowed only as the time limit's own answer),
never later than the time limit plus a margin, never a stack trace, and the server keeps answering a
canary query. Example counts are modest (two cores) and every request has its own deadline; the
fuzzed queries ask for a 5 s limit, so a costly one cannot hold the session's servers for long.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote_from_bytes

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctlkg.rdf import paths
from live_servers import Service

TIME_LIMIT = 5.0
#: What a request may take beyond the limit: writing the answer, a busy CI machine.
MARGIN = 10.0
CANARY = "ASK { ?s ?p ?o }"
FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=TIME_LIMIT + MARGIN + 5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)

SEEDS = [path.read_text(encoding="utf-8") for path in sorted(paths.QUERIES_DIR.glob("*.rq"))] + [
    "SELECT ?s WHERE { ?s a <https://w3id.org/lombardia-clusters/ontology#Cluster> } LIMIT 10",
    "ASK { ?s ?p \"x\"@en FILTER(REGEX(STR(?s), \"^h\")) }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
    "DESCRIBE <https://w3id.org/lombardia-clusters/id/cluster/afil>",
    "PREFIX ctl: <https://w3id.org/lombardia-clusters/ontology#>\n"
    "SELECT (COUNT(*) AS ?n) WHERE { ?c a ctl:Cluster OPTIONAL { ?c ctl:hasProject ?p } } GROUP BY ?c",
]
TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH",
    "SERVICE", "BIND", "AS", "VALUES", "LIMIT", "OFFSET", "DISTINCT", "REDUCED", "GROUP", "BY", "HAVING",
    "COUNT", "SUM", "REGEX", "STR", "LANG", "IRI", "EXISTS", "NOT", "IN", "PREFIX", "BASE", "FROM",
    "NAMED", "INSERT", "DELETE", "DATA", "LOAD", "CLEAR", "VERSION", "a", "*", "{", "}", "(", ")", "[", "]",
    ".", ";", ",", "?s", "?p", "?o", "$x", "_:b", "<https://w3id.org/lombardia-clusters/id/cluster/afil>",
    "<http://127.0.0.1:9/>", "rdfs:label", "ctl:Cluster", "ctl:", ":", '"x"', "'y'@it", '"""z"""', "1",
    "-2.5e3", "true", "^^", "<", ">", "=", "!", "&&", "||", "/", "|", "^", "+", "#", "\\", "\x00",
    "\ud7ff", "\U0001f600",
]


def check(response: httpx.Response, elapsed: float) -> None:
    assert response.status_code != 500, response.text[:500]
    assert response.status_code < 500 or (
        response.status_code == 503 and "retry-after" in response.headers
    ), (response.status_code, response.text[:500])
    assert elapsed < TIME_LIMIT + MARGIN, f"answered after {elapsed:.1f} s"
    assert "Traceback" not in response.text and "site-packages" not in response.text


def canary(service: Service, client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.get(service.sparql, params={"query": CANARY}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.json()["boolean"] is True
    assert time.monotonic() - started < TIME_LIMIT + MARGIN


def send(service: Service, client: httpx.Client, how: str, query: str | bytes,
         headers: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    if how == "get":
        response = client.get(service.sparql, params={"query": query, "timeout": str(TIME_LIMIT)},
                              headers=headers)
    elif how == "form":
        response = client.post(service.sparql, data={"query": query, "timeout": str(TIME_LIMIT)},
                               headers=headers)
    else:
        body = query.encode("utf-8", errors="surrogatepass") if isinstance(query, str) else query
        response = client.post(service.sparql, params={"timeout": str(TIME_LIMIT)}, content=body,
                               headers={"Content-Type": "application/sparql-query", **(headers or {})})
    check(response, time.monotonic() - started)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A seed query with a few character- or token-level edits: mostly almost-valid SPARQL."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["delete", "insert", "token", "duplicate", "swap"]))
        if edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif edit == "insert":
            text = text[:at] + draw(st.text(min_size=1, max_size=5)) + text[at:]
        elif edit == "token":
            text = text[:at] + " " + draw(st.sampled_from(TOKENS)) + " " + text[at:]
        elif edit == "duplicate":
            text = text[:at] + text[at:at + draw(st.integers(1, 40))] * 2 + text[at + 40:]
        elif at + 1 < len(text):
            text = text[:at] + text[at + 1] + text[at] + text[at + 2:]
    return text


token_soup = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=60).map(" ".join)


@FUZZ
@given(query=st.one_of(mutated(), token_soup), how=st.sampled_from(["get", "form", "direct"]))
def test_random_and_mutated_queries(service: Service, client: httpx.Client, query: str, how: str) -> None:
    send(service, client, how, query.replace("\x00", "") if how == "get" else query)
    canary(service, client)


@FUZZ
@given(query=st.text(max_size=300), accept=st.one_of(st.none(), st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80).map(str.strip)))
def test_random_text_and_accept(service: Service, client: httpx.Client, query: str, accept: str | None) -> None:
    send(service, client, "form", query, headers={"Accept": accept} if accept is not None else None)
    canary(service, client)


@FUZZ
@given(body=st.binary(max_size=2000), media=st.sampled_from([
    "application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update",
    "text/plain", "application/octet-stream", "application/sparql-query; charset=latin-1", "",
]), target=st.sampled_from(["/sparql", "/sparql/update", "/rdf-graphs/data", "/graph-store?default"]))
def test_random_bytes(service: Service, client: httpx.Client, body: bytes, media: str, target: str) -> None:
    started = time.monotonic()
    method = "PUT" if target.startswith(("/rdf", "/graph")) else "POST"
    response = client.request(method, service.url + target, content=body,
                              headers={"Content-Type": media} if media else {})
    check(response, time.monotonic() - started)
    assert response.status_code in (400, 401, 413, 415), response.text[:300]
    canary(service, client)


ENCODINGS = ["latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"]
BROKEN_UTF8 = [b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80"]


@FUZZ
@given(seed=st.sampled_from(SEEDS), encoding=st.sampled_from(ENCODINGS),
       charset=st.sampled_from(["", "; charset=utf-8", "; charset=UTF-16", "; charset=iso-8859-1"]),
       broken=st.sampled_from(BROKEN_UTF8), at=st.floats(0, 1), how=st.sampled_from(["direct", "form", "get"]))
def test_wrong_encodings(
    service: Service, client: httpx.Client, seed: str, encoding: str, charset: str, broken: bytes, at: float,
    how: str,
) -> None:
    text = seed.replace('"en"', '"perché è così"')
    encoded = text.encode(encoding, errors="replace")
    cut = int(len(encoded) * at)
    spoiled = encoded[:cut] + broken + encoded[cut:]
    started = time.monotonic()
    if how == "direct":
        response = client.post(service.sparql, content=spoiled,
                               headers={"Content-Type": "application/sparql-query" + charset})
    elif how == "form":
        form = b"query=" + quote_from_bytes(spoiled, safe="").encode("ascii")
        response = client.post(service.sparql, content=form,
                               headers={"Content-Type": "application/x-www-form-urlencoded" + charset})
    else:
        escaped = quote_from_bytes(spoiled, safe="")
        response = client.get(f"{service.sparql}?query={escaped}")
    check(response, time.monotonic() - started)
    assert response.status_code in (400, 413, 415), response.text[:300]
    canary(service, client)


def nested(kind: str, depth: int) -> str:
    if kind == "groups":
        return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth
    if kind == "parentheses":
        return "ASK { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
    if kind == "brackets":
        return "ASK { ?s ?p " + "[ ?p " * depth + "1" + " ]" * depth + " }"
    if kind == "optionals":
        return "ASK { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * depth + "}" * depth + " }"
    if kind == "negations":
        return "ASK { FILTER(" + "!" * depth + "true) }"
    if kind == "unions":
        return "ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * depth) + " }"
    return "ASK { FILTER(" + "CONCAT(" * depth + '"x"' + ")" * depth + ") }"


@pytest.mark.parametrize("depth", [50, 1_000, 10_000])
@pytest.mark.parametrize("kind", ["groups", "parentheses", "brackets", "optionals", "negations", "unions",
                                  "calls"])
def test_deeply_nested_queries(service: Service, client: httpx.Client, kind: str, depth: int) -> None:
    send(service, client, "direct", nested(kind, depth))
    canary(service, client)


@pytest.mark.parametrize("kind", ["values", "filter-in", "comment", "literal", "prefixes", "over-the-cap"])
def test_huge_queries(service: Service, client: httpx.Client, kind: str) -> None:
    size = 900_000 if kind != "over-the-cap" else 1_200_000
    if kind == "values":
        query = "SELECT ?x WHERE { VALUES ?x { " + " ".join(str(i) for i in range(size // 7)) + " } } LIMIT 1"
    elif kind == "filter-in":
        query = "ASK { ?s ?p ?o FILTER(?o IN (" + ", ".join(f'"{i}"' for i in range(size // 10)) + ")) }"
    elif kind == "comment":
        query = "#" + "x" * size + "\nASK {}"
    elif kind == "literal":
        query = 'ASK { FILTER(STRLEN("' + "y" * size + '") > 0) }'
    elif kind == "prefixes":
        query = "".join(f"PREFIX p{i}: <http://example.org/{i}#>\n" for i in range(size // 40)) + "ASK {}"
    else:
        query = "#" + "z" * size + "\nASK {}"
    started = time.monotonic()
    response = client.post(service.sparql, params={"timeout": str(TIME_LIMIT)}, content=query.encode(),
                           headers={"Content-Type": "application/sparql-query"})
    check(response, time.monotonic() - started)
    if kind == "over-the-cap":
        assert response.status_code == 413
    canary(service, client)


def test_the_fuzzed_servers_still_answer_in_time(service: Service, client: httpx.Client, tmp_path: Path) -> None:
    """After all of the above: the canary answers quickly and the named queries still work."""
    for _ in range(5):
        canary(service, client)
    assert client.get(service.url + "/api/queries/clusters").status_code == 200
