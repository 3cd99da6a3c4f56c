"""The runner: a time limit that answers on time even when the work cannot be stopped, and a cap on
how many queries run at once, held by an overrunning query until it really ends.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from ctlkg.errors import QueryTimeout, UpstreamTimeout
from ctlkg.sparql.runner import Runner


def test_answers_and_times_out() -> None:
    async def main() -> None:
        runner = Runner(2, timeout=5)
        assert await runner.run(lambda: 42) == 42
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"time limit of 0\.1 s"):
            await runner.run(lambda: time.sleep(1), timeout=0.1)
        assert time.monotonic() - started < 0.5
        with pytest.raises(ValueError):
            await runner.run(lambda: int("x"))
        runner.close()

    asyncio.run(main())


def test_client_timeout_cannot_exceed_the_servers() -> None:
    async def main() -> None:
        runner = Runner(1, timeout=0.1)
        with pytest.raises(QueryTimeout):
            await runner.run(lambda: time.sleep(0.5), timeout=60)
        runner.close()

    asyncio.run(main())


def test_an_overrunning_query_keeps_its_slot_until_it_ends() -> None:
    release = threading.Event()

    async def main() -> None:
        runner = Runner(1, timeout=5, overrun=UpstreamTimeout)
        with pytest.raises(UpstreamTimeout):
            await runner.run(release.wait, timeout=0.1)
        with pytest.raises(QueryTimeout, match="busy"):
            await runner.run(lambda: 1, timeout=0.2)  # the only slot is still taken
        release.set()
        await asyncio.sleep(0.1)
        assert await runner.run(lambda: 2, timeout=1) == 2
        runner.close()

    asyncio.run(main())
