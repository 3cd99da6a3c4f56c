"""Backup and restore of an on-disk store: one gzip N-Quads archive that round-trips every quad exactly.

The archive is plain N-Quads (any RDF tool reads it once gunzipped) with a few comment lines first:

    # ctlkg-backup 1
    # quads 41234
    # graph <https://.../graph/data>

``quads`` lets a restore prove it read the whole archive; the ``graph`` lines name every named graph,
so an empty one (which no quad can carry) comes back too. Blank nodes keep their labels, so the
restored store holds the very same quads, not merely an isomorphic copy.

Both directions are atomic at the file-system level: the archive is written to a temporary file and
renamed into place; a restore fills a temporary directory beside the target and renames it at the end.
A crash half-way leaves nothing that looks finished.

A backup works while a server writes to the store, too. The server holds the store's lock, but after every
write it publishes an immutable checkpoint of it beside the store (``ctlkg.engine.checkpoint``). The backup
hard-links the newest checkpoint's files into a private folder (so the server may prune the checkpoint
meanwhile), opens that copy read-only and writes it out: the store as of the last acknowledged write.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from ctlkg.build.store import VERSIONS_PREFIX, versions_server
from ctlkg.errors import StoreError

MAGIC = "# ctlkg-backup 1"
#: Header lines are short; an archive whose first kilobytes hold no quads line is not ours.
_MAX_HEADER_LINES = 100_000


@dataclass(frozen=True)
class Summary:
    """What a backup wrote or a restore loaded."""

    quads: int
    graphs: int
    path: Path


class _InUse(StoreError):
    """The store's lock is held by another process."""


def _open_store(store_dir: Path) -> ox.Store:
    """The store, opened read-write: RocksDB's lock then keeps a running writer out (and us out of it)."""
    if not store_dir.is_dir():
        raise StoreError(f"{store_dir}: no store directory")
    try:
        return ox.Store(str(store_dir))
    except OSError as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise _InUse(f"{store_dir}: the store is in use by a process that publishes no checkpoint of it "
                         "(stop that process first)") from exc
        raise StoreError(f"{store_dir}: cannot open the store ({message})") from exc


def _checkpoints(store_dir: Path) -> list[Path]:
    """The checkpoints a running server published of ``store_dir``, newest first."""
    found: list[tuple[int, Path]] = []
    for folder in store_dir.absolute().parent.glob(VERSIONS_PREFIX + "*"):
        server = versions_server(folder)
        if server is None or not server[1]:
            continue  # a killed server's leftovers: not the store as it is
        for version in folder.glob("v*"):
            number = version.name.removeprefix("v")
            if version.is_dir() and number.isdigit():
                found.append((int(number), version))
    return [path for _, path in sorted(found, reverse=True)]


def _snapshot(version: Path, into: Path) -> bool:
    """Hard-link a checkpoint's files into ``into``; False when the server pruned it meanwhile."""
    try:
        shutil.copytree(version, into, copy_function=os.link)
    except (shutil.Error, FileNotFoundError):
        shutil.rmtree(into, ignore_errors=True)
        return False
    return True


def _open_live(store_dir: Path, scratch: Path) -> ox.Store:
    """The newest checkpoint of a store a server holds, as a private read-only copy in ``scratch``."""
    for attempt in range(5):
        versions = _checkpoints(store_dir)
        if not versions:
            break
        copy = scratch / f"attempt-{attempt}"
        if _snapshot(versions[0], copy):
            return ox.Store.read_only(str(copy))
    return _open_store(store_dir)  # raises _InUse again, with its message


def _graph_term(text: str) -> ox.NamedNode | ox.BlankNode:
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    raise ValueError(f"not a graph name: {text!r}")


def backup(store_dir: Path, out: Path) -> Summary:
    """Write every quad of the store at ``store_dir`` to the gzip N-Quads archive ``out``; from its newest
    checkpoint when a server is writing to it."""
    try:
        store = _open_store(store_dir)
    except _InUse:
        # Beside the store, since hard links cannot cross file systems.
        with tempfile.TemporaryDirectory(prefix=".ctlkg-backup-", dir=store_dir.absolute().parent) as scratch:
            return _write(_open_live(store_dir, Path(scratch)), out)
    return _write(store, out)


def _write(store: ox.Store, out: Path) -> Summary:
    try:
        graphs = sorted(store.named_graphs(), key=str)
        quads = len(store)
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        try:
            with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
                header = [MAGIC, f"# quads {quads}", *(f"# graph {g}" for g in graphs)]
                packed.write(("\n".join(header) + "\n").encode("utf-8"))
                store.dump(cast(IO[bytes], packed), format=ox.RdfFormat.N_QUADS)
                packed.flush()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StoreError(f"cannot write the backup {out}: {exc}") from exc
    finally:
        del store  # closes the store and releases its lock
    return Summary(quads, len(graphs), out)


@dataclass
class _Header:
    quads: int | None = None
    graphs: tuple[ox.NamedNode | ox.BlankNode, ...] = ()


def _read_header(stream: IO[bytes], archive: Path) -> _Header:
    """The comment lines at the top; the stream is left at the first quad."""
    first = stream.readline().decode("utf-8", errors="replace").rstrip("\n")
    if first != MAGIC:
        raise StoreError(f"{archive}: not a ctlkg backup (it should start with '{MAGIC}')")
    header = _Header()
    graphs: list[ox.NamedNode | ox.BlankNode] = []
    for _ in range(_MAX_HEADER_LINES):
        position = stream.tell()
        line = stream.readline().decode("utf-8").rstrip("\n")
        if line.startswith("# quads "):
            header.quads = int(line.removeprefix("# quads "))
        elif line.startswith("# graph "):
            graphs.append(_graph_term(line.removeprefix("# graph ")))
        else:
            stream.seek(position)
            break
    header.graphs = tuple(graphs)
    if header.quads is None:
        raise StoreError(f"{archive}: the backup has no '# quads' line")
    return header


def _quads(stream: IO[bytes]) -> Iterator[ox.Quad]:
    yield from ox.parse(stream, format=ox.RdfFormat.N_QUADS)


def restore(archive: Path, store_dir: Path) -> Summary:
    """Create the store ``store_dir`` (which must not exist, or be empty) from a backup archive."""
    if store_dir.exists() and (not store_dir.is_dir() or any(store_dir.iterdir())):
        raise StoreError(f"{store_dir}: already exists and is not empty; restore into a new directory")
    if not archive.is_file():
        raise StoreError(f"{archive}: no such backup file")
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.restoring-", dir=store_dir.parent))
    try:
        store = ox.Store(str(staging))
        try:
            with gzip.open(archive, "rb") as packed:
                stream = cast(IO[bytes], packed)
                header = _read_header(stream, archive)
                store.bulk_extend(_quads(stream))
            for graph in header.graphs:
                store.add_graph(graph)
            store.flush()
            count = len(store)
            if count != header.quads:
                raise StoreError(f"{archive}: the archive promises {header.quads} quads but holds {count}")
            graphs = len(list(store.named_graphs()))
            store.optimize()
        finally:
            del store
        if store_dir.exists():
            store_dir.rmdir()  # empty, checked above
        os.replace(staging, store_dir)
    except (OSError, EOFError, ValueError, SyntaxError, UnicodeDecodeError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"{archive}: cannot restore this backup ({exc})") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Summary(count, graphs, store_dir)
