"""Ad-hoc SPARQL over HTTP: the ctlkg service against Oxigraph server, on the same data, in the same run.

    python -m benchmarks.adhoc                       # 100 synthetic clusters, seed 3, 7 timed requests
    python -m benchmarks.adhoc --clusters 9 --reps 3 # quick

The named-query benchmark (bench.py) measures what the service was built for; this one asks what a person
would type into a SPARQL editor, to see what the service's HTTP layer costs over the engine it wraps. The
four systems run side by side on loopback, and each query is asked of each in turn, so that the load of this
shared machine falls on all of them alike: the service on the
built store (no kept answers: CTLKG_RESULT_CACHE_BYTES=0 and ``Cache-Control: no-cache``), on disk and in
memory, and Oxigraph server with the union of the same four graphs as its default graph, on disk and in
memory. Each query runs once to warm up, then ``--reps`` times; medians are compared disk with disk and
memory with memory (the default: 15 requests). Data, store and the Oxigraph disk store are kept under
build/adhoc/ for the next run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from benchmarks import servers
from ctlkg.rdf import namespaces

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "adhoc"
TIMEOUT = 60.0  # seconds, per request (the servers' own query timeouts are at most this)
LOAD_TIMEOUT = 900.0  # seconds, for the one POST that fills the in-memory Oxigraph server
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
NQUADS = "application/n-quads"
TARGET_RATIO = 1.25
TARGET_ASK_MS = 1.0
#: What the service may add to a request over the engine's own server (HTTP, middleware, the worker hop).
TARGET_REQUEST_MS = 0.5
REQUEST_REPS = 200
#: What the service answers from by default: the shapes graph stays out (Oxigraph must not see it either).
GRAPHS = servers.DEFAULT_GRAPHS

PREFIXES = """PREFIX ctl: <https://w3id.org/lombardia-clusters/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""
CLUSTER = f"<{namespaces.ID}cluster/cl-00001>"  # there for any --clusters


@dataclass(frozen=True)
class Query:
    name: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE: which Accept header, how answers are counted
    what: str  # the feature it exercises, for the table
    sparql: str


QUERIES = [
    Query("members-by-type", "SELECT", "COUNT + GROUP BY", PREFIXES + """
SELECT ?cluster ?type (COUNT(?member) AS ?members) WHERE {
  ?member ctl:memberOf ?cluster ; a ?type .
} GROUP BY ?cluster ?type"""),
    Query("shared-networks-projects", "SELECT", "join across clusters", PREFIXES + """
SELECT ?a ?b (COUNT(DISTINCT ?shared) AS ?in_common) WHERE {
  ?a a ctl:Cluster . ?b a ctl:Cluster .
  { ?a ctl:participatesInNetwork ?shared . ?b ctl:participatesInNetwork ?shared }
  UNION
  { ?a ctl:participatesIn ?shared . ?b ctl:participatesIn ?shared . ?shared a ctl:EUProject }
  FILTER(STR(?a) < STR(?b))
} GROUP BY ?a ?b"""),
    Query("projects-with-labels", "SELECT", "OPTIONAL + labels", PREFIXES + """
SELECT ?project ?label ?cluster_label ?lead ?lead_label ?programme_label WHERE {
  ?project ctl:projectOf ?cluster .
  OPTIONAL { ?project rdfs:label ?label FILTER(LANG(?label) = "en") }
  OPTIONAL { ?cluster rdfs:label ?cluster_label FILTER(LANG(?cluster_label) = "en") }
  OPTIONAL { ?project ctl:hasLead ?lead . ?lead rdfs:label ?lead_label FILTER(LANG(?lead_label) = "en") }
  OPTIONAL { ?project ctl:fundedBy ?programme .
             ?programme skos:prefLabel ?programme_label FILTER(LANG(?programme_label) = "en") }
}"""),
    Query("label-regex", "SELECT", "regex FILTER", PREFIXES + r"""
SELECT ?thing ?label WHERE {
  ?thing rdfs:label ?label .
  FILTER(REGEX(?label, "^(company|laboratory|progetto) cl-000[0-4][0-9] 1[0-9]$", "i"))
}"""),
    Query("describe-cluster", "DESCRIBE", "DESCRIBE", f"DESCRIBE {CLUSTER}"),
    Query("construct-projects", "CONSTRUCT", "CONSTRUCT", PREFIXES + """
CONSTRUCT {
  ?project a ?type ; rdfs:label ?label ; ctl:fundedBy ?programme ; schema:startDate ?start ;
           ctl:projectOf ?cluster .
} WHERE {
  ?project ctl:projectOf ?cluster ; a ?type ; rdfs:label ?label ; ctl:startYear ?start .
  OPTIONAL { ?project ctl:fundedBy ?programme }
}"""),
    Query("ask-network", "ASK", "ASK", PREFIXES + """
ASK { ?cluster a ctl:Cluster ; ctl:participatesInNetwork ?network .
      ?network rdfs:label "International network 1"@en }"""),
    Query("top-projects", "SELECT", "ORDER BY + LIMIT", PREFIXES + """
SELECT ?project ?partners ?start WHERE {
  ?project ctl:reportedPartnerCount ?partners ; ctl:startYear ?start .
} ORDER BY DESC(?partners) ?start ?project LIMIT 25"""),
    Query("programme-path", "SELECT", "property path", PREFIXES + """
SELECT DISTINCT ?cluster ?programme WHERE {
  ?cluster a ctl:Cluster ; (ctl:hasProject|ctl:hasCurrentProject)/ctl:fundedBy/skos:broader* ?programme .
}"""),
    Query("clusters-without-eu", "SELECT", "FILTER NOT EXISTS", PREFIXES + """
SELECT ?cluster WHERE {
  ?cluster a ctl:Cluster .
  FILTER NOT EXISTS { ?cluster ctl:hasProject ?project . ?project a ctl:EUProject }
}"""),
]

