"""The Backend protocol: what the web service asks of a store, so pages and /sparql run unchanged
on the embedded Oxigraph store or on any remote SPARQL 1.1 engine.

Terms are pyoxigraph terms (``ox.NamedNode``, ``ox.BlankNode``, ``ox.Literal``) and triples are
``ox.Triple`` whichever backend answers. Errors are the typed ones of ``ctlkg.errors``:
``QuerySyntaxError`` (400), ``QueryTimeout`` (503/504), ``BackendError`` (502).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeAlias

import pyoxigraph as ox

from ctlkg.rdf import namespaces

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
#: One solution of a SELECT: variable name (without '?') -> bound term; unbound variables are absent.
Row: TypeAlias = dict[str, Term]
#: Values bound to query variables before evaluation, never pasted into the query text.
Bindings: TypeAlias = Mapping[str, Term]

#: The graphs this service keeps, in the order they are listed to clients.
ALL_GRAPHS: tuple[str, ...] = (
    namespaces.GRAPH_ONTOLOGY,
    namespaces.GRAPH_SHAPES,
    namespaces.GRAPH_DATA,
    namespaces.GRAPH_INFERRED,
    namespaces.GRAPH_SYNERGIES,
)


def row(solution: ox.QuerySolution, names: list[str]) -> Row:
    """One solution as a Row: the bound variables only."""
    return {name: term for name in names if (term := solution[name]) is not None}


def default_graph_iris(*, inferred: bool = True) -> tuple[str, ...]:
    """The graphs whose union is the default graph: ontology and data, plus what is derived from them (the
    inferences and the synergies computed over them) unless asked not."""
    iris = (namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_DATA)
    return (*iris, namespaces.GRAPH_INFERRED, namespaces.GRAPH_SYNERGIES) if inferred else iris


def default_graph_update() -> str:
    """Make the store's own default graph the union of ours (the shapes stay out): queries then read one
    graph, at the engine's full speed, instead of merging four on every pattern. The build runs it, and
    every write runs it in the same transaction as its change."""
    values = " ".join(str(ox.NamedNode(iri)) for iri in default_graph_iris())
    return ("DROP SILENT DEFAULT ; INSERT { ?s ?p ?o } WHERE { VALUES ?g { " + values
            + " } GRAPH ?g { ?s ?p ?o } }")


def has_default_graph(store: ox.Store) -> bool:
    """Whether a store holds that union (stores built before it was written do not)."""
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def replacing_update(graphs: Mapping[str, list[ox.Triple]]) -> str:
    """One SPARQL update that empties each graph and fills it again, so engines apply it atomically.

    Terms are written by pyoxigraph's N-Triples serializer, never pasted from user text.
    """
    parts = [f"DROP SILENT GRAPH {ox.NamedNode(iri)}" for iri in graphs]
    blocks = []
    for iri, triples in graphs.items():
        body = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        blocks.append(f"GRAPH {ox.NamedNode(iri)} {{\n{body}}}")
    parts.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(parts)


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset as the protocol's default-graph-uri and named-graph-uri lists give it.

    ``None`` for both means "not given": the query's own FROM / FROM NAMED apply, else our default
    (the union of ontology, data and inferences, every graph reachable by GRAPH).
    """

    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @property
    def given(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass(frozen=True)
class Limits:
    """What a single protocol query may cost: rows (or triples) kept and seconds spent."""

    max_rows: int = 10_000
    timeout: float = 30.0


@dataclass
class Solutions:
    """A SELECT result, cut at the row limit; ``truncated`` says whether rows were dropped."""

    variables: list[str]
    rows: list[Row]
    truncated: bool = False


@dataclass
class Boolean:
    """An ASK result."""

    value: bool


@dataclass
class Triples:
    """A CONSTRUCT or DESCRIBE result, cut at the row limit."""

    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


Result: TypeAlias = Solutions | Boolean | Triples


class Backend(Protocol):
    """A store that answers SPARQL; every method may block, so async code calls it from a worker thread."""

    #: Short name shown in logs and the service description: "embedded" or "remote".
    name: str

    def select(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> list[Row]:
        """Run a SELECT over the default graph (with or without inferences); all rows, no limit."""
        ...

    def construct(
        self, query: str, *, inferred: bool = True, bindings: Bindings | None = None
    ) -> list[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE over the default graph."""
        ...

    def ask(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> bool:
        """Run an ASK over the default graph."""
        ...

    def run(self, query: str, *, dataset: Dataset, limits: Limits, base_iri: str | None = None) -> Result:
        """Run any query form for the protocol: dataset as given, at most ``limits.max_rows`` kept.

        The result is structured, not serialised, so ``ctlkg.sparql.results`` writes it in whatever media
        type the client negotiated, the same way for every backend. ``base_iri`` resolves relative
        IRIs (the protocol lets the service pick it: we use the endpoint; a remote engine uses its own).
        """
        ...

    def graph(self, iri: str) -> list[ox.Triple]:
        """Every triple of one named graph (for dumps and for checking a write)."""
        ...

    def replace_graphs(self, graphs: Mapping[str, list[ox.Triple]]) -> None:
        """Replace the content of the given named graphs in one transaction."""
        ...

    def close(self) -> None:
        """Release connections or files."""
        ...
