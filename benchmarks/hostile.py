"""`python -m benchmarks.hostile`: the service under the review's hostile queries, measured and printed.

Starts `ctlkg serve` on the shipped data (default limits, a write token) on loopback, and reports:
connections a loopback listener received from every SSRF form; crashes of the server process under the
nesting and operator bombs (sent to a second server whose lexer limits are lifted, so that they reach the
engine); the peak RSS of the whole process tree under six sorted cross joins; the canary ASK's p50/p95 beside
six cross joins; and the CPU the tree spends in the two seconds after a timed-out query's answer. Bounded in
time; loopback only.
"""

from __future__ import annotations

import argparse
import http.server
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchmarks import servers

CTLKG = str(Path(sys.executable).parent / "ctlkg")
TOKEN = "hostile-bench-token"
JSON = {"Accept": "application/sparql-results+json"}
CROSS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORTED_CROSS = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """The server and its workers (and anything they started), from /proc."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as listing:
                    queue += [int(child) for child in listing.read().split()]
        except OSError:
            pass
    return pids


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read()
    except OSError:
        return ""


def tree_rss(pid: int) -> int:
    sizes = (_read(f"/proc/{member}/statm") for member in tree(pid))
    return sum(int(text.split()[1]) * PAGE for text in sizes if text)


def tree_cpu(pid: int) -> float:
    total = 0
    for member in tree(pid):
        stat = _read(f"/proc/{member}/stat")
        if stat:
            fields = stat.rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])
    return total / TICKS


@contextmanager
def serve(log: Path, env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = servers.free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([CTLKG, "serve", "--port", str(port)], stdout=out,
                                   stderr=subprocess.STDOUT, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def post(url: str, text: str, *, timeout: float = 90) -> httpx.Response:
    return httpx.post(url, content=text.encode(), timeout=timeout,
                      headers={"Content-Type": "application/sparql-query", **JSON})


def listener() -> tuple[str, list[str], http.server.ThreadingHTTPServer]:
    calls: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            calls.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_GET = do_POST = _any

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", calls, server


def ssrf(url: str) -> int:
    target, calls, server = listener()
    escaped = "".join(f"\\u{ord(c):04X}" for c in "SERVICE")
    queries = [
        f"SELECT * WHERE {{ BIND((1<'>') AS ?z) SERVICE <{target}/x> {{ ?s ?p ?o }} }} #'",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}/x> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {escaped} <{target}/x> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}/x> AS ?e) SERVICE SILENT ?e {{ ?s ?p ?o }} }}",
    ]
    updates = [
        f"INSERT {{}} WHERE {{ BIND((1<'>') AS ?z) }} ; LOAD SILENT <{target}/x.ttl> #'",
        "".join(f"\\u{ord(c):04X}" for c in "LOAD") + f" SILENT <{target}/x.ttl>",
    ]
    for query in queries:
        post(url + "/sparql", query)
    for update in updates:
        httpx.post(url + "/sparql/update", content=update.encode(), timeout=60,
                   headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    time.sleep(0.5)
    server.shutdown()
    return len(calls)


BOMBS = {
    "20,000 nested groups": "SELECT * WHERE { " + "{" * 20_000 + "}" * 20_000 + "}",
    "100,000 ||": "ASK { FILTER(" + " || ".join(["true"] * 100_000) + ") }",
    "100,000 path steps": "ASK { ?s " + "/".join(["<urn:p>"] * 100_000) + " ?o }",
    "100,000 path alternatives": "ASK { ?s " + "|".join(["<urn:p>"] * 100_000) + " ?o }",
    "20,000 nested CONCAT": "SELECT (" + "CONCAT(" * 20_000 + "'x'" + ")" * 20_000 + " AS ?x) WHERE {}",
}


def in_parallel(url: str, query: str, count: int) -> tuple[list[threading.Thread], list[httpx.Response]]:
    answers: list[httpx.Response] = []
    threads = [threading.Thread(target=lambda: answers.append(post(url + "/sparql", query)))
               for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("build/hostile"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []
    env = {"CTLKG_WRITE_TOKEN": TOKEN, "CTLKG_QUERY_TIMEOUT": "10"}
    with serve(args.work / "server.log", env) as (url, proc):
        rows.append(("connections to a loopback listener (6 SSRF forms)", str(ssrf(url)), "0"))
        baseline = tree_rss(proc.pid)
        threads, answers = in_parallel(url, SORTED_CROSS, 6)
        peak = baseline
        while any(t.is_alive() for t in threads):
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.05)
        reasons = sorted({str(a.json().get("reason")) for a in answers})
        rows.append(("service RSS under six sorted cross joins (MB)",
                     f"{peak / 1e6:.0f} (idle {baseline / 1e6:.0f}; answers 503 {', '.join(reasons)})",
                     "≤ 1,500"))
        threads, answers = in_parallel(url, CROSS_COUNT, 6)
        time.sleep(0.3)
        waits = []
        until = time.monotonic() + 8
        while time.monotonic() < until:
            started = time.monotonic()
            httpx.get(url + "/sparql", params={"query": "ASK { ?s a ?t }"}, headers=JSON, timeout=30)
            waits.append(time.monotonic() - started)
            time.sleep(0.1)
        for thread in threads:
            thread.join()
        waits.sort()
        p95 = waits[int(0.95 * (len(waits) - 1))]
        rows.append(("canary ASK beside six cross joins, p50 / p95 (s)",
                     f"{statistics.median(waits):.3f} / {p95:.3f} ({len(waits)} asks)", "p95 ≤ 2"))
    with serve(args.work / "timeout.log", {"CTLKG_QUERY_TIMEOUT": "1", "CTLKG_RESULT_CACHE_BYTES": "0"}) as (
        url, proc,
    ):
        answer = post(url + "/sparql", CROSS_COUNT)
        time.sleep(1.5)
        spent = tree_cpu(proc.pid)
        time.sleep(2)
        after = tree_cpu(proc.pid) - spent
        rows.append(("CPU in the 2 s after a timed-out answer (s), 1.5 s after it",
                     f"{after:.2f} (answer {answer.status_code} {answer.json().get('reason')})", "≈ 0"))
    lenient = {"CTLKG_MAX_QUERY_TOKENS": "100000000", "CTLKG_MAX_QUERY_DEPTH": "100000000",
               "CTLKG_MAX_REQUEST_BYTES": "20000000", "CTLKG_RESULT_CACHE_BYTES": "0"}
    with serve(args.work / "bombs.log", lenient) as (url, proc):
        outcomes = []
        for name, bomb in BOMBS.items():
            answer = post(url + "/sparql", bomb)
            reason = answer.json().get("reason", "") if answer.status_code >= 400 else ""
            outcomes.append(f"{name}: {answer.status_code} {reason}".strip())
        alive = proc.poll() is None and post(url + "/sparql", "ASK {}").status_code == 200
        rows.append(("server process crashes under 5 bombs (lexer limits lifted)",
                     f"{0 if alive else 1} ({'; '.join(outcomes)})", "0"))
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure':<{width}} | measured | target |\n| {'-' * width} | --- | --- |")
    for name, value, target in rows:
        print(f"| {name:<{width}} | {value} | {target} |")


if __name__ == "__main__":
    main()
