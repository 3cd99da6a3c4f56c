"""The web service: `create_app(settings)` assembles the routers, middleware and error mapping around
one backend; `serve(settings)` runs it under uvicorn. No app or store exists at import time.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from ctlkg.build import oxigraph as fastbuild
from ctlkg.build import store
from ctlkg.config import Settings
from ctlkg.engine import allocator, checkpoint
from ctlkg.engine.fenced import FencedBackend
from ctlkg.engine.pool import Limits as PoolLimits
from ctlkg.engine.pool import Pool
from ctlkg.errors import ConfigError, CtlkgError, QueryTimeout, UpstreamTimeout
from ctlkg.sparql import replicas
from ctlkg.sparql.backend import Backend, default_graph_update, has_default_graph
from ctlkg.sparql.data_version import DataVersion
from ctlkg.sparql.remote import RemoteBackend
from ctlkg.sparql.result_cache import ResultCache
from ctlkg.sparql.runner import Runner
from ctlkg.sparql.search import Search
from ctlkg.web import errors as http_errors
from ctlkg.web import openapi, port_check
from ctlkg.web.api import dumps, editor, graph_store, search, sparql_update, void
from ctlkg.web.api import named_queries as api_queries
from ctlkg.web.api import sparql_query as sparql_protocol
from ctlkg.web.api import synergies as api_synergies
from ctlkg.web.html import (
    assets,
    dumps_page,
    error_page,
    examples,
    linked_data,
    pages,
    search_page,
    void_page,
)
from ctlkg.web.http_protocol import JsonErrorsProtocol
from ctlkg.web.middleware import AccessLog, BodyLimit, Compression, HeadAsGet, SecurityHeaders, Utf8Query

log = logging.getLogger(__name__)
#: A little longer than the query's own limit: the pool stops the query at its deadline and says why.
GRACE = 2.0


def pool_limits(settings: Settings) -> PoolLimits:
    size = settings.max_concurrent_queries
    return PoolLimits(
        size=size,
        long_slots=max(1, min(settings.max_long_queries, size - 1)),
        long_after=settings.long_query_seconds,
        worker_memory=settings.worker_memory_bytes,
        total_memory=settings.memory_budget_bytes,
    )


def _fenced(settings: Settings) -> FencedBackend:
    """The master store in this process, its versions for the workers, and the workers."""
    writable = settings.store_dir is None or settings.write_token is not None
    if settings.store_dir is None:
        # Not validated here: `ctlkg validate`, `ctlkg build` and CI are the gates, and start-up stays quick.
        log.info("compiling the shipped data (parse, reason, synergies) into an in-memory store")
        master, _report, _timings = fastbuild.compile_store(check=False)
        master.update(default_graph_update())
        checkpoints = checkpoint.Checkpoints(master, store_dir=None, in_memory=True)
        version = checkpoints.publish()
    else:
        # Without a token nobody writes: the workers open the built store itself, read-only, beside this
        # process. With one, they open backups of it (see engine.checkpoint).
        master = store.open_store(settings.store_dir, read_only=not writable)
        if writable and not has_default_graph(master):
            master.update(default_graph_update())
        checkpoints = checkpoint.Checkpoints(master, store_dir=Path(settings.store_dir).absolute(),
                                             in_memory=settings.in_memory, writable=writable)
        version = checkpoints.publish()
    readable = [str(checkpoints.root), version.path]
    allow_network = bool(settings.service_allowlist)
    if allow_network:
        log.warning("SERVICE allow-list set: query workers keep their network (only the lexer refuses "
                    "other endpoints)")
    pool = Pool(pool_limits(settings), readable=readable, allow_network=allow_network,
                environment=allocator.environment(settings.worker_allocator))
    pool.start(version)
    log.info("%d query workers up (malloc: %s; network fenced: %s, files fenced: %s%s)",
             settings.max_concurrent_queries, pool.fence.get("allocator"),
             pool.fence.get("network_fenced"), pool.fence.get("files_fenced"),
             f"; {pool.fence['detail']}" if pool.fence.get("detail") else "")
    return FencedBackend(master, pool, checkpoints, timeout=settings.query_timeout, writable=writable)


def open_backend(settings: Settings) -> Backend:
    """The store the settings name: a remote endpoint, a built directory, or the shipped data compiled now."""
    if settings.endpoint is not None:
        if settings.write_token is not None and settings.update_endpoint is None:
            raise ConfigError("a write token on a remote backend needs --update-endpoint")
        return RemoteBackend(settings.endpoint, settings.update_endpoint, timeout=settings.query_timeout)
    return _fenced(settings)


def writer_pool(settings: Settings) -> Pool:
    """One fenced worker that tries every write's text (for any backend): writes never need the network."""
    limits = PoolLimits(size=1, long_slots=1, long_after=math.inf,
                        worker_memory=2 * settings.worker_memory_bytes,  # a write validates all the data
                        total_memory=settings.memory_budget_bytes)
    pool = Pool(limits, readable=[], allow_network=False,
                environment=allocator.environment(settings.worker_allocator))
    pool.start(None)
    return pool


