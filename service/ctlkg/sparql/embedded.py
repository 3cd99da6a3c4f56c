"""The embedded backend: an Oxigraph store in this process, in memory or opened from a built directory."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import TypeVar

import pyoxigraph as ox

from ctlkg.errors import BackendError, QuerySyntaxError, QueryTimeout
from ctlkg.rdf import namespaces
from ctlkg.sparql import lexer

# The Backend protocol's types: the three backends (embedded, remote, engine.fenced) import the same names.
from ctlkg.sparql.backend import (
    Bindings,
    Boolean,
    Dataset,
    Limits,
    Result,
    Row,
    Solutions,
    Triples,
    default_graph_iris,
    replacing_update,
    row,
)

T = TypeVar("T")

#: How many rows are read between two looks at the clock; a look costs little, a row less.
_CHECK_EVERY = 256


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def _nodes(iris: Iterable[str]) -> list[GraphName]:
    return [ox.NamedNode(iri) for iri in iris]


def _named(iris: Iterable[str]) -> list[ox.NamedNode | ox.BlankNode]:
    return [ox.NamedNode(iri) for iri in iris]


class EmbeddedBackend:
    """Answers from a pyoxigraph Store; pyoxigraph releases the GIL while it evaluates, so threads help."""

    name = "embedded"

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def _query(
        self,
        query: str,
        *,
        default_graph: list[GraphName] | None,
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None,
        bindings: Bindings | None = None,
        implicit_prefixes: bool = False,
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        try:
            return self._store.query(
                query,
                base_iri=base_iri,
                default_graph=default_graph,
                named_graphs=named_graphs,
                substitutions={ox.Variable(k): v for k, v in bindings.items()} if bindings else None,
                prefixes=dict(namespaces.PREFIXES) if implicit_prefixes else None,
            )
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except (OSError, RuntimeError) as exc:
            raise BackendError(str(exc)) from exc

    def _ours(self, query: str, inferred: bool, bindings: Bindings | None) -> object:
        return self._query(
            query,
            default_graph=_nodes(default_graph_iris(inferred=inferred)),
            named_graphs=None,
            bindings=bindings,
            implicit_prefixes=True,
        )

    def select(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> list[Row]:
        result = self._ours(query, inferred, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [row(s, names) for s in result]

    def construct(
        self, query: str, *, inferred: bool = True, bindings: Bindings | None = None
    ) -> list[ox.Triple]:
        result = self._ours(query, inferred, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    def ask(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> bool:
        result = self._ours(query, inferred, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def run(self, query: str, *, dataset: Dataset, limits: Limits, base_iri: str | None = None) -> Result:
        deadline = time.monotonic() + limits.timeout
        if dataset.given:
            default: list[GraphName] | None = _nodes(dataset.default_graphs or ())
            named = _named(dataset.named_graphs or ())
        else:
            # No dataset in the request: the query's FROM clauses apply, else our union.
            default = None if _names_dataset(query) else _nodes(default_graph_iris())
            named = None
        result = self._query(query, default_graph=default, named_graphs=named, base_iri=base_iri)
        if isinstance(result, ox.QueryBoolean):
            return Boolean(bool(result))
        try:
            if isinstance(result, ox.QueryTriples):
                triples, truncated = _take(result, limits.max_rows, deadline)
                return Triples(triples, truncated)
            names = [v.value for v in result.variables]
            solutions, truncated = _take(result, limits.max_rows, deadline)
            return Solutions(names, [row(s, names) for s in solutions], truncated)
        except (OSError, RuntimeError) as exc:
            raise BackendError(str(exc)) from exc

    def graph(self, iri: str) -> list[ox.Triple]:
        quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]

    def replace_graphs(self, graphs: Mapping[str, list[ox.Triple]]) -> None:
        try:
            self._store.update(replacing_update(graphs))
        except (SyntaxError, OSError) as exc:
            raise BackendError(f"cannot write the store: {exc}") from exc

    def close(self) -> None:
        with suppress(RuntimeError):  # a read-only store has nothing to flush, and says so
            self._store.flush()


def _names_dataset(query: str) -> bool:
    return lexer.outline(query).names_dataset


def _take(items: Iterable[T], limit: int, deadline: float) -> tuple[list[T], bool]:
    """At most ``limit`` items, and whether more were there; stop with QueryTimeout past the deadline."""
    kept: list[T] = []
    for count, item in enumerate(items):
        if count >= limit:
            return kept, True
        if count % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            raise QueryTimeout("the query ran past its time limit")
        kept.append(item)
    return kept, False
