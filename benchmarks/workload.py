"""What the benchmark asks: every named query (with its header's example values), the synergy questions,
timed in process and over HTTP, and a mixed load of concurrent clients bounded in time and count.

The other systems get the named queries as plain SPARQL, the example values written into the text
(``inline``), the same text sent to every system's endpoint, the service's /sparql included.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph as ox

from benchmarks.servers import DEFAULT_GRAPHS
from ctlkg.rdf import namespaces, paths
from ctlkg.sparql import named_queries
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.sparql.query_params import convert

JSON = "application/sparql-results+json"
ACCEPT = f"{JSON}, application/n-triples;q=0.9, text/turtle;q=0.8"
SLOW = 5.0  # seconds: a query this slow is timed once, and left out of the mixed load
SYNERGY = f"PREFIX ctl: <{namespaces.CTL}>\n"
COMBINED = f"<{namespaces.BASE}id/synergy-dimension/combined>"
SYNERGY_QUERIES = {
    "synergies-all-pairs": SYNERGY
    + f"""SELECT ?a ?b ?score WHERE {{ GRAPH <{namespaces.GRAPH_SYNERGIES}> {{
  ?s ctl:dimension {COMBINED} ; ctl:score ?score ; ctl:pairMember ?a , ?b . FILTER(STR(?a) < STR(?b)) }} }}
ORDER BY DESC(?score) ?a ?b""",
    "synergies-top-100": SYNERGY
    + f"""SELECT ?a ?b ?score WHERE {{ GRAPH <{namespaces.GRAPH_SYNERGIES}> {{
  ?s ctl:dimension {COMBINED} ; ctl:score ?score ; ctl:pairMember ?a , ?b . FILTER(STR(?a) < STR(?b)) }} }}
ORDER BY DESC(?score) ?a ?b LIMIT 100""",
    "synergies-one-cluster": SYNERGY
    + f"""SELECT ?other ?score WHERE {{ GRAPH <{namespaces.GRAPH_SYNERGIES}> {{
  ?s ctl:dimension {COMBINED} ; ctl:score ?score ; ctl:pairMember <{{cluster}}> , ?other .
  FILTER(?other != <{{cluster}}>) }} }} ORDER BY DESC(?score) ?other""",
}


@dataclass
class Query:
    name: str
    sparql: str  # plain SPARQL, values inlined: what every system gets
    api_path: str | None  # the service's named-query route, for the named-query overhead
    text: str = ""
    bindings: dict[str, ox.NamedNode | ox.Literal] = field(default_factory=dict)


def _example(query: named_queries.NamedQuery, clusters: list[str]) -> dict[str, str]:
    """The header's example values; cluster IRIs of the real data mapped to clusters of this data set."""
    values = dict(parse_qsl(urlsplit(query.example).query))
    mapping: dict[str, str] = {}
    for key, value in values.items():
        if "/id/cluster/" in value and value not in clusters:
            values[key] = mapping.setdefault(value, clusters[len(mapping) % len(clusters)])
    for param in query.params:
        if param.name not in values and param.default is not None:
            values[param.name] = param.default
    return values


