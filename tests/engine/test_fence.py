"""The fence is really up in a worker that opens an in-memory version (an N-Quads *file*): Landlock refuses
directory rights on a regular file, and that EINVAL used to leave every worker of `make serve` without its
file fence (the log said so, no test did)."""

from __future__ import annotations

from pathlib import Path

import landlock
import pytest

from ctlkg.engine.pool import Limits, Pool, Version


def _landlock_here() -> bool:
    try:
        landlock.Ruleset()
    except Exception:  # an old kernel, or Landlock off: the worker then says why, and runs network-fenced
        return False
    return True


def test_a_worker_on_a_file_version_is_fenced(tmp_path: Path) -> None:
    data = tmp_path / "version.nq"
    data.write_text('<urn:s> <urn:p> "o" <urn:g> .\n', encoding="utf-8")
    pool = Pool(Limits(size=1, long_slots=1), readable=[str(tmp_path), str(data)], allow_network=False)
    pool.start(Version(number=1, path=str(data), kind="nquads"))
    try:
        assert pool.fence["network_fenced"] is True
        if not _landlock_here():
            pytest.skip("this kernel has no Landlock")
        assert pool.fence["files_fenced"] is True, pool.fence.get("detail")
        _, body = pool.call({"op": "query", "query": "ASK { GRAPH ?g { ?s ?p ?o } }",
                             "media": {"boolean": "application/sparql-results+json"}, "max_rows": 10},
                            timeout=30)
        assert b"true" in body
    finally:
        pool.close()
