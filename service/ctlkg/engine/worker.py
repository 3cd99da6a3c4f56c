"""A query worker: ``python -m ctlkg.engine.worker``, started and killed by ``ctlkg.engine.pool``.

It fences itself first (``fence.apply``), then answers one request at a time on its pipes: open a data
version, evaluate a query and serialise the answer with Oxigraph's own writers, or run an update's user text
against a scratch copy and return the graphs a validated write would leave. Nothing here trusts the text.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, BinaryIO

from ctlkg import errors
from ctlkg.engine import allocator, evaluate, fence, framing
from ctlkg.sparql import lexer

# ``errors``, ``lexer`` and ``evaluate`` (pyoxigraph) are imported before the fence goes up; a write's modules
# (rdflib and the checks) are read lazily, from the Python installation the fence leaves readable.
_LOADED = (errors, lexer)

#: Oxigraph parses and evaluates recursively: the thread that evaluates gets a deep stack (reserved, not
#: used), so only texts far past the lexer's limits could reach its end, and then only this worker dies.
STACK_BYTES = 512 * 1024 * 1024


def _error(exc: BaseException) -> dict[str, Any]:
    """An exception as a header the parent turns back into the same typed error."""
    if isinstance(exc, MemoryError):
        return {"ok": False, "error": "MemoryError",
                "message": "the query needs more memory than a worker may use"}
    if isinstance(exc, errors.CtlkgError):
        header: dict[str, Any] = {"ok": False, "error": type(exc).__name__, "message": str(exc)}
        if isinstance(exc, errors.WriteRefused):
            header["report"] = exc.report
        return header
    if isinstance(exc, SyntaxError):
        return {"ok": False, "error": "QuerySyntaxError", "message": str(exc)}
    return {"ok": False, "error": "BackendError", "message": f"{type(exc).__name__}: {exc}"}


def _serve(requests: int, answers: BinaryIO) -> None:
    engine = evaluate.Engine()
    while True:
        try:
            header, body = framing.read(requests)
        except framing.WorkerGone:
            return
        try:
            reply, payload = engine.handle(header, body)
        except BaseException as exc:
            reply, payload = _error(exc), b""
        framing.write(answers, reply, payload)


def main() -> None:
    """Keep the pipes to the parent private: stray output (a library's print) goes to stderr instead."""
    requests = os.dup(0)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    header, _ = framing.read(requests)
    readable = [str(path) for path in header.get("readable", [])] + fence.python_paths()
    malloc = allocator.loaded()  # read from /proc before the fence forbids it
    fenced = fence.apply(readable, allow_network=bool(header.get("allow_network")))
    framing.write(answers, {"ok": True, "pid": os.getpid(), "network_fenced": fenced.network,
                            "files_fenced": fenced.files, "detail": fenced.detail, "allocator": malloc})
    threading.stack_size(STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(requests, answers), name="ctlkg-engine")
    thread.start()
    thread.join()
    sys.exit(0)


if __name__ == "__main__":
    main()
