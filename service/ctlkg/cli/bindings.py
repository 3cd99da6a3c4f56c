"""What a named query runs with on the command line: ``ctlkg query FILE.rq --param NAME=VALUE``."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ctlkg.errors import CtlkgError
from ctlkg.sparql import named_queries, query_params

Bound = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]


def bound(named: Path | None, given: list[str]) -> Bound:
    """The values a named query runs with: ``NAME=VALUE`` pairs checked against its header's parameters
    (type, enum), the defaults for the rest; a required one left out is an error that names it."""
    pairs = dict(item.partition("=")[::2] for item in given)
    if named is None:
        if pairs:
            raise CtlkgError("--param binds the parameters of a named query (a .rq file with a #+ header)")
        return {}
    query = named_queries.load_query(named)
    unknown = sorted(set(pairs) - {p.name for p in query.params})
    if unknown:
        raise CtlkgError(f"{named.name} has no parameter {', '.join(unknown)}; it takes "
                         + (", ".join(p.name for p in query.params) or "none"))
    found: Bound = {}
    for declared in query.params:
        raw = pairs.get(declared.name, declared.default)
        if raw is None:
            raise CtlkgError(f"{named.name} needs --param {declared.name}=... ({declared.description})")
        term = query_params.convert(declared, raw)
        if isinstance(term, ox.NamedNode | ox.Literal):
            found[ox.Variable(declared.name)] = term
    return found