#: The request with (almost) no engine work: what it costs is what the HTTP path costs.
EMPTY_ASK = Query("ask-empty", "ASK", "request path", "ASK {}")


@dataclass
class Measured:
    """One system's answers to one query: the timed samples, the size of the answer, what went wrong."""

    samples_ms: list[float] = field(default_factory=list)
    size: int | bool | None = None  # rows, triples, or the boolean
    error: str | None = None
    note: str | None = None  # a truncated answer, or a kept answer served despite no-cache

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else math.inf


@dataclass
class System:
    key: str
    label: str
    kind: str  # "ctlkg" or "oxigraph"
    storage: str  # "disk" or "memory"
    start: Callable[[], AbstractContextManager[servers.Server]] | None
    skipped: str | None = None
    startup_s: float | None = None
    rss_mb: float | None = None
    results: dict[str, Measured] = field(default_factory=dict)
    #: ``ASK {}`` asked REQUEST_REPS times: the cost of the request path alone.
    request: Measured = field(default_factory=Measured)


def _run(command: list[str], log: Path) -> None:
    """A child process to completion, its output to ``log``; raises with the log's tail when it fails."""
    with log.open("wb") as out:
        code = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, check=False).returncode
    if code != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(command)} exited with {code}:\n{tail}")


def _help(command: list[str]) -> str:
    """A command's --help, wide enough that no flag is cut off."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, env=env, timeout=60,
                          check=False)
    return done.stdout + done.stderr


def oxigraph_version() -> str:
    done = subprocess.run([str(servers.BIN / "oxigraph"), "--version"], capture_output=True, text=True,
                          timeout=60, check=False)
    return done.stdout.strip()


def prepare(clusters: int, seed: int) -> tuple[Path, Path]:
    """Synthetic data and its built store, made once per (clusters, seed): a marker file written after the
    build says the store is complete, so an interrupted build is redone rather than trusted."""
    work = WORK / f"c{clusters}-s{seed}"
    data, store, done = work / "data", work / "store", work / "store.ok"
    if not done.exists():
        work.mkdir(parents=True, exist_ok=True)
        print(f"generating {clusters} clusters (seed {seed}) and building the store …", flush=True)
        started = time.perf_counter()
        ctlkg = str(servers.BIN / "ctlkg")
        _run([ctlkg, "synth", "--clusters", str(clusters), "--seed", str(seed), "--out", str(data)],
             work / "synth.log")
        _run([ctlkg, "build", "--data", str(data), "--out", str(store)], work / "build.log")
        done.write_text(f"{clusters} clusters, seed {seed}\n")
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return work, store


def export(store_dir: Path, work: Path) -> Path:
    """The four default graphs (not the shapes) as N-Quads, each in its own named graph: with
    --union-default-graph Oxigraph then sees what the service answers from by default."""
    target, done = work / "graphs.nq", work / "graphs.nq.ok"
    if done.exists():
        return target
    store = ox.Store.read_only(str(store_dir))
    with target.open("wb") as out:
        for graph in GRAPHS:
            quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)
    del store
    done.write_text("ok\n")
    return target


def oxigraph_disk_store(nquads: Path, work: Path) -> Path:
    """An Oxigraph directory loaded with ``oxigraph load`` once per data set and Oxigraph version, then
    compacted with ``oxigraph optimize`` as `ctlkg build` compacts its own store: freshly loaded RocksDB files
    make some scans slower, which would flatter the service."""
    location, done = work / "oxigraph-disk", work / "oxigraph-disk.ok"
    version = oxigraph_version() + " optimized"
    if done.exists() and done.read_text().strip() == version:
        return location
    done.unlink(missing_ok=True)
    shutil.rmtree(location, ignore_errors=True)
    print("loading the Oxigraph disk store …", flush=True)
    _run([str(servers.BIN / "oxigraph"), "load", "--location", str(location), "--file", str(nquads)],
         work / "oxigraph-load.log")
    _run([str(servers.BIN / "oxigraph"), "optimize", "--location", str(location)],
         work / "oxigraph-optimize.log")
    done.write_text(version + "\n")
    return location


def ctlkg_server(store_dir: Path, log: Path, *, in_memory: bool) -> AbstractContextManager[servers.Server]:
    """`ctlkg serve` on the built store, keeping no answers (every request is computed)."""
    port = servers.free_port()
    command = [str(servers.BIN / "ctlkg"), "serve", "--store-dir", str(store_dir),
               "--host", "127.0.0.1", "--port", str(port)]
    if in_memory:
        command.append("--in-memory")
    name = "ctlkg-memory" if in_memory else "ctlkg-disk"
    # Every answer computed, and none cut at the row cap: Oxigraph server sends every row.
    env = {"CTLKG_RESULT_CACHE_BYTES": "0", "CTLKG_MAX_ROWS": "10000000"}
    return servers.running(name, command, "/sparql", port, log, env=env)


def _oxigraph_command(port: int, location: Path | None) -> list[str]:
    command = [str(servers.BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}",
               "--union-default-graph", "--timeout-s", str(int(TIMEOUT))]
    return command + (["--location", str(location)] if location is not None else [])


def oxigraph_disk(location: Path, log: Path) -> AbstractContextManager[servers.Server]:
    port = servers.free_port()
    return servers.running("oxigraph-disk", _oxigraph_command(port, location), "/query", port, log)


@contextmanager
def oxigraph_memory(nquads: Path, log: Path) -> Iterator[servers.Server]:
    """Oxigraph server without --location (in memory), filled by one POST of the N-Quads to /store."""
    port = servers.free_port()
    with servers.running("oxigraph-memory", _oxigraph_command(port, None), "/query", port, log) as server:
        started = time.perf_counter()
        with nquads.open("rb") as body, httpx.Client(trust_env=False, timeout=LOAD_TIMEOUT) as client:
            answer = client.post(server.base + "/store", content=body, headers={"Content-Type": NQUADS})
        if answer.status_code >= 300:
            raise RuntimeError(f"loading the in-memory Oxigraph server: HTTP {answer.status_code} "
                               f"{answer.text[:500]}")
        server.startup += time.perf_counter() - started
        yield server


def _size(query: Query, answer: httpx.Response) -> int | bool:
    """Rows, triples or the boolean: what must agree between the systems."""
    if query.form == "ASK":
        return bool(answer.json()["boolean"])
    if query.form == "SELECT":
        return len(answer.json()["results"]["bindings"])
    return sum(1 for line in answer.text.splitlines() if line.strip() and not line.startswith("#"))


class Asker:
    """One query against one server: the answer it must give, and each timed request."""

    def __init__(self, client: httpx.Client, url: str, query: Query) -> None:
        accept = NTRIPLES if query.form in ("CONSTRUCT", "DESCRIBE") else JSON
        self.client, self.url, self.query = client, url, query
        self.headers = {"Accept": accept, "Cache-Control": "no-cache"}
        self.result = Measured()

    def _ask(self) -> httpx.Response:
        answer = self.client.get(self.url, params={"query": self.query.sparql}, headers=self.headers)
        answer.raise_for_status()
        return answer

    def warm_up(self) -> None:
        """The first request: what the answer is, and whether it was cut or kept."""
        answer = self._guarded(self._ask)
        if answer is None:
            return
        self.result.size = _size(self.query, answer)
        notes = []
        if "x-result-truncated" in answer.headers:
            notes.append("truncated " + answer.headers["x-result-truncated"])
        if answer.headers.get("x-cache") == "hit":
            notes.append("served a kept answer")
        self.result.note = "; ".join(notes) or None

    def time_one(self) -> None:
        if self.result.error is not None:
            return  # the first failure ends the query for this system
        started = time.perf_counter()
        if self._guarded(self._ask) is not None:
            self.result.samples_ms.append((time.perf_counter() - started) * 1000)

    def _guarded(self, ask: Callable[[], httpx.Response]) -> httpx.Response | None:
        try:
            return ask()
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            detail = exc.response.text[:200] if isinstance(exc, httpx.HTTPStatusError) else ""
            self.result.error = f"{type(exc).__name__}: {exc} {detail}".strip()
            return None


def systems(store_dir: Path, work: Path) -> list[System]:
    """The four systems, each with what starts it, or why it is left out."""
    found = [
        System("ctlkg-disk", "ctlkg disk", "ctlkg", "disk",
               lambda: ctlkg_server(store_dir, work / "ctlkg-disk.log", in_memory=False)),
        System("ctlkg-memory", "ctlkg memory", "ctlkg", "memory",
               lambda: ctlkg_server(store_dir, work / "ctlkg-memory.log", in_memory=True)),
        System("oxigraph-disk", "Oxigraph disk", "oxigraph", "disk", None),
        System("oxigraph-memory", "Oxigraph memory", "oxigraph", "memory", None),
    ]
    if "--in-memory" not in _help([str(servers.BIN / "ctlkg"), "serve"]):
        found[1].start, found[1].skipped = None, "`ctlkg serve --help` lists no --in-memory flag (yet)"
    nquads = export(store_dir, work)
    location = oxigraph_disk_store(nquads, work)
    found[2].start = lambda: oxigraph_disk(location, work / "oxigraph-disk.log")
    if "in-memory" in _help([str(servers.BIN / "oxigraph"), "serve"]):
        found[3].start = lambda: oxigraph_memory(nquads, work / "oxigraph-memory.log")
    else:
        found[3].skipped = "`oxigraph serve --help` mentions no in-memory mode"
    return found


def run(found: list[System], reps: int) -> None:
    """Every system started, then each query asked of each system in turn, rep after rep: a burst of load
    on this shared machine then falls on every system alike instead of on whichever ran at that moment.
    An idle server costs the one being asked almost nothing (the service's threads sleep when no query
    runs)."""
    with httpx.Client(timeout=TIMEOUT, trust_env=False) as client, ExitStack() as running:
        live: list[tuple[System, servers.Server]] = []
        for system in found:
            if system.start is None:
                print(f"-- {system.label}: skipped ({system.skipped})", flush=True)
                continue
            try:
                server = running.enter_context(system.start())
            except RuntimeError as exc:  # did not start (see its log); the others are still worth measuring
                system.skipped, system.results = f"failed: {exc} (logs in {WORK})", {}
                print(f"-- {system.label}: {system.skipped}", flush=True)
                continue
            system.startup_s = server.startup
            live.append((system, server))
            print(f"-- {system.label}: ready in {server.startup:.1f} s", flush=True)
        for query in QUERIES:
            askers = [(system, Asker(client, server.url, query)) for system, server in live]
            for _, asker in askers:
                asker.warm_up()
            for rep in range(reps):
                turn = rep % len(askers) if askers else 0
                for _, asker in askers[turn:] + askers[:turn]:  # who goes first rotates
                    asker.time_one()
            for system, asker in askers:
                system.results[query.name] = asker.result
            shown = "  ".join(f"{system.key} {asker.result.error or f'{asker.result.median:.2f}'}"
                              for system, asker in askers)
            print(f"   {query.name:26} {shown}", flush=True)
        askers = [(system, Asker(client, server.url, EMPTY_ASK)) for system, server in live]
        for _, asker in askers:
            asker.warm_up()
        for rep in range(REQUEST_REPS):
            turn = rep % len(askers) if askers else 0
            for _, asker in askers[turn:] + askers[:turn]:
                asker.time_one()
        for system, asker in askers:
            system.request = asker.result
        print("   " + "  ".join(f"{s.key} ASK {{}} {s.request.median:.3f}" for s, _ in askers), flush=True)
        for system, server in live:
            system.rss_mb = server.rss_mb()


def _pairs(found: list[System]) -> list[tuple[System, System]]:
    """Each ctlkg system with the Oxigraph system on the same storage, both measured."""
    by_key = {s.key: s for s in found if s.results}
    return [
        (by_key[f"ctlkg-{storage}"], by_key[f"oxigraph-{storage}"])
        for storage in ("disk", "memory")
        if f"ctlkg-{storage}" in by_key and f"oxigraph-{storage}" in by_key
    ]


def _mismatch(query: Query, found: list[System]) -> str:
    """Empty when every measured system gave the same size of answer; otherwise who said what."""
    sizes = {s.label: s.results[query.name] for s in found if s.results}
    values = {m.size for m in sizes.values() if m.error is None}
    problems = [f"{label}: {m.error.split(':')[0]}" for label, m in sizes.items() if m.error]
    problems += [f"{label}: {m.note}" for label, m in sizes.items() if m.note]
    if len(values) > 1:
        problems.insert(0, ", ".join(f"{label} {m.size}" for label, m in sizes.items() if m.error is None))
    return "; ".join(problems)


def _ms(value: float) -> str:
    return "—" if math.isinf(value) else f"{value:.2f}"


def _size_text(value: int | bool | None) -> str:
    return "—" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def summary(found: list[System]) -> dict[str, Any]:
    """Per pair (disk, memory): the ratio per query, their geometric mean, and ASK's difference in ms."""
    out: dict[str, Any] = {}
    for ours, theirs in _pairs(found):
        ratios = {}
        for query in QUERIES:
            a, b = ours.results[query.name].median, theirs.results[query.name].median
            if math.isfinite(a) and math.isfinite(b) and b > 0:
                ratios[query.name] = a / b
        geomean = math.exp(statistics.fmean(math.log(r) for r in ratios.values())) if ratios else math.nan
        asks = [q.name for q in QUERIES if q.form == "ASK"]
        ask_diff = {n: ours.results[n].median - theirs.results[n].median for n in asks}
        request_ms = ours.request.median - theirs.request.median
        out[ours.storage] = {
            "ctlkg": ours.key, "oxigraph": theirs.key, "ratios": ratios, "geomean": geomean,
            "ask_diff_ms": ask_diff,
            "geomean_met": geomean <= TARGET_RATIO,
            "ask_met": all(abs(d) <= TARGET_ASK_MS for d in ask_diff.values()),
            "request_ms": {"ctlkg": ours.request.median, "oxigraph": theirs.request.median,
                           "added": request_ms},
            "request_met": request_ms <= TARGET_REQUEST_MS,
        }
    return out


