"""Pushing the compiled graphs into a remote SPARQL engine, one named graph each: by Graph Store
Protocol PUT when a GSP endpoint is given, else in one SPARQL Update (DROP + INSERT DATA) request, written
the way Virtuoso accepts when the engine says it is Virtuoso (``ctlkg.sparql.virtuoso``).
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pyoxigraph as ox

from ctlkg.build.reference import Compiled
from ctlkg.build.writes import from_rdflib
from ctlkg.errors import BackendError
from ctlkg.rdf import namespaces
from ctlkg.sparql import virtuoso
from ctlkg.sparql.backend import replacing_update

TIMEOUT = 300.0


def graphs_of(compiled: Compiled) -> dict[str, list[ox.Triple]]:
    return {
        namespaces.GRAPH_ONTOLOGY: from_rdflib(compiled.ontology),
        namespaces.GRAPH_SHAPES: from_rdflib(compiled.shapes),
        namespaces.GRAPH_DATA: from_rdflib(compiled.data),
        namespaces.GRAPH_INFERRED: from_rdflib(compiled.inferred),
    }


def _check(response: httpx.Response, what: str) -> None:
    if response.is_error:
        detail = response.text.strip().splitlines()[:1]
        raise BackendError(f"{what}: {response.status_code}" + (f" {detail[0]}" if detail else ""))


def push(
    graphs: Mapping[str, list[ox.Triple]],
    *,
    update_endpoint: str | None = None,
    gsp: str | None = None,
    client: httpx.Client | None = None,
) -> None:
    """Replace each graph at the engine; raise BackendError naming the endpoint when it refuses."""
    if update_endpoint is None and gsp is None:
        raise BackendError("give an update endpoint (--endpoint) or a graph store (--gsp)")
    http = client or httpx.Client(timeout=TIMEOUT)
    try:
        if gsp is not None:
            for iri, triples in graphs.items():
                body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
                response = http.put(gsp, params={"graph": iri}, content=body,
                                    headers={"Content-Type": "application/n-triples"})
                _check(response, f"PUT {gsp}?graph={iri}")
        else:
            assert update_endpoint is not None
            # An empty update asks nothing of the data; the answer's Server header names the engine.
            probe = http.post(update_endpoint, data={"update": "CLEAR SILENT GRAPH <urn:ctlkg:probe>"})
            _check(probe, f"POST {update_endpoint}")
            dialect = virtuoso.detect(probe)
            write = virtuoso.replacing_update if dialect is virtuoso.Dialect.VIRTUOSO else replacing_update
            response = http.post(update_endpoint, data={"update": write(graphs)})
            _check(response, f"POST {update_endpoint}")
    except httpx.HTTPError as exc:
        raise BackendError(f"cannot reach {gsp or update_endpoint}: {exc}") from exc
    finally:
        if client is None:
            http.close()
