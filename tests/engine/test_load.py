"""A bounded load run on loopback: 32 concurrent clients for up to 60 s, mixing named queries, /sparql
queries and linked-data pages, against a server on a built store with the default limits.

No request may fail; p50 and p99 latencies are printed and written to build/load-results.json (to
docs/load-results.json with CTLKG_RECORD_LOAD=1, so that a test run leaves the tree clean). Then
the same load runs beside one pathological query (a cross join over all triples, counted: hours of
work the engine cannot be made to stop), and a canary query's p99 must stay under CANARY_P99_LIMIT.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from live_servers import Live, built_store, copy_store, start

__all__ = ["built_store"]
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / ("docs" if os.environ.get("CTLKG_RECORD_LOAD") == "1" else "build") / "load-results.json"
CLIENTS = 32
#: Seconds of load per run: 12 keeps `make test` within its 6 minutes; the runs docs/security.md records used 60.
SECONDS = float(os.environ.get("CTLKG_LOAD_SECONDS", "12"))
PATHOLOGICAL_SECONDS = min(SECONDS, 40.0)
#: Requests per client at most, so the run is bounded in count as well as in time.
MAX_REQUESTS_PER_CLIENT = 5_000
#: The canary (a one-pattern ASK at /sparql, sent every CANARY_EVERY s) must answer within this at p99,
#: with the 32 clients running and the pathological query holding a query slot and one of the two
#: cores: a third of the 30 s time limit, so no canary comes near a 503. Also, relatively: at most
#: CANARY_SLOWDOWN times its p99 under the same load without the pathological query (which takes half
#: the machine, so about twice is what to expect).
CANARY_P99_LIMIT = 10.0
CANARY_SLOWDOWN = 4.0
CANARY_EVERY = 0.25
CANARY = "ASK { ?s a <https://w3id.org/lombardia-clusters/ontology#Cluster> }"
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CLUSTERS = ["afil", "agrifood", "clm", "lac", "le2c", "lgca", "scc", "scienze-vita", "tav"]
SPARQL = [
    "SELECT ?c ?label WHERE { ?c a ctl:Cluster ; rdfs:label ?label FILTER(LANG(?label) = 'en') } ORDER BY ?label",
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 10",
    "CONSTRUCT WHERE { <https://w3id.org/lombardia-clusters/id/cluster/afil> ?p ?o }",
    "ASK { ?s ?p ?o }",
]
PREFIXES = ("PREFIX ctl: <https://w3id.org/lombardia-clusters/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")


@dataclass
class Run:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)

    def all(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"requests": len(values), "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else float("nan"),
            "max_ms": round(max(values) * 1000, 1) if values else float("nan")}


def requests(examples: list[str]) -> list[tuple[str, str, dict[str, str], dict[str, str]]]:
    """(kind, path, params, headers) for every request of the mix."""
    mix: list[tuple[str, str, dict[str, str], dict[str, str]]] = []
    for example in examples:
        path, _, query = example.partition("?")
        params = dict(pair.split("=", 1) for pair in query.split("&") if "=" in pair)
        mix.append(("named query", path, params, {}))
    for text in SPARQL:
        mix.append(("sparql", "/sparql", {"query": PREFIXES + text},
                    {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}))
    for cluster in CLUSTERS:
        mix.append(("page", f"/id/cluster/{cluster}", {}, {"Accept": "text/html"}))
        mix.append(("page", f"/id/cluster/{cluster}", {}, {"Accept": "text/turtle"}))
    return mix


async def client_loop(base: str, mix: list[tuple[str, str, dict[str, str], dict[str, str]]], offset: int,
                      deadline: float, run: Run) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                return
            kind, path, params, headers = mix[(offset + n) % len(mix)]
            started = time.monotonic()
            try:
                response = await client.get(path, params=params, headers=headers)
                ok = response.status_code == 200
                detail = f"{response.status_code} {response.text[:120]}"
            except httpx.HTTPError as exc:
                ok, detail = False, repr(exc)
            run.latencies[kind].append(time.monotonic() - started)
            if not ok:
                run.errors.append(f"{kind} {path}: {detail}")


async def canary_loop(base: str, deadline: float, run: Run) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                # no-cache: a kept answer would skip the query slots the pathological query competes for
                response = await client.get("/sparql", params={"query": CANARY},
                                            headers={"Accept": "application/sparql-results+json",
                                                     "Cache-Control": "no-cache"})
                if response.status_code != 200:
                    run.errors.append(f"canary: {response.status_code} {response.text[:120]}")
            except httpx.HTTPError as exc:
                run.errors.append(f"canary: {exc!r}")
            run.latencies["canary"].append(time.monotonic() - started)
            await asyncio.sleep(CANARY_EVERY)


async def load(base: str, examples: list[str], seconds: float) -> tuple[Run, Run]:
    mix = requests(examples)
    deadline = time.monotonic() + seconds
    run, canary = Run(), Run()
    await asyncio.gather(
        *(client_loop(base, mix, index * 3, deadline, run) for index in range(CLIENTS)),
        canary_loop(base, deadline, canary),
    )
    return run, canary


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("load")
    live = start(folder / "server.log", store_dir=copy_store(built_store, folder / "store"))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def examples(server: Live) -> list[str]:
    return [entry["example"] for entry in httpx.get(server.url + "/api/queries", timeout=60).json()["queries"]]


def record(name: str, run: Run, canary: Run, seconds: float) -> dict[str, object]:
    result: dict[str, object] = {
        "clients": CLIENTS, "seconds": seconds, "errors": len(run.errors),
        "throughput_rps": round(len(run.all()) / seconds, 1),
        "all": summary(run.all()),
        "by_kind": {kind: summary(values) for kind, values in sorted(run.latencies.items())},
        "canary": summary(canary.latencies["canary"]),
    }
    existing = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    existing[name] = result
    existing["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "canary_p99_limit_ms": CANARY_P99_LIMIT * 1000}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(existing, indent=2) + "\n", encoding="utf-8")
    print(f"\n{name}: {json.dumps(result, indent=2)}")
    return result


#: The canary's p99 without the pathological query, once the first test has measured it.
BASELINE: dict[str, float] = {}


def test_mixed_load_has_no_errors(server: Live, examples: list[str]) -> None:
    run, canary = asyncio.run(load(server.url, examples, SECONDS))
    record("mixed_load", run, canary, SECONDS)
    BASELINE["canary_p99"] = percentile(canary.latencies["canary"], 0.99)
    assert not run.errors, run.errors[:10]
    assert not canary.errors, canary.errors[:10]
    assert len(run.all()) > CLIENTS * 10
    assert {"named query", "sparql", "page"} <= set(run.latencies)


def test_a_pathological_query_does_not_starve_the_rest(server: Live, examples: list[str]) -> None:
    async def scenario() -> tuple[Run, Run, httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            heavy = asyncio.create_task(client.get("/sparql", params={"query": PATHOLOGICAL}))
            await asyncio.sleep(1.0)  # the heavy query holds its slot before the load starts
            run, canary = await load(server.url, examples, PATHOLOGICAL_SECONDS)
            return run, canary, await heavy

    run, canary, heavy = asyncio.run(scenario())
    record("mixed_load_beside_a_pathological_query", run, canary, PATHOLOGICAL_SECONDS)
    assert heavy.status_code == 503 and "time limit" in heavy.json()["message"]
    assert not run.errors, run.errors[:10]
    assert not canary.errors, canary.errors[:10]
    p99 = percentile(canary.latencies["canary"], 0.99)
    assert p99 < CANARY_P99_LIMIT
    if "canary_p99" in BASELINE:
        assert p99 < CANARY_SLOWDOWN * max(BASELINE["canary_p99"], 0.25), (p99, BASELINE)