def table(found: list[System], summed: dict[str, Any]) -> list[str]:
    """The markdown table (also what is printed), aligned so that it reads in a terminal too."""
    measured = [s for s in found if s.results]
    header = ["query", "kind", "answer"] + [f"{s.label} ms" for s in measured]
    header += [f"ratio {storage}" for storage in summed] + ["mismatch"]
    rows = []
    for query in QUERIES:
        sizes = [s.results[query.name].size for s in measured if s.results[query.name].error is None]
        row = [query.name, query.what, _size_text(sizes[0] if sizes else None)]
        row += [_ms(s.results[query.name].median) for s in measured]
        row += [f"{summed[st]['ratios'][query.name]:.2f}x" if query.name in summed[st]["ratios"] else "—"
                for st in summed]
        rows.append([*row, _mismatch(query, found) or "none"])
    footer = ["**geometric mean**", "", ""] + [""] * len(measured)
    footer += [f"**{summed[st]['geomean']:.2f}x**" for st in summed] + [""]
    rows.append(footer)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    numeric = {i for i in range(2, len(header) - 1)}

    def line(cells: list[str]) -> str:
        padded = (c.rjust(w) if i in numeric else c.ljust(w)
                  for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2)
                          for i, w in enumerate(widths)) + "|"
    return [line(header), rule, *(line(r) for r in rows)]


