"""The synergy API at scale: how soon the scores are ready after start-up, and what a page and the whole
download cost once they are (issue 14's targets: a first page within 100 ms, every pair within 100 ms warm).

    python -m benchmarks.synergies_api --clusters 1000 [--seed 3] [--reps 20]

Uses the synthetic store that ``benchmarks.adhoc`` builds (the same folder, built here when missing), starts
``ctlkg serve --store-dir`` on it and prints a markdown table: seconds from launch to the endpoint answering
and to the first page of /api/synergies (the scoring that start-up does), then medians over ``--reps`` warm
requests of the first page, one cluster's page, a tenth page, and the whole download gzipped as it is kept
(and unzipped for a client that does not take gzip), with the service's resident memory after.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx

from benchmarks import adhoc, servers


def _timed(client: httpx.Client, url: str, **headers: str) -> tuple[float, int]:
    started = time.perf_counter()
    with client.stream("GET", url, headers=headers) as answer:
        size = sum(len(chunk) for chunk in answer.iter_raw())
        answer.raise_for_status()
    return (time.perf_counter() - started) * 1000, size


def measure(store: Path, work: Path, reps: int) -> list[str]:
    rows = ["| what | ms (median) | bytes sent |", "| --- | ---: | ---: |"]
    launched = time.perf_counter()
    with servers.service(store, work / "synergies-api.log") as server, httpx.Client(timeout=900) as client:
        first, size = _timed(client, server.base + "/api/synergies")
        ready = time.perf_counter() - launched
        rows.insert(0, f"Endpoint up after {server.startup:.1f} s; first page of /api/synergies after "
                       f"{ready:.1f} s from launch ({first:.0f} ms for that request, {size:,} bytes).\n")
        listing = client.get(server.base + "/api/synergies").json()
        cluster = listing["synergies"][0]["clusters"][0]["slug"]
        tenth = client.get(server.base + "/api/synergies", params={"limit": 100}).json()
        for _ in range(8):
            tenth = client.get(server.base + tenth["next"]).json() if tenth["next"] else tenth
        cases = [
            ("first page (100 pairs)", "/api/synergies", {}),
            ("one cluster's page", f"/api/synergies/{cluster}", {}),
            ("tenth page", tenth["next"] or "/api/synergies", {}),
            ("every pair, gzip", "/api/synergies/all.json", {"Accept-Encoding": "gzip"}),
            ("every pair, no gzip", "/api/synergies/all.json", {"Accept-Encoding": "identity"}),
        ]
        for name, path, headers in cases:
            _timed(client, server.base + path, **headers)  # rendered and kept
            timings = [_timed(client, server.base + path, **headers) for _ in range(reps)]
            ms = statistics.median(t for t, _ in timings)
            rows.append(f"| {name} | {ms:.1f} | {timings[0][1]:,} |")
        rows.append(f"\nService RSS after (with its query workers): {server.rss_mb():.0f} MB; "
                    f"{listing['count']:,} pairs.")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    work, store = adhoc.prepare(args.clusters, args.seed)
    print("\n".join(measure(store, work, args.reps)))


if __name__ == "__main__":
    main()
