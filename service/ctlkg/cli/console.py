"""The command line's consoles: answers on stdout (tables with IRIs shortened by ``ctlkg.rdf.links.curie``),
progress and counts on stderr; and the store a command reads, built or compiled from the data."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

from ctlkg.build import oxigraph as production
from ctlkg.build import store
from ctlkg.rdf import links

#: The command line's two consoles: answers on stdout (wide when piped, so that no cell is cut), the rest
#: on stderr.
out = Console(width=None if sys.stdout.isatty() else 240)
err = Console(stderr=True)


def shown(term: object) -> str:
    """A term as a cell: a CURIE for an IRI, the text of a literal, nothing for an unbound variable."""
    if isinstance(term, ox.NamedNode):
        return links.curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return "" if term is None else str(term)


def print_table(result: ox.QuerySolutions) -> None:
    """Every solution as a row; the count of rows goes to stderr, so stdout stays the table."""
    names = [v.value for v in result.variables]
    table = Table(*names)
    rows = 0
    for solution in result:
        table.add_row(*[shown(solution[n]) for n in names])
        rows += 1
    out.print(table)
    err.print(f"{rows} rows")


def progress(name: str) -> None:
    """One dim line per stage of a long command."""
    err.print(f"[dim]… {name}[/dim]")


def open_store(store_dir: Path | None, data: list[Path] | None, *, synergies: bool = True) -> ox.Store:
    """A built store, or one compiled in memory from the data (unchecked: `ctlkg validate` is for that)."""
    if store_dir is not None:
        return store.open_store(store_dir, read_only=True)
    db, _, _ = production.compile_store(data, check=False, synergies=synergies, progress=progress)
    return db