def verdicts(found: list[System], summed: dict[str, Any]) -> list[str]:
    lines = []
    for storage, s in summed.items():
        mark = "met" if s["geomean_met"] else "NOT met"
        lines.append(f"- {storage}: geometric mean of {s['ctlkg']} / {s['oxigraph']} = {s['geomean']:.2f}x "
                     f"(target ≤ {TARGET_RATIO:.2f}x: {mark})")
        for name, diff in s["ask_diff_ms"].items():
            mark = "met" if abs(diff) <= TARGET_ASK_MS else "NOT met"
            lines.append(f"- {storage}: {name} median difference {diff:+.2f} ms "
                         f"(target within {TARGET_ASK_MS:.0f} ms: {mark})")
        request = s["request_ms"]
        mark = "met" if s["request_met"] else "NOT met"
        lines.append(f"- {storage}: the request path (`ASK {{}}`, median of {REQUEST_REPS}): "
                     f"{request['ctlkg']:.3f} ms against {request['oxigraph']:.3f} ms, "
                     f"{request['added']:+.3f} ms added (target ≤ {TARGET_REQUEST_MS} ms: {mark})")
    for system in found:
        if system.skipped:
            lines.append(f"- {system.label}: not measured — {system.skipped}")
        elif system.results:
            lines.append(f"- {system.label}: ready in {system.startup_s:.2f} s, RSS {system.rss_mb:.0f} MB "
                         "(its whole process tree) after the queries")
    return lines


