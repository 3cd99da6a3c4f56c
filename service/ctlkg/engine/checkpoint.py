"""Published versions of the master store, for the workers to open.

Opening a RocksDB store read-only while another process writes to it is undefined behaviour, so workers never
open the master itself when it can change: after every write the web process publishes a checkpoint (an
on-disk backup made of hard links, or an N-Quads file for an in-memory master) and workers reopen it before
their next query. A read-only master is its own, only, version.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ctlkg.build.store import VERSIONS_PREFIX, versions_server
from ctlkg.engine.pool import Version

#: Version folders are named for the server's process, so one left by a killed server can be recognised.
PREFIX = VERSIONS_PREFIX


def _remove_orphans(parent: Path) -> None:
    """Remove the version folders of servers that are gone (killed with no chance to clean up)."""
    for folder in parent.glob(PREFIX + "*"):
        server = versions_server(folder)
        if server is not None and not server[1]:
            shutil.rmtree(folder, ignore_errors=True)


class Checkpoints:
    """Where the versions go: beside an on-disk master (hard links need the same file system) or in a
    temporary folder; removed when the service stops."""

    def __init__(
        self, master: ox.Store, *, store_dir: Path | None, in_memory: bool, writable: bool = True
    ) -> None:
        self._master = master
        self._on_disk = store_dir is not None
        self._in_memory = in_memory
        self._writable = writable
        self._store_dir = store_dir
        parent = store_dir.parent if store_dir is not None else Path(tempfile.gettempdir())
        _remove_orphans(parent)
        try:
            self.root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
        except OSError:
            self.root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        self.number = 0

    def publish(self) -> Version:
        """A new version holding the master as it is now. A read-only master on disk is its own version
        (nobody writes to it); only its default graph is copied, when the workers keep it in memory."""
        self.number += 1
        plain = None
        if self._on_disk and self._in_memory:
            plain = self.root / f"v{self.number}.default.nt"
            self._master.dump(str(plain), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        if self._on_disk and not self._writable:
            assert self._store_dir is not None
            return Version(self.number, str(self._store_dir), "store", str(plain) if plain else None)
        if self._on_disk:
            path = self.root / f"v{self.number}"
            self._master.backup(str(path))
            return Version(self.number, str(path), "store", str(plain) if plain else None)
        path = self.root / f"v{self.number}.nq"
        self._master.dump(str(path), format=ox.RdfFormat.N_QUADS)
        return Version(self.number, str(path), "nquads")

    def prune(self, keep: set[int]) -> None:
        """Remove the versions no worker has open any more (a worker holds files of the one it opened)."""
        for path in self.root.iterdir():
            number = int(path.name.removeprefix("v").split(".")[0] or 0)
            if number not in keep and number != self.number:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
