"""Running blocking backend calls off the event loop, under a time limit and a concurrency cap.

On the embedded store the calls wait for the engine's worker pool, which stops a query at its deadline
itself (``ctlkg.engine.pool``); the runner then only adds a grace period. For a remote engine we stop
*waiting* at the deadline and answer; the thread keeps its slot until the HTTP call ends, so runaway
queries cannot pile up: once every slot is held, new queries wait (until their own deadline) for one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from ctlkg.errors import QueryTimeout

T = TypeVar("T")


class Runner:
    """One per app: a thread pool the size of the concurrency cap and a semaphore guarding it."""

    def __init__(
        self, max_concurrent: int, timeout: float, *, overrun: type[QueryTimeout] = QueryTimeout,
        grace: float = 0.0,
    ) -> None:
        self.timeout = timeout
        #: Added to every wait: a backend that enforces its own deadline gets to say why it stopped.
        self.grace = grace
        #: Raised when a query overruns: 503 for our own store, 504 when a remote engine is the slow one.
        self.overrun = overrun
        self._max = max_concurrent
        self._pool = ThreadPoolExecutor(max_workers=max_concurrent, thread_name_prefix="ctlkg-query")
        self._slots: asyncio.Semaphore | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        # Created lazily: a semaphore belongs to the loop that first uses it, which is uvicorn's.
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max)
        return self._slots

    async def run(self, call: Callable[[], T], *, timeout: float | None = None) -> T:
        """Run ``call`` in a worker thread; QueryTimeout when it (or the wait for a slot) overruns."""
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        deadline = time.monotonic() + limit + self.grace
        slots = self._semaphore()
        try:
            await asyncio.wait_for(slots.acquire(), timeout=limit)
        except TimeoutError as exc:
            raise QueryTimeout("the server is busy with other queries; try again later") from exc
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, call)
        future.add_done_callback(lambda done: _release(slots, done))
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout=max(deadline - time.monotonic(), 0))
        except TimeoutError as exc:
            raise self.overrun(f"the query ran past its time limit of {limit:g} s") from exc

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _release(slots: asyncio.Semaphore, done: asyncio.Future[Any]) -> None:
    slots.release()
    if not done.cancelled():
        done.exception()  # retrieved, so an abandoned query's error is not reported as "never retrieved"