def _warm(synergies: api_synergies.SynergyCache, finder: Search) -> None:
    try:
        synergies.get()
        finder.index()  # the search index, built before the first search rather than in it
    except (CtlkgError, OSError) as exc:  # the first request will meet the same error and report it
        log.warning("synergies or search index not made at start-up: %s", exc)
    examples.load("en")  # the query page's named queries: a second of rdflib parsing, done once here


def urls(settings: Settings) -> dict[str, str]:
    """Where a person finds the service once it is up."""
    base = settings.base_url or f"http://{settings.host}:{settings.port}/"
    base = base if base.endswith("/") else base + "/"
    return {"home page": base, "query page": base + "query", "SPARQL endpoint": base + "sparql"}


def create_app(settings: Settings, backend: Backend | None = None) -> FastAPI:
    """The whole service around ``backend`` (opened from the settings when not given)."""
    backend = backend if backend is not None else open_backend(settings)
    overrun = UpstreamTimeout if isinstance(backend, RemoteBackend) else QueryTimeout
    if isinstance(backend, FencedBackend):
        # The pool holds the slots, the lanes and the deadlines; threads here only wait for it.
        runner = Runner(4 * settings.max_concurrent_queries, settings.query_timeout, grace=GRACE)
    else:
        runner = Runner(settings.max_concurrent_queries, settings.query_timeout, overrun=overrun)
    writes_pool = writer_pool(settings)
    # Every cache of answers computed from the data empties itself when a write moves this version.
    version = DataVersion()
    cache = dumps.DumpCache(backend, version)
    synergies = api_synergies.SynergyCache(backend, version)
    finder = Search(backend, version)

    # A remote engine may be written to by others: what it answered cannot be kept.
    answers = ResultCache(0 if isinstance(backend, RemoteBackend) else settings.result_cache_bytes, version)
    written = version.bump
    # Other services on the same engine write too: their writes move this version within a second.
    watch = None
    if isinstance(backend, RemoteBackend):
        remote = backend
        watch = replicas.StampWatch(remote.stamp, version, own=lambda: remote.written_stamp)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for name, url in urls(settings).items():
            log.info("%-16s %s", name, url)
        # Score the materialised synergies, index the texts and parse the named queries now, beside the
        # first requests rather than in one of them.
        threading.Thread(target=_warm, args=(synergies, finder), name="synergies-warm-up",
                         daemon=True).start()
        if watch is not None:
            watch.start()
        yield
        if watch is not None:
            watch.stop()
        runner.close()
        writes_pool.close()
        with suppress(OSError):
            backend.close()

    app = FastAPI(
        title="ctlkg",
        summary="Open knowledge graph of the Cluster Tecnologici Lombardi: SPARQL, linked data, dumps.",
        lifespan=lifespan,
        # Not FastAPI's Swagger UI or ReDoc, which load scripts from a CDN and inline: /docs is our page
        # (pages.py), with Swagger UI bundled from npm.
        docs_url=None,
        redoc_url=None,
        # No OpenTelemetry: nothing leaves the server, and asking whether it is on costs every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.backend = backend
    app.include_router(sparql_protocol.router(settings, backend, runner, answers))
    writer = sparql_update.Updates(settings, backend, written, writes_pool)
    app.include_router(sparql_update.router(writer))
    app.include_router(graph_store.router(settings, backend, runner, writer))
    app.include_router(dumps.router(settings, cache, page=dumps_page.render))
    app.include_router(void.router(settings, backend, runner, page=void_page.render))
    app.include_router(linked_data.router(settings, backend))
    app.include_router(pages.router(settings, backend))
    app.mount("/static", assets.Static(), name="static")
    app.include_router(api_synergies.router(settings, backend, synergies))
    app.include_router(api_queries.router(settings, backend, runner, answers=answers))
    app.include_router(search.router(finder))
    app.include_router(search_page.router(finder))
    app.include_router(editor.router(backend, version, writes_pool))
    http_errors.install(app, page=error_page.render)
    openapi.document(app)
    # Innermost, around the routes: a HEAD is routed as its GET, and a query string that is not UTF-8 is
    # refused before any route reads it.
    app.add_middleware(HeadAsGet)
    app.add_middleware(Utf8Query)
    # Added innermost first: the access log sees every answer, even a 413 sent before any route ran.
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Compression, loopback=settings.compress_loopback)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["Accept", "Content-Type"],
        allow_credentials=False,
        expose_headers=["X-Result-Truncated", "X-Cache"],
        max_age=3600,
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(AccessLog)
    return app


def serve(settings: Settings) -> None:
    """Run the service until interrupted; one log line per request, the URLs when it starts."""
    port_check.ensure_free(settings.host, settings.port)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(settings)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, log_level="info",
                    http=JsonErrorsProtocol)
    except KeyboardInterrupt:
        _leave_abandoned_queries(130)
        raise
    _leave_abandoned_queries(0)


def _leave_abandoned_queries(code: int) -> None:
    """Requests are done and the store is flushed; a query the engine is still working on (answered
    with its 503 long ago) cannot be stopped, and its thread would keep the process alive for as long
    as it runs, hours for a cross join: exit without waiting for it."""
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
