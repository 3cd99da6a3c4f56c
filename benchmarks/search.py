"""Full-text search latency over synthetic clusters: the index alone and its HTTP route, on the same data.

    python -m benchmarks.search                      # 1,000 synthetic clusters, seed 0, 30 timed runs a query
    python -m benchmarks.search --clusters 9 --reps 5

The data is what ``ctlkg synth`` writes, with the ontology, loaded into an in-memory Oxigraph store as it
comes (no reasoning: the texts are all asserted, only the type filter would see more with inferences). The
index is built from the store as the service builds it at start-up (``ctlkg.sparql.search``), then every
search of a fixed list (whole words, two- and three-letter prefixes as a person types them, several words,
a type filter, a language, a word found nowhere) runs once to warm up and ``--reps`` times timed: on the index,
and through GET /api/search on the route the service mounts (FastAPI in process, JSON included, no socket).
The target is 50 ms; figures go to build/search/results.json and to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctlkg.rdf import namespaces, paths
from ctlkg.sparql import search
from ctlkg.sparql.data_version import DataVersion
from ctlkg.sparql.embedded import EmbeddedBackend

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "search"
TARGET_MS = 50.0
#: (words, parameters): what a person types into the box, as it is typed, and what a client asks.
SEARCHES: list[tuple[str, dict[str, str]]] = [
    ("energia", {}),
    ("manifattura avanzata", {}),
    ("cluster", {}),
    ("lombardia", {}),
    ("ma", {}),
    ("sal", {}),
    ("citt", {}),
    ("innovazione digitale", {"lang": "it"}),
    ("project", {"type": "Project"}),
    ("srl", {"type": "Organisation"}),
    ("health", {"lang": "en", "limit": "50"}),
    ("zzqxnotaword", {}),
]


def synthetic(clusters: int, seed: int) -> Path:
    folder = OUT / f"synth-{clusters}-{seed}"
    if not (folder / ".done").exists():
        subprocess.run([str(ROOT / ".venv" / "bin" / "ctlkg"), "synth", "--clusters", str(clusters),
                        "--seed", str(seed), "--out", str(folder)], check=True)
        (folder / ".done").touch()
    return folder


def load(folder: Path) -> ox.Store:
    """The ontology and the data in their named graphs, as the service's backend reads them."""
    store = ox.Store()
    store.bulk_load(path=str(paths.ONTOLOGY_DIR / "ctl.ttl"), format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(namespaces.GRAPH_ONTOLOGY))
    for path in sorted(folder.rglob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(namespaces.GRAPH_DATA))
    return store


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered), 3),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
            "max_ms": round(ordered[-1], 3)}


def timed(call: Any, reps: int) -> list[float]:
    call()
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()

    folder = synthetic(args.clusters, args.seed)
    started = time.perf_counter()
    store = load(folder)
    loaded = time.perf_counter() - started
    backend = EmbeddedBackend(store)
    finder = search.Search(backend, DataVersion())
    started = time.perf_counter()
    index = finder.index()
    built = time.perf_counter() - started

    from fastapi import FastAPI  # the route as the service mounts it, in this process

    from ctlkg.web.api import search as search_route

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    app = FastAPI()
    app.include_router(search_route.router(finder))
    client = TestClient(app)

    rows = []
    every_index: list[float] = []
    every_http: list[float] = []
    for words, params in SEARCHES:
        kind = params.get("type")
        types = (search.class_iri(kind),) if kind else ()
        limit = int(params.get("limit", "10"))
        found = len(index.search(words, lang=params.get("lang"), types=types, limit=limit))
        on_index = timed(lambda: index.search(words, lang=params.get("lang"), types=types, limit=limit),
                         args.reps)
        query = {"q": words, **params}
        on_http = timed(lambda: client.get("/api/search", params=query).raise_for_status(), args.reps)
        every_index += on_index
        every_http += on_http
        rows.append({"q": words, "params": params, "results": found,
                     "index": summary(on_index), "http": summary(on_http)})

    report = {
        "clusters": args.clusters, "seed": args.seed, "reps": args.reps,
        "quads": len(store), "indexed_resources": len(index),
        "load_s": round(loaded, 2), "index_build_s": round(built, 2),
        "index": summary(every_index), "http": summary(every_http),
        "target_ms": TARGET_MS, "met": summary(every_http)["p95_ms"] <= TARGET_MS,
        "searches": rows,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{args.clusters} clusters: {report['quads']:,} quads, {report['indexed_resources']:,} resources "
          f"indexed in {built:.2f} s (store loaded in {loaded:.2f} s)")
    print(f"{'search':<34} {'hits':>4} {'index p50/p95 ms':>18} {'HTTP p50/p95 ms':>18}")
    for row in rows:
        label = row["q"] + "".join(f" {k}={v}" for k, v in row["params"].items())
        print(f"{label:<34} {row['results']:>4} {row['index']['median_ms']:>8.2f} /{row['index']['p95_ms']:>7.2f}"
              f" {row['http']['median_ms']:>8.2f} /{row['http']['p95_ms']:>7.2f}")
    print(f"all: index median {report['index']['median_ms']} ms, p95 {report['index']['p95_ms']} ms; "
          f"HTTP median {report['http']['median_ms']} ms, p95 {report['http']['p95_ms']} ms "
          f"(target {TARGET_MS:.0f} ms: {'met' if report['met'] else 'not met'})")


if __name__ == "__main__":
    main()
