"""`ctlkg backup` and `ctlkg restore`: a store directory to one gzip N-Quads archive and back.

``ctlkg.cli.main`` registers both functions as commands; they live here to keep that module short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ctlkg.build import backup as backups

err = Console(stderr=True)


def backup(
    store_dir: Annotated[
        Path, typer.Option("--store-dir", help="The store to back up (a server may be running on it).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="The archive to write (gzip N-Quads, e.g. ctlkg.nq.gz).")
    ],
) -> None:
    """Write every quad and graph of a store to one gzip N-Quads archive (atomically)."""
    summary = backups.backup(store_dir, out)
    err.print(f"Backed up {summary.quads} quads in {summary.graphs} named graphs to {summary.path}")


def restore(
    archive: Annotated[Path, typer.Argument(help="An archive written by `ctlkg backup`.")],
    store_dir: Annotated[Path, typer.Option("--store-dir", help="The store to create (new or empty).")],
) -> None:
    """Create a store from a backup archive: the same quads, graphs and blank nodes as when it was taken."""
    summary = backups.restore(archive, store_dir)
    err.print(f"Restored {summary.quads} quads in {summary.graphs} named graphs into {summary.path}")
