"""Messages between the web process and a worker: a JSON header and a byte body, each length-prefixed.

JSON rather than pickle: a worker evaluates hostile text, so nothing it sends may run code in the parent.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import struct
import time
from typing import Any, BinaryIO

_SIZES = struct.Struct(">II")


class WorkerGone(Exception):
    """The other end closed its pipe (the worker died, or the parent went away)."""


def write(stream: BinaryIO, header: dict[str, Any], body: bytes = b"") -> None:
    """Send one message and flush it."""
    encoded = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    stream.write(_SIZES.pack(len(encoded), len(body)) + encoded)
    if body:
        stream.write(body)
    stream.flush()


def _exactly(fd: int, count: int, deadline: float | None) -> bytes:
    parts: list[bytes] = []
    while count:
        if deadline is not None:
            ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                raise TimeoutError("no answer before the deadline")
        chunk = os.read(fd, min(count, 1 << 20))
        if not chunk:
            raise WorkerGone("the pipe was closed")
        parts.append(chunk)
        count -= len(chunk)
    return b"".join(parts)


def read(fd: int, deadline: float | None = None) -> tuple[dict[str, Any], bytes]:
    """Receive one message from a raw file descriptor; TimeoutError when ``deadline`` (monotonic) passes
    first, so a worker that stalls half-way through an answer cannot hold the reader either."""
    head, size = _SIZES.unpack(_exactly(fd, _SIZES.size, deadline))
    header = json.loads(_exactly(fd, head, deadline))
    if not isinstance(header, dict):
        raise WorkerGone("a message header is not a JSON object")
    return header, _exactly(fd, size, deadline) if size else b""


async def aread(fd: int) -> tuple[dict[str, Any], bytes]:
    """``read`` for the event loop: waits for the pipe without a thread (the caller bounds it in time)."""
    loop = asyncio.get_running_loop()
    buffer = bytearray()

    async def exactly(count: int) -> bytes:
        while len(buffer) < count:
            ready: asyncio.Future[None] = loop.create_future()
            loop.add_reader(fd, _wake, ready)
            try:
                await ready
            finally:
                loop.remove_reader(fd)
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise WorkerGone("the pipe was closed")
            buffer.extend(chunk)
        taken = bytes(buffer[:count])
        del buffer[:count]
        return taken

    head, size = _SIZES.unpack(await exactly(_SIZES.size))
    header = json.loads(await exactly(head))
    if not isinstance(header, dict):
        raise WorkerGone("a message header is not a JSON object")
    body = await exactly(size) if size else b""
    if buffer:
        raise WorkerGone("the worker sent more than one answer")
    return header, body


def _wake(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)
