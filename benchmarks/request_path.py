"""What `/sparql` and its middleware cost per request, measured in process: the ASGI app called directly.

    python -m benchmarks.request_path                 # the shipped data compiled at start, 3,000 requests
    python -m benchmarks.request_path --store-dir DIR # a built store

Over HTTP (``benchmarks.adhoc``'s ``ASK {}`` line) a request also pays the HTTP server (uvicorn) and the
client; here only the app is timed, so the figures split into: the engine in process (pyoxigraph, no worker),
the worker round trip (``FencedBackend.aanswer``: pipe, wake-up, the worker's own parse and write), the whole
app (routing, the protocol handler, every middleware, the round trip), and the app with each middleware
left out in turn. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import FastAPI

from ctlkg.config import load_settings
from ctlkg.sparql.backend import Dataset, Limits
from ctlkg.web.app import create_app

QUERY = "ASK {}"
JSON = "application/sparql-results+json"
TARGET_MS = 0.5


def _scope() -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http",
        "path": "/sparql", "raw_path": b"/sparql", "query_string": urlencode({"query": QUERY}).encode(),
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", JSON.encode()),
                    (b"cache-control", b"no-cache")],
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _timed(call: Callable[[], Awaitable[object]], count: int, rounds: int) -> float:
    """Median over ``rounds`` of the mean time per call, in ms, after a warm-up."""
    for _ in range(200):
        await call()
    means = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(count):
            await call()
        means.append((time.perf_counter() - started) / count * 1000)
    return statistics.median(means)


async def measure(app: FastAPI, count: int, rounds: int) -> list[tuple[str, float]]:
    statuses: list[int] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def request() -> None:
        await app(_scope(), _receive, send)

    rows: list[tuple[str, float]] = []
    async with app.router.lifespan_context(app):
        backend = app.state.backend
        media = {"boolean": JSON, "solutions": None, "triples": None}
        limits = Limits(max_rows=10_000, timeout=30)

        async def round_trip() -> None:
            await backend.aanswer(QUERY, dataset=Dataset(), limits=limits, base_iri="http://x/sparql",
                                  media=media)

        store = ox.Store()

        async def in_process() -> None:
            answer = store.query(QUERY)
            assert isinstance(answer, ox.QueryBoolean)
            answer.serialize(format=ox.QueryResultsFormat.JSON)

        rows.append(("the engine in process (pyoxigraph, no worker)",
                     await _timed(in_process, count, rounds)))
        rows.append(("the worker round trip (FencedBackend.aanswer)",
                     await _timed(round_trip, count, rounds)))
        rows.append(("the whole app: /sparql with its middleware", await _timed(request, count, rounds)))
        every = list(app.user_middleware)
        for left_out in every:
            app.user_middleware = [m for m in every if m is not left_out]
            app.middleware_stack = app.build_middleware_stack()
            name = getattr(left_out.cls, "__name__", str(left_out.cls))
            rows.append((f"… without {name}", await _timed(request, count, rounds)))
        app.user_middleware = []
        app.middleware_stack = app.build_middleware_stack()
        rows.append(("… without any of our middleware", await _timed(request, count, rounds)))
    assert set(statuses) == {200}, sorted(set(statuses))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store-dir", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=3000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    env = {"CTLKG_RESULT_CACHE_BYTES": "0"}
    if args.store_dir is not None:
        env["CTLKG_STORE_DIR"] = str(args.store_dir)
    app = create_app(load_settings(env=env))
    rows = asyncio.run(measure(app, args.requests, args.rounds))
    print(f"`{QUERY}`, {args.requests} requests a round, median of {args.rounds} rounds, ms per request\n")
    print("| what | ms |\n| --- | ---: |")
    for name, ms in rows:
        print(f"| {name} | {ms:.3f} |")
    whole = rows[2][1]
    mark = "met" if whole <= TARGET_MS else "NOT met"
    print(f"\n/sparql with its middleware: {whole:.3f} ms a request, the worker round trip included "
          f"(target ≤ {TARGET_MS} ms: {mark}); without the round trip: {whole - rows[1][1]:.3f} ms")


if __name__ == "__main__":
    main()