def _split_top(text: str) -> list[str]:
    """A projection split into its top-level items: variables and bracketed expressions."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        current += char
        if depth == 0 and char in " \n\t)":
            if current.strip():
                items.append(current.strip())
            current = ""
    return items + ([current.strip()] if current.strip() else [])


def inline(text: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with its parameters written in, as a person would for an endpoint without named queries:
    a projected parameter becomes ``(value AS ?name)``, GROUP BY and ORDER BY drop it (it is constant), any
    other use becomes the value. Checked against the service's substitution by row counts (bench.py)."""
    names = "|".join(map(re.escape, bindings))
    if not names:
        return text
    var = re.compile(rf"[?$]({names})\b")

    def projection(match: re.Match[str]) -> str:
        items = [
            f"({bindings[m.group(1)]} AS ?{m.group(1)})" if (m := var.fullmatch(item)) else item
            for item in _split_top(match.group(2))
        ]
        return f"{match.group(1)}{' '.join(items)} WHERE"

    def ordering(match: re.Match[str]) -> str:
        kept = [item for item in match.group(2).split() if not var.fullmatch(item)]
        return f"{match.group(1)} {' '.join(kept)}" if kept else ""

    text = re.sub(r"(SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?)(.*?)\s+WHERE", projection, text, flags=re.S | re.I)
    text = re.sub(r"(GROUP BY|ORDER BY)((?:\s+(?:[?$]\w+|DESC\([?$]\w+\)|ASC\([?$]\w+\)))+)", ordering, text)
    # Aliases keep their names: "(... AS ?cluster)" must not become "(... AS <iri>)".
    return re.sub(rf"(?<!AS )[?$]({names})\b", lambda m: str(bindings[m.group(1)]), text)


def queries(store: ox.Store) -> list[Query]:
    """The named queries and the synergy questions, ready for every system."""
    rows = store.query(
        f"SELECT ?c WHERE {{ GRAPH <{namespaces.GRAPH_DATA}> {{ ?c a <{namespaces.CTL}Cluster> }} }} "
        "ORDER BY ?c LIMIT 10"
    )
    assert isinstance(rows, ox.QuerySolutions)
    clusters = [row["c"].value for row in rows]
    found = []
    for name, query in named_queries.load_catalogue(paths.QUERIES_DIR).items():
        values = _example(query, clusters)
        bindings = {p.name: convert(p, values[p.name]) for p in query.params if p.name in values}
        body = re.sub(r"^#\+.*\n", "", query.text, flags=re.MULTILINE)
        api = f"/api/queries/{name}?" + "&".join(f"{k}={v}" for k, v in values.items())
        found.append(Query(name, inline(body, bindings), api, body, bindings))  # type: ignore[arg-type]
    for name, text in SYNERGY_QUERIES.items():
        sparql = text.replace("{cluster}", clusters[0])
        found.append(Query(name, sparql, None, sparql, {"cluster": ox.NamedNode(clusters[0])}))
    return found


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(run: Callable[[], object], reps: int, budget: float = SLOW) -> list[float]:
    """Run once to warm up; then ``reps`` timed runs, or one when a run takes longer than ``budget``."""
    started = time.perf_counter()
    run()
    if time.perf_counter() - started > budget:
        return [time.perf_counter() - started]
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def _rows(answer: httpx.Response) -> int:
    """How many solutions (or triples) an answer holds, to see that every system answered the same."""
    if answer.headers.get("content-type", "").startswith(JSON):
        return len(answer.json()["results"]["bindings"])
    return sum(
        1 for line in answer.text.splitlines() if line.strip() and not line.startswith(("@", "#", "PREFIX"))
    )


def in_process(store_dir: Path, found: list[Query], reps: int) -> dict[str, dict[str, Any]]:
    """The same queries without HTTP, on the built store opened read-only: the floor of every overhead."""
    store = ox.Store.read_only(str(store_dir))
    backend = EmbeddedBackend(store)
    default = [ox.NamedNode(g) for g in DEFAULT_GRAPHS]
    timings: dict[str, dict[str, Any]] = {"sparql": {}, "named": {}, "rows": {}}
    for q in found:
        timings["rows"][q.name] = len(list(store.query(q.sparql, default_graph=default)))  # type: ignore[arg-type]
        timings["sparql"][q.name] = timed(
            lambda q=q: list(store.query(q.sparql, default_graph=default)), reps
        )
        if q.api_path is not None:
            timings["named"][q.name] = timed(lambda q=q: backend.select(q.text, bindings=q.bindings), reps)
    return timings


