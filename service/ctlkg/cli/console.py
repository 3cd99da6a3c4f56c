"""Query answers as Rich tables on the terminal, IRIs shortened with our prefixes
(``ctlkg.rdf.links.curie``)."""

from __future__ import annotations

import sys

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

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
