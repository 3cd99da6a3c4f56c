"""The embedded Oxigraph store: one named graph per source (ontology, shapes, data, inferred)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ctlkg.build.reference import Compiled
from ctlkg.errors import StoreError
from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import default_graph_update

#: Short names for the named graphs, as users pick them on the command line.
GRAPHS: dict[str, str] = {
    "ontology": namespaces.GRAPH_ONTOLOGY,
    "shapes": namespaces.GRAPH_SHAPES,
    "data": namespaces.GRAPH_DATA,
    "inferred": namespaces.GRAPH_INFERRED,
}
#: The compiled graphs and those derived from them in the store (the synergies).
ALL_GRAPHS: dict[str, str] = {**GRAPHS, "synergies": namespaces.GRAPH_SYNERGIES}
#: A running server publishes each version of a store it writes to in a folder beside it named with this
#: prefix and its process id (``ctlkg.engine.checkpoint``); ``ctlkg backup`` reads the newest one.
VERSIONS_PREFIX = ".ctlkg-versions-"


def versions_server(folder: Path) -> tuple[int, bool] | None:
    """The server process a versions folder is named for, and whether it still runs; None for a folder of
    another kind."""
    pid = folder.name.removeprefix(VERSIONS_PREFIX).split("-")[0]
    if not folder.name.startswith(VERSIONS_PREFIX) or not pid.isdigit():
        return None
    return int(pid), Path(f"/proc/{pid}").exists()


def _load(store: ox.Store, graph: Graph, name: str) -> None:
    payload = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(payload, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))


def build_store(compiled: Compiled, path: Path | None = None) -> ox.Store:
    """Fill a store (in memory, or on disk at path) with the compiled graphs."""
    try:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(path)) if path is not None else ox.Store()
    except OSError as exc:
        raise StoreError(f"cannot open store at {path}: {exc}") from exc
    if path is not None:
        store.clear()
    _load(store, compiled.ontology, namespaces.GRAPH_ONTOLOGY)
    _load(store, compiled.shapes, namespaces.GRAPH_SHAPES)
    _load(store, compiled.data, namespaces.GRAPH_DATA)
    _load(store, compiled.inferred, namespaces.GRAPH_INFERRED)
    store.update(default_graph_update())
    store.flush()
    if path is not None:
        store.optimize()
    return store


def open_store(path: Path, *, read_only: bool = False) -> ox.Store:
    """Open a built store directory without re-parsing or re-reasoning anything."""
    if not path.is_dir():
        raise StoreError(f"{path}: no store directory (build one with `ctlkg build --out {path}`)")
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open store at {path}: {exc}") from exc


def default_graphs(*, inferred: bool = True) -> list[ox.NamedNode]:
    """The graphs that make up the default graph: ontology and data, with or without what is derived."""
    names = [namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_DATA]
    if inferred:
        names += [namespaces.GRAPH_INFERRED, namespaces.GRAPH_SYNERGIES]
    return [ox.NamedNode(n) for n in names]


def query_default_graph(*, inferred: bool = True) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """default_graphs() typed as Store.query's default_graph argument expects it."""
    return [*default_graphs(inferred=inferred)]


def count_triples(store: ox.Store, graph: str) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)
