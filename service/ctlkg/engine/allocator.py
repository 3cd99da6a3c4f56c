"""Which malloc the query workers run on.

Oxigraph allocates and frees a great many small objects while it evaluates a query; glibc's malloc is slow
at that. Loaded into a worker with ``LD_PRELOAD``, jemalloc (Debian's ``libjemalloc2``) makes the same
queries 10-30 % faster on this machine class (benchmarks/RESULTS.md). It returns freed pages to the system
at once (no decay), so that the pool's memory ceilings keep measuring what a running query holds.

The choice is a setting: ``auto`` (jemalloc when the system has it, glibc's otherwise), ``system``, or the
path of a shared library to preload.
"""

from __future__ import annotations

import ctypes.util
import os
from pathlib import Path

from ctlkg.errors import ConfigError

AUTO, SYSTEM = "auto", "system"
#: Freed memory goes back to the system at once: a worker's resident size then drops when a query ends.
JEMALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"


def environment(choice: str) -> dict[str, str]:
    """What a worker's environment adds for ``choice``: nothing for the system's malloc."""
    if choice == SYSTEM:
        return {}
    if choice == AUTO:
        found = ctypes.util.find_library("jemalloc")  # a soname the dynamic loader finds by itself
        return _preload(found) if found is not None else {}
    if not Path(choice).is_file():
        raise ConfigError(f"worker_allocator: no shared library at {choice!r} (use auto, system or a path)")
    return _preload(str(Path(choice).absolute()))


def _preload(library: str) -> dict[str, str]:
    found = {"LD_PRELOAD": library}
    if "jemalloc" in library:
        found["MALLOC_CONF"] = JEMALLOC_CONF
    return found


def loaded() -> str:
    """The malloc this process runs on, as its memory map shows it: for the start-up log and the tests."""
    try:
        with open(f"/proc/{os.getpid()}/maps", encoding="utf-8", errors="replace") as maps:
            text = maps.read()
    except OSError:
        return "unknown"
    for name in ("jemalloc", "mimalloc", "tcmalloc"):
        if f"lib{name}" in text:
            return name
    return "system"
