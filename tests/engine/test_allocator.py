"""The query workers' malloc: jemalloc preloaded when the system has it (``make test`` installs Debian's
libjemalloc2), glibc's when asked, and a clear error for a library that is not there. Real worker processes:
each reports the allocator its own memory map shows, and answers a query on it."""

from __future__ import annotations

import ctypes.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from ctlkg.engine import allocator
from ctlkg.engine.pool import Limits, Pool, Version
from ctlkg.errors import ConfigError

JSON = "application/sparql-results+json"
HAS_JEMALLOC = ctypes.util.find_library("jemalloc") is not None


def _pool(tmp_path: Path, choice: str) -> Iterator[Pool]:
    data = tmp_path / "data.nq"
    data.write_text("<urn:s> <urn:p> \"o\" <urn:g> .\n", encoding="utf-8")
    pool = Pool(Limits(size=1, long_slots=1), readable=[str(tmp_path)], allow_network=False,
                environment=allocator.environment(choice))
    pool.start(Version(number=1, path=str(data), kind="nquads"))
    try:
        yield pool
    finally:
        pool.close()


def _count(pool: Pool) -> bytes:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    _, body = pool.call({"op": "query", "query": query, "media": {"solutions": JSON}, "max_rows": 10},
                        timeout=30)
    return body


@pytest.mark.skipif(not HAS_JEMALLOC, reason="libjemalloc2 is not installed (make test installs it)")
def test_auto_preloads_jemalloc_into_the_workers(tmp_path: Path) -> None:
    for pool in _pool(tmp_path, allocator.AUTO):
        assert pool.fence["allocator"] == "jemalloc"
        assert b'"value":"1"' in _count(pool)


def test_system_keeps_glibc_malloc(tmp_path: Path) -> None:
    assert allocator.environment(allocator.SYSTEM) == {}
    for pool in _pool(tmp_path, allocator.SYSTEM):
        assert pool.fence["allocator"] == "system"
        assert b'"value":"1"' in _count(pool)


def test_a_library_that_is_not_there_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no shared library"):
        allocator.environment(str(tmp_path / "libnothing.so"))


def _resident(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * 4096


@pytest.mark.skipif(not HAS_JEMALLOC, reason="libjemalloc2 is not installed (make test installs it)")
def test_jemalloc_gives_a_finished_querys_memory_back(tmp_path: Path) -> None:
    """The pool's ceilings read resident memory: a finished query's pages must not linger in its worker."""
    data = tmp_path / "data.nq"
    data.write_text("".join(f"<urn:s{i}> <urn:p> \"{i}\" <urn:g> .\n" for i in range(1000)), encoding="utf-8")
    pool = Pool(Limits(size=1, long_slots=1), readable=[str(tmp_path)], allow_network=False,
                environment=allocator.environment(allocator.AUTO))
    pool.start(Version(number=1, path=str(data), kind="nquads"))
    try:
        pid = int(pool.fence["pid"])
        before = _resident(pid)
        heavy = ("SELECT (COUNT(DISTINCT CONCAT(?x, \"-\", ?y)) AS ?n) "
                 "WHERE { GRAPH ?g { ?a ?p ?x . ?b ?q ?y } }")  # 1 M distinct strings held at once
        _, body = pool.call({"op": "query", "query": heavy, "media": {"solutions": JSON}, "max_rows": 10},
                            timeout=60)
        assert b'"value":"1000000"' in body
        assert _resident(pid) - before < 8_000_000  # ~200 MB at its peak; glibc keeps ~30 MB, jemalloc's default decay ~16 MB
    finally:
        pool.close()