def over_http(
    url: str, found: list[Query], reps: int, *, api_base: str | None = None, timeout: float = 120.0
) -> dict[str, dict[str, Any]]:
    """Each query over loopback HTTP, as SPARQL (and as a named query when ``api_base`` is the service's);
    a query that fails or passes ``timeout`` counts as infinitely slow."""
    timings: dict[str, dict[str, Any]] = {"sparql": {}, "named": {}, "rows": {}}
    with httpx.Client(timeout=timeout, headers={"Accept": ACCEPT}) as client:

        def get(target: str, **params: str) -> httpx.Response:
            answer = client.get(target, params=params or None)
            answer.raise_for_status()
            return answer

        for q in found:
            try:
                timings["rows"][q.name] = _rows(get(url, query=q.sparql))
                timings["sparql"][q.name] = timed(lambda q=q: get(url, query=q.sparql), reps)
            except httpx.HTTPError:
                timings["sparql"][q.name] = [float("inf")]
                _recover(client, url, timeout)
            if api_base is not None and q.api_path is not None:
                try:
                    timings["named"][q.name] = timed(lambda q=q: get(api_base + q.api_path), reps)
                except httpx.HTTPError:
                    timings["named"][q.name] = [float("inf")]
        if api_base is not None:
            timings["api"], timings["api_first"] = {}, {}
            for name, path in synergy_api(found).items():
                try:
                    started = time.perf_counter()
                    get(api_base + path)  # the first answer is rendered, the next ones are kept
                    timings["api_first"][name] = time.perf_counter() - started
                    timings["api"][name] = timed(lambda path=path: get(api_base + path), reps)
                except httpx.HTTPError:
                    timings["api"][name] = [float("inf")]
    return timings


def synergy_api(found: list[Query]) -> dict[str, str]:
    """The service's own answers to the synergy questions: /api/synergies, scored at build time."""
    cluster = next(q for q in found if q.name == "synergies-one-cluster").bindings["cluster"]
    return {
        "synergies-all-pairs": "/api/synergies",
        "synergies-top-100": "/api/synergies?limit=100",
        "synergies-one-cluster": "/api/synergies/" + cluster.value.rsplit("/", 1)[-1],
    }


def _recover(client: httpx.Client, url: str, limit: float) -> None:
    """After a timeout, wait (up to ``limit``) until the server answers ``ASK {}`` again within a second."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        try:
            if client.get(url, params={"query": "ASK {}"}, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)


async def _client(
    client: httpx.AsyncClient,
    url: str,
    texts: list[str],
    deadline: float,
    budget: list[int],
    latencies: list[float],
    offset: int,
    errors: list[str],
) -> None:
    turn = offset
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        started = time.perf_counter()
        try:
            answer = await client.get(url, params={"query": texts[turn % len(texts)]})
            if answer.status_code == 200:
                latencies.append(time.perf_counter() - started)
            else:
                errors.append(f"HTTP {answer.status_code}")
        except httpx.HTTPError as exc:
            errors.append(type(exc).__name__)
        turn += 1


def mixed_load(
    url: str, texts: list[str], *, clients: int = 32, seconds: float = 10.0, max_requests: int = 20000
) -> dict[str, float]:
    """``clients`` concurrent clients cycling through ``texts`` until the time or request budget runs out."""

    errors: list[str] = []

    async def main() -> tuple[list[float], float]:
        latencies: list[float] = []
        limits = httpx.Limits(max_connections=clients)
        async with httpx.AsyncClient(
            timeout=seconds + 30, headers={"Accept": ACCEPT}, limits=limits
        ) as client:
            started = time.perf_counter()
            budget = [max_requests]
            await asyncio.gather(
                *(
                    _client(client, url, texts, started + seconds, budget, latencies, i, errors)
                    for i in range(clients)
                )
            )
            return latencies, time.perf_counter() - started

    latencies, elapsed = asyncio.run(main())
    if not latencies:
        return {"throughput": 0.0, "p50": float("nan"), "p95": float("nan"), "requests": 0,
                "errors": len(errors)}
    return {
        "throughput": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "requests": len(latencies),
        "errors": len(errors),
    }
