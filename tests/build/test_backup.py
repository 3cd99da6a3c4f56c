"""`ctlkg backup` / `ctlkg restore` round-trip a built store exactly: same quads, same named graphs."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ctlkg.build import backup
from ctlkg.errors import StoreError
from ctlkg.rdf import namespaces
from live_servers import TOKEN, built_store, copy_store, start

__all__ = ["built_store"]
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"

CTLKG = str(Path(sys.executable).with_name("ctlkg"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CTLKG, *args], capture_output=True, text=True, timeout=300, check=False)


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    built, archive, restored = tmp_path / "store", tmp_path / "ctlkg.nq.gz", tmp_path / "restored"
    assert run("build", "--out", str(built)).returncode == 0
    assert run("backup", "--store-dir", str(built), "--out", str(archive)).returncode == 0
    result = run("restore", str(archive), "--store-dir", str(restored))
    assert result.returncode == 0, result.stderr
    original, copy = ox.Store.read_only(str(built)), ox.Store.read_only(str(restored))
    assert set(original) == set(copy)
    assert set(original.named_graphs()) == set(copy.named_graphs())
    assert len(copy) > 5000


def test_restore_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "file").write_text("x", encoding="utf-8")
    missing = run("restore", str(tmp_path / "none.nq.gz"), "--store-dir", str(target))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr


# --- the archive itself: exact quads, every graph, refusals that leave nothing behind ---------------


def small_store(path: Path) -> ox.Store:
    store = ox.Store(str(path))
    g, p = ox.NamedNode("https://example.org/g"), ox.NamedNode("https://example.org/p")
    store.add(ox.Quad(ox.BlankNode("b1"), p, ox.Literal("multi\nline \"quoted\" é", language="it"), g))
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), p, ox.BlankNode("b1"), ox.DefaultGraph()))
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), p,
                      ox.Literal("1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
                      ox.BlankNode("graph")))
    store.add_graph(ox.NamedNode("https://example.org/empty"))
    store.flush()
    return store


def test_blank_nodes_default_graph_and_empty_graphs_come_back(tmp_path: Path) -> None:
    original = small_store(tmp_path / "store")
    quads, graphs = set(original), set(original.named_graphs())
    del original
    summary = backup.backup(tmp_path / "store", tmp_path / "out" / "b.nq.gz")
    assert (summary.quads, summary.graphs) == (3, 3)
    backup.restore(tmp_path / "out" / "b.nq.gz", tmp_path / "restored")
    copy = ox.Store.read_only(str(tmp_path / "restored"))
    assert set(copy) == quads  # the very same blank node labels, not an isomorphic copy
    assert set(copy.named_graphs()) == graphs


def test_damaged_archives_are_refused_and_leave_nothing(tmp_path: Path) -> None:
    small_store(tmp_path / "store")
    good = tmp_path / "good.nq.gz"
    backup.backup(tmp_path / "store", good)
    raw = good.read_bytes()
    text = gzip.decompress(raw).decode()
    damaged = {
        "truncated.nq.gz": raw[: len(raw) // 2],
        "not-gzip.nq.gz": b"plain text",
        "not-ours.nq.gz": gzip.compress(b"<a:b> <a:c> <a:d> .\n"),
        "missing-quad.nq.gz": gzip.compress("\n".join(text.splitlines()[:-1]).encode() + b"\n"),
        "bad-syntax.nq.gz": gzip.compress(text.encode() + b"<unterminated\n"),
    }
    for name, content in damaged.items():
        (tmp_path / name).write_bytes(content)
        target = tmp_path / ("restored-" + name)
        with pytest.raises(StoreError):
            backup.restore(tmp_path / name, target)
        assert not target.exists(), name
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging left


def test_a_store_in_use_is_not_backed_up(tmp_path: Path) -> None:
    held = small_store(tmp_path / "store")  # this process holds the store's lock, as a server would
    with pytest.raises(StoreError, match=r"in use|cannot open"):
        backup.backup(tmp_path / "store", tmp_path / "b.nq.gz")
    assert not (tmp_path / "b.nq.gz").exists()
    del held


def test_a_store_a_server_writes_to_is_backed_up_as_of_the_last_write(
    built_store: Path, tmp_path: Path
) -> None:
    """Online: the server holds the store's lock; the backup reads its newest checkpoint, which holds the
    write the server has just acknowledged, while the server goes on answering."""
    path = copy_store(built_store, tmp_path / "store")
    live = start(tmp_path / "server.log", store_dir=path, env={"CTLKG_WRITE_TOKEN": TOKEN})
    try:
        marker = "written before the backup"
        update = f'INSERT DATA {{ <{namespaces.ID}cluster/afil> <{RDFS_COMMENT}> "{marker}" }}'
        answer = httpx.post(live.update, data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"},
                            timeout=120)
        assert answer.status_code in (200, 204), answer.text
        result = run("backup", "--store-dir", str(path), "--out", str(tmp_path / "online.nq.gz"))
        assert result.returncode == 0, result.stderr
        assert httpx.get(live.sparql, params={"query": "ASK {}"}).status_code == 200
    finally:
        live.stop()
    assert run("restore", str(tmp_path / "online.nq.gz"), "--store-dir", str(tmp_path / "restored")).returncode == 0
    restored, stopped = ox.Store.read_only(str(tmp_path / "restored")), ox.Store.read_only(str(path))
    assert set(restored) == set(stopped), "the backup is the store as the server left it"
    assert any(q.object == ox.Literal(marker) for q in restored)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ctlkg-backup-")] == []
