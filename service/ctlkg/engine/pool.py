"""The pool of fenced query workers: a slot per worker, a deadline per call, a memory ceiling per worker and
for the whole process tree, and a lane for long queries so that they cannot hold every slot.

A call that passes its deadline, its worker's ceiling or the tree's budget ends its worker (SIGKILL: the
evaluation stops at once, no CPU is burned after the answer) and a fresh worker takes the slot. A worker that
crashes (a stack overflow on a hostile text, say) costs only the query it was running.

Fairness: a query still running after ``long_after`` seconds is *long*. At most ``long_slots`` long queries
run at once; one more is stopped with a 503 that says so. The other ``size - long_slots`` workers are
therefore always back within ``long_after`` seconds for short queries (an ASK, a page), whatever else runs.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ctlkg.engine import framing
from ctlkg.engine.process import Worker, launch, own_rss, reap
from ctlkg.errors import (
    BackendError,
    CtlkgError,
    EngineCrashed,
    Forbidden,
    NotAcceptable,
    QueryOutOfMemory,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ServerBusy,
    WriteRefused,
)

log = logging.getLogger("ctlkg.engine")
#: How often the monitor looks at busy workers (memory, long lane).
TICK = 0.02
START_TIMEOUT = 60.0
#: Typed errors a worker may report; anything else becomes a BackendError.
_ERRORS: dict[str, type[CtlkgError]] = {
    cls.__name__: cls
    for cls in (QuerySyntaxError, QueryRefused, Forbidden, NotAcceptable, BackendError, WriteRefused)
}


@dataclass(frozen=True)
class Version:
    """A published state of the data that workers open: an N-Quads file, or a store directory."""

    number: int
    path: str
    kind: str  # "nquads" or "store"
    #: N-Triples of the default graph, loaded into each worker's memory (``--in-memory``); the store itself
    #: stays on disk for the queries that name graphs.
    plain: str | None = None

    def request(self) -> dict[str, Any]:
        return {"op": "open", "path": self.path, "kind": self.kind, "plain": self.plain,
                "version": self.number}


@dataclass(frozen=True)
class Limits:
    """What the pool allows; every figure comes from the settings."""

    size: int = 4
    long_slots: int = 2
    long_after: float = 0.5
    worker_memory: int = 300_000_000
    total_memory: int = 1_000_000_000


class Pool:
    """Workers, their slots and their monitor; ``call`` is blocking and thread-safe."""

    def __init__(self, limits: Limits, *, readable: list[str], allow_network: bool,
                 environment: Mapping[str, str] | None = None) -> None:
        self.limits = limits
        self._readable = readable
        self._allow_network = allow_network
        self._environment = dict(environment or {})
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._starting = 0
        self._version: Version | None = None
        self._closed = False
        self.fence: dict[str, Any] = {}
        self._own_baseline = 0
        self.restarts = 0
        self._monitor = threading.Thread(target=self._watch, name="ctlkg-engine-monitor", daemon=True)

    # -- life cycle -------------------------------------------------------------------------------

    def start(self, version: Version | None) -> None:
        """Publish the first version and start every worker (in parallel; each opens the data at once).
        Without a version the workers hold no data: each request brings its own (the writer's pool)."""
        self._version = version
        self._own_baseline = own_rss()
        processes = [launch(self._environment) for _ in range(self.limits.size)]
        for worker in processes:
            self._handshake(worker)
            self._idle.append(worker)
        self._monitor.start()

    def publish(self, version: Version) -> None:
        """From now on every call sees ``version``: a worker on an older one reopens before answering."""
        with self._cond:
            self._version = version

    def versions(self) -> set[int]:
        """The versions some worker has open (their files must stay)."""
        with self._cond:
            return {worker.version for worker in (*self._idle, *self._busy)}

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._cond.notify_all()
        for worker in workers:
            worker.kill("closed")
            worker.process.wait()

    def _handshake(self, worker: Worker) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        reply, _ = self._exchange(worker, {"readable": self._readable, "allow_network": self._allow_network},
                                  b"", deadline)
        self.fence = reply
        if self._version is not None:
            self._open(worker, self._version, deadline)
        worker.baseline = worker.rss()

    def _open(self, worker: Worker, version: Version, deadline: float) -> None:
        reply, _ = self._exchange(worker, version.request(), b"", deadline)
        if not reply.get("ok"):
            raise BackendError(f"a worker could not open the data: {reply.get('message')}")
        worker.version = version.number
        worker.baseline = worker.rss()

    def _replace(self) -> None:
        """Start a worker in the background to take a dead one's slot."""
        try:
            worker = launch(self._environment)
            self._handshake(worker)
        except (OSError, CtlkgError, framing.WorkerGone, TimeoutError) as exc:
            log.error("could not start a query worker: %s", exc)
            with self._cond:
                self._starting -= 1
                self._cond.notify_all()
            return
        with self._cond:
            self._starting -= 1
            self.restarts += 1
            if self._closed:
                worker.kill("closed")
            else:
                self._idle.append(worker)
            self._cond.notify_all()

    # -- calls ------------------------------------------------------------------------------------

    def _take_idle_locked(self) -> Worker | None:
        """An idle worker, now busy; None when there is none. Call with the lock held."""
        while self._idle:
            worker = self._idle.pop()
            if not worker.ended:
                worker.busy_since, worker.long, worker.killed = time.monotonic(), False, None
                self._busy.add(worker)
                if len(self._busy) == 1:
                    self._cond.notify_all()  # wakes the monitor, which sleeps while nothing runs
                return worker
            worker.process.poll()  # reaps it
            self._respawn_locked()
        return None

    def _acquire(self, deadline: float) -> Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise ServerBusy("the server is shutting down")
                worker = self._take_idle_locked()
                if worker is not None:
                    return worker
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ServerBusy("every query slot stayed busy until this query's time limit; "
                                     "try again later")
                self._cond.wait(remaining)

    def _try_acquire(self) -> Worker | None:
        """A free worker at once, or None (then ``_acquire`` waits for one in a thread)."""
        with self._cond:
            return None if self._closed else self._take_idle_locked()

    def _respawn_locked(self) -> None:
        self._starting += 1
        threading.Thread(target=self._replace, name="ctlkg-engine-spawn", daemon=True).start()

    def _release(self, worker: Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
            worker.busy_since = None
            if worker.killed is None and not worker.ended and not self._closed:
                self._idle.append(worker)
            else:
                worker.kill(worker.killed or "dead")
                worker.process.wait()
                if not self._closed:
                    self._respawn_locked()
            self._cond.notify_all()

    @staticmethod
    def _send(worker: Worker, header: dict[str, Any], body: bytes) -> None:
        assert worker.process.stdin is not None
        try:
            framing.write(worker.process.stdin, header, body)  # type: ignore[arg-type]
        except (BrokenPipeError, ConnectionResetError, ValueError) as exc:
            raise framing.WorkerGone(str(exc)) from exc

    def _exchange(
        self, worker: Worker, header: dict[str, Any], body: bytes, deadline: float
    ) -> tuple[dict[str, Any], bytes]:
        self._send(worker, header, body)
        return framing.read(worker.fd, deadline)

    def call(
        self, header: dict[str, Any], body: bytes = b"", *, timeout: float
    ) -> tuple[dict[str, Any], bytes]:
        """Send one request to a free worker and return its answer; typed errors for every failure."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        try:
            version = self._version
            if version is not None and worker.version != version.number:
                self._open(worker, version, deadline)
            reply, payload = self._exchange(worker, header, body, deadline)
        except TimeoutError as exc:
            raise _overran(worker, timeout) from exc
        except (framing.WorkerGone, OSError, ValueError) as exc:
            reap(worker)
            raise self._failure(worker) from exc
        finally:
            self._release(worker)
        if reply.get("ok"):
            return reply, payload
        raise _typed(reply)

    async def acall(
        self, header: dict[str, Any], body: bytes = b"", *, timeout: float
    ) -> tuple[dict[str, Any], bytes]:
        """``call`` for the event loop: no thread is involved when a worker is free, which is the common
        case, so the round trip costs a pipe write and a wake-up."""
        deadline = time.monotonic() + timeout
        found = self._try_acquire()
        worker = found if found is not None else await asyncio.to_thread(self._acquire, deadline)
        try:
            version = self._version
            if version is not None and worker.version != version.number:
                await asyncio.to_thread(self._open, worker, version, deadline)
            self._send(worker, header, body)
            reply, payload = await framing.aread(worker.fd, max(deadline - time.monotonic(), 0))
        except TimeoutError as exc:
            raise _overran(worker, timeout) from exc
        except asyncio.CancelledError:
            worker.kill("cancelled")  # its answer would be read by the next query otherwise
            raise
        except (framing.WorkerGone, OSError, ValueError) as exc:
            await asyncio.to_thread(reap, worker)
            raise self._failure(worker) from exc
        finally:
            if worker.killed is None and not worker.ended:
                self._release(worker)
            else:
                await asyncio.to_thread(self._release, worker)
        if reply.get("ok"):
            return reply, payload
        raise _typed(reply)

    def _failure(self, worker: Worker) -> CtlkgError:
        limits = self.limits
        if worker.killed == "memory":
            return QueryOutOfMemory(f"the query needed more than the {limits.worker_memory // 1_000_000} MB "
                                    "a query may use beyond the data, and was stopped")
        if worker.killed == "budget":
            return QueryOutOfMemory(f"the queries running together needed more than the service's budget "
                                    f"of {limits.total_memory // 1_000_000} MB beyond its data; this one "
                                    "used the most and was stopped")
        if worker.killed == "long":
            return ServerBusy(f"{limits.long_slots} long queries were already running; this one was stopped "
                              f"after {limits.long_after:g} s; try again later")
        if worker.killed == "closed":
            return ServerBusy("the server is shutting down")
        code = worker.process.returncode
        said = " | ".join(line for line in worker.stderr if line.strip())[-300:]
        if "memory allocation" in said:
            return QueryOutOfMemory("the engine could not allocate the memory this query needs")
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        log.warning("a query worker died (%s): %s", how, said or "no message")
        return EngineCrashed(f"the query engine crashed on this query ({how}); the service goes on, "
                             "and the query was not answered")

    # -- the monitor ------------------------------------------------------------------------------

    def _watch(self) -> None:
        limits = self.limits
        while True:
            with self._cond:
                while not self._busy and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
            # A query is first sampled after one tick: most are answered before, and reading /proc for
            # them would only take the interpreter away from the requests.
            time.sleep(TICK)
            with self._cond:
                now = time.monotonic()
                busy = [worker for worker in self._busy
                        if worker.busy_since is not None and now - worker.busy_since >= TICK]
                idle = list(self._idle)
            if not busy:
                continue
            sizes = {worker: worker.rss() for worker in busy}
            for worker, rss in sizes.items():
                if rss - worker.baseline > limits.worker_memory:
                    worker.kill("memory")
            added = {worker: max(rss - worker.baseline, 0) for worker, rss in sizes.items()}
            total = (max(own_rss() - self._own_baseline, 0) + sum(added.values())
                     + sum(max(worker.rss() - worker.baseline, 0) for worker in idle))
            if total > limits.total_memory and added:
                max(added, key=added.__getitem__).kill("budget")
            running_long = sum(1 for worker in busy if worker.long)
            for worker in sorted(busy, key=lambda w: w.busy_since or now):
                started = worker.busy_since
                if started is None or worker.long or now - started < limits.long_after:
                    continue
                if running_long < limits.long_slots:
                    worker.long = True
                    running_long += 1
                else:
                    worker.kill("long")


def _overran(worker: Worker, timeout: float) -> QueryTimeout:
    """Stop a worker past its deadline (the evaluation ends with it) and say so."""
    worker.kill("timeout")
    return QueryTimeout(f"the query ran past its time limit of {timeout:g} s and was stopped")


def _typed(reply: dict[str, Any]) -> CtlkgError:
    name, message = str(reply.get("error")), str(reply.get("message", "the query failed"))
    if name == "MemoryError":
        return QueryOutOfMemory(message)
    kind = _ERRORS.get(name, BackendError)
    if kind is WriteRefused:
        report = reply.get("report")
        return WriteRefused(message, report if isinstance(report, dict) else None)
    return kind(message)
