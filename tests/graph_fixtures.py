"""Shared, cached builds of the knowledge graph for tests that need the real data (built once per session)."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from ctlkg.build import reference as pipeline
from ctlkg.build import store
from ctlkg.build.reference import Compiled
from ctlkg.rdf import namespaces
from ctlkg.synergy import graph as synergy_graph


@cache
def compiled() -> Compiled:
    """Ontology, shapes, data and OWL RL inferences of the shipped data (validation skipped: tested apart)."""
    return pipeline.compile_graphs(check=False)


@cache
def oxigraph_store() -> ox.Store:
    """The store as the service holds it: the compiled graphs and the materialised synergies."""
    db = store.build_store(compiled())
    synergy_graph.materialise(db)
    return db


def select(query: str, *, inferred: bool = True) -> list[dict[str, str]]:
    """Run a SELECT over the union graph; terms come back as plain strings (IRI or lexical form)."""
    result = oxigraph_store().query(
        query, default_graph=store.query_default_graph(inferred=inferred), prefixes=namespaces.PREFIXES
    )
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def ask(query: str, *, inferred: bool = True) -> bool:
    result = oxigraph_store().query(
        query, default_graph=store.query_default_graph(inferred=inferred), prefixes=namespaces.PREFIXES
    )
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)
