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


async def aread(fd: int, timeout: float) -> tuple[dict[str, Any], bytes]:
    """``read`` for the event loop: one reader on the pipe and one timer, no thread and no task (a query's
    round trip is a fraction of a millisecond, and ``asyncio.wait_for`` would cost a good part of it).
    TimeoutError when ``timeout`` seconds pass before the whole message is in."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[tuple[dict[str, Any], bytes]] = loop.create_future()
    message = _Message()

    def readable() -> None:
        try:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise WorkerGone("the pipe was closed")
            whole = message.feed(chunk)
        except (WorkerGone, OSError, ValueError) as exc:
            _settle(done, exc)
            return
        if whole is not None:
            _settle(done, whole)

    loop.add_reader(fd, readable)
    timer = loop.call_later(timeout, _settle, done, TimeoutError("no answer before the deadline"))
    try:
        return await done
    finally:
        timer.cancel()
        loop.remove_reader(fd)


class _Message:
    """Bytes in, one message out once all of it has arrived."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.sizes: tuple[int, int] | None = None

    def feed(self, chunk: bytes) -> tuple[dict[str, Any], bytes] | None:
        self.buffer += chunk
        if self.sizes is None:
            if len(self.buffer) < _SIZES.size:
                return None
            self.sizes = _SIZES.unpack_from(self.buffer)
        head, size = self.sizes
        end = _SIZES.size + head + size
        if len(self.buffer) < end:
            return None
        if len(self.buffer) > end:
            raise WorkerGone("the worker sent more than one answer")
        header = json.loads(self.buffer[_SIZES.size:_SIZES.size + head])
        if not isinstance(header, dict):
            raise WorkerGone("a message header is not a JSON object")
        return header, bytes(self.buffer[_SIZES.size + head:])


def _settle(done: asyncio.Future[Any], outcome: Any) -> None:
    if done.done():
        return
    if isinstance(outcome, BaseException):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)
