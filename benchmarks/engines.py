"""The named queries through `ctlkg serve --endpoint` on Oxigraph server and on Virtuoso 7, side by side.

    python -m benchmarks.engines --clusters 100 --reps 3

Synthetic clusters (`ctlkg synth`) are built once by the fast build; its graphs go to Oxigraph by its bulk
loader and to Virtuoso by its own (`ld_dir`, `rdf_loader_run`), so neither pays for SPARQL Update. Then each
engine, alone on the machine, serves every named query's example through the same service; the table gives
the median time of each over ``--reps`` runs, and the rows it answered.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox

from benchmarks import servers
from ctlkg.rdf import namespaces, paths
from ctlkg.sparql.named_queries import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tests' Virtuoso instance: one ini for both
import virtuoso_server  # noqa: E402

GRAPHS = (
    namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_DATA, namespaces.GRAPH_INFERRED, namespaces.GRAPH_SYNERGIES
)
LIMIT = 120.0
FIRST_CLUSTER = f"SELECT ?c WHERE {{ ?c a <{namespaces.CTL}Cluster> }} ORDER BY ?c LIMIT 1"
EXAMPLE_CLUSTER = re.compile(r"cluster=[^&]+")


def build(clusters: int, work: Path) -> Path:
    """Synthetic data, built by the fast build, as one N-Quads file of the service's graphs."""
    data, store_dir = work / "data", work / "store"
    subprocess.run([str(servers.BIN / "ctlkg"), "synth", "--clusters", str(clusters), "--out", str(data)],
                   check=True, capture_output=True)
    fast_build = [sys.executable, "-m", "ctlkg.build.oxigraph", "--data", str(data), "--out", str(store_dir)]
    subprocess.run(fast_build, check=True, capture_output=True)
    quads = work / "virtuoso" / "graphs.nq"  # inside the Virtuoso directory, which its ini allows
    quads.parent.mkdir()
    store = ox.Store.read_only(str(store_dir))
    with quads.open("wb") as out:
        for graph in GRAPHS:
            found = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            out.write(ox.serialize(found, format=ox.RdfFormat.N_QUADS) or b"")
    return quads


@contextmanager
def oxigraph(quads: Path, work: Path) -> Iterator[str]:
    location = work / "oxigraph"
    store = ox.Store(str(location))
    store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    port = servers.free_port()
    command = [str(servers.BIN / "oxigraph"), "serve-read-only", "--location", str(location),
               "--bind", f"127.0.0.1:{port}"]
    with servers.running("oxigraph", command, "/query", port, work / "oxigraph.log") as server:
        yield server.url


@contextmanager
def virtuoso(quads: Path, work: Path) -> Iterator[str]:
    process, instance = virtuoso_server.start(quads.parent, work / "virtuoso.log")
    try:
        started = time.perf_counter()
        virtuoso_server.isql(instance, f"ld_dir('{quads.parent}', '{quads.name}', 'urn:ctlkg:unused'); "
                                       "rdf_loader_run(); checkpoint;")
        print(f"virtuoso bulk load: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        yield instance.sparql
    finally:
        process.terminate()
        process.wait(30)


def timings(endpoint: str, work: Path, name: str, reps: int) -> dict[str, tuple[float, int]]:
    """Each named query's example through `ctlkg serve --endpoint`: median seconds and rows."""
    port = servers.free_port()
    command = [str(servers.BIN / "ctlkg"), "serve", "--port", str(port), "--endpoint", endpoint]
    found: dict[str, tuple[float, int]] = {}
    limit = {"CTLKG_QUERY_TIMEOUT": str(LIMIT)}
    log = work / f"serve-{name}.log"
    with servers.running(f"ctlkg-{name}", command, "/sparql", port, log, env=limit) as server, \
            httpx.Client(timeout=LIMIT + 10) as http:
        # The examples name real clusters; the synthetic data has others: the first one stands in.
        first = http.get(server.url, params={"query": FIRST_CLUSTER}, headers={"Accept": "text/csv"})
        cluster = first.text.splitlines()[1].strip()
        for query, named in sorted(load_catalogue(paths.QUERIES_DIR).items()):
            example = EXAMPLE_CLUSTER.sub("cluster=" + cluster, named.example)
            times, rows = [], -1
            for _ in range(reps):
                started = time.perf_counter()
                answer = http.get(server.base + example)
                times.append(time.perf_counter() - started)
                ok = answer.status_code == 200
                rows = len(answer.json().get("rows", [])) if ok else -answer.status_code
                if not ok:
                    print(f"{name} {query}: {answer.status_code} {answer.text[:300]}", file=sys.stderr)
            found[query] = (statistics.median(times), rows)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--work", type=Path, help="Keep the data and the servers' logs in this new folder.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ctlkg-engines-") as folder:
        work = args.work or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        quads = build(args.clusters, work)
        with oxigraph(quads, work) as url:
            ox_times = timings(url, work, "oxigraph", args.reps)
        with virtuoso(quads, work) as url:
            vt_times = timings(url, work, "virtuoso", args.reps)
    print(f"| named query ({args.clusters} clusters) | Oxigraph server | rows | Virtuoso 7 | rows |")
    print("| --- | --- | --- | --- | --- |")
    for query, (seconds, rows) in ox_times.items():
        v_seconds, v_rows = vt_times[query]
        print(f"| {query} | {seconds * 1000:.0f} ms | {rows} | {v_seconds * 1000:.0f} ms | {v_rows} |")


if __name__ == "__main__":
    main()