def report(
    found: list[System], summed: dict[str, Any], args: argparse.Namespace, meta: dict[str, Any]
) -> str:
    """The markdown file: how it was measured, the table, the verdicts and the queries themselves."""
    title = f"# Ad-hoc SPARQL: ctlkg service vs Oxigraph server ({args.clusters} clusters, seed {args.seed})"
    how = (f"Median of {args.reps} timed requests after one warm-up, in ms, over loopback HTTP (the four "
           "servers running side by side, each query asked of each in turn; httpx, one persistent client, "
           "`Cache-Control: no-cache`; the service with `CTLKG_RESULT_CACHE_BYTES=0`). "
           "Oxigraph server serves the same four graphs (ontology, data, inferred, synergies) with "
           "`--union-default-graph` (on disk: `oxigraph load`, then `oxigraph optimize`; in memory: one POST "
           "to /store). *answer* is rows, triples or the boolean; *ratio* is ctlkg / Oxigraph "
           "on the same storage. "
           f"{meta['oxigraph']} server, pyoxigraph {meta['pyoxigraph']}, {meta['nproc']} cores, "
           f"load average {meta['loadavg_start'][0]:.2f} at start, {meta['loadavg_end'][0]:.2f} at end.")
    queries = ["## Queries", "", "Each query but the DESCRIBE starts with these prefixes:", "",
               f"```sparql\n{PREFIXES.strip()}\n```", ""] + [
        f"**{q.name}** ({q.what})\n\n```sparql\n{q.sparql.removeprefix(PREFIXES).strip()}\n```\n"
        for q in QUERIES
    ]
    return "\n".join([title, "", how, "", *table(found, summed), "", *verdicts(found, summed), "", *queries])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clusters", type=int, default=100)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--reps", type=int, default=15, help="timed requests per query and system")
    parser.add_argument("--out", type=Path, default=WORK / "RESULTS-adhoc.md",
                        help="the markdown report; the raw figures go beside it as .json")
    args = parser.parse_args(argv)
    if args.clusters < 1 or args.reps < 1:
        parser.error("--clusters and --reps must be at least 1")
    import pyoxigraph

    meta: dict[str, Any] = {
        "oxigraph": oxigraph_version(), "pyoxigraph": pyoxigraph.__version__, "nproc": os.cpu_count(),
        "python": platform.python_version(), "loadavg_start": os.getloadavg(),
    }
    work, store_dir = prepare(args.clusters, args.seed)
    found = systems(store_dir, work)
    run(found, args.reps)
    meta["loadavg_end"] = os.getloadavg()
    summed = summary(found)
    text = report(found, summed, args, meta)
    print()
    print("\n".join(table(found, summed)))
    print()
    print("\n".join(verdicts(found, summed)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    raw = {
        "args": vars(args) | {"out": str(args.out)},
        "machine": meta,
        "queries": [asdict(q) for q in QUERIES],
        "systems": {
            s.key: {"label": s.label, "skipped": s.skipped, "startup_s": s.startup_s, "rss_mb": s.rss_mb,
                    "request": asdict(s.request) | {"median_ms": s.request.median},
                    "results": {n: asdict(m) | {"median_ms": m.median} for n, m in s.results.items()}}
            for s in found
        },
        "summary": summed,
    }
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")
    print(f"\nwrote {args.out} and {args.out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
