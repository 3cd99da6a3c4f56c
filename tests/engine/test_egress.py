"""No outgoing request caused by a query, an update or a graph upload, unless its target is allow-listed.

A listener on 127.0.0.1 records every request it gets; each refused SERVICE, LOAD, FROM, dataset IRI,
JSON-LD context or XML entity that points at it must leave it uncalled, on both backends (the remote
one forwards queries to Oxigraph, which would call SERVICE endpoints itself). An allow-listed SERVICE
does reach it, which shows the listener would have noticed.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ctlkg.rdf import namespaces
from live_servers import Listener, Service, built_store, copy_store, listener, start

__all__ = ["built_store", "listener"]  # fixtures, imported for pytest

AFIL = f"<{namespaces.ID}cluster/afil>"


def auth(service: Service) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.token}"}


def queries(target: str) -> list[str]:
    """SERVICE calls to ``target`` (an absolute http URL), written every way the grammar allows."""
    host, _, path = target.removeprefix("http://").partition("/")
    escaped = "http://" + host.replace(":", "\\u003A") + "/" + path
    return [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX far: <{target.rsplit('/', 1)[0]}/> SELECT * WHERE {{ SERVICE far:{target.rsplit('/', 1)[1]} {{ ?s ?p ?o }} }}",
        f'VERSION "1.2" SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}',
        f"BASE <{target.rsplit('/', 1)[0]}/> SELECT * WHERE {{ SERVICE <{target.rsplit('/', 1)[1]}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE#comment\n<{target}>{{?s ?p ?o}} }} }}",
        f"SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
    ]


def updates(target: str) -> list[str]:
    return [
        f"LOAD <{target}>",
        f"load <{target}>",
        f"LOAD SILENT <{target}> INTO GRAPH <{namespaces.GRAPH_DATA}>",
        f'VERSION "1.2" LOAD <{target}>',
        f"INSERT DATA {{ {AFIL} <http://www.w3.org/2000/01/rdf-schema#comment> \"x\" }} ; LOAD <{target}>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f'VERSION "1.2" INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}',
    ]


def test_service_is_refused_and_never_called(
    service: Service, client: httpx.Client, listener: Listener
) -> None:
    for query in queries(listener.url + "/sparql"):
        for send in ("get", "form", "direct"):
            if send == "get":
                response = client.get(service.sparql, params={"query": query})
            elif send == "form":
                response = client.post(service.sparql, data={"query": query})
            else:
                response = client.post(service.sparql, content=query.encode(),
                                       headers={"Content-Type": "application/sparql-query"})
            if "SILENT" in query and service.backend == "embedded":
                # Let through to the fenced worker, which cannot open a socket: the one empty solution.
                assert response.status_code == 200, (query, send, response.text)
                continue
            assert response.status_code == 400, (query, send, response.text)
            assert "SERVICE" in response.json()["message"]
    assert listener.calls == []


def test_load_and_service_in_updates_are_refused(
    service: Service, client: httpx.Client, listener: Listener
) -> None:
    for update in updates(listener.url + "/data.ttl"):
        response = client.post(service.update, data={"update": update}, headers=auth(service))
        assert response.status_code == 400, (update, response.text)
    assert listener.calls == []


@pytest.mark.parametrize("where", ["FROM", "FROM NAMED", "default-graph-uri", "named-graph-uri"])
def test_dataset_iris_are_never_fetched(
    service: Service, client: httpx.Client, listener: Listener, where: str
) -> None:
    """FROM and the dataset parameters only pick graphs already in the store: nothing is fetched."""
    for iri in (listener.url + "/graph.ttl", "file:///etc/passwd"):
        if where.startswith("FROM"):
            params = {"query": f"SELECT * {where} <{iri}> WHERE {{ ?s ?p ?o }} LIMIT 5"}
        else:
            params = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5", where: iri}
        response = client.get(service.sparql, params=params, headers={"Accept": "application/sparql-results+json"})
        assert response.status_code in (200, 400), response.text
        assert "root:" not in response.text
        if response.status_code == 200:
            assert response.json()["results"]["bindings"] == []  # an empty graph, not the listener's
    assert listener.calls == []


def test_graph_uploads_fetch_no_context_or_entity(
    service: Service, client: httpx.Client, listener: Listener
) -> None:
    """A JSON-LD @context or an XML external entity in a Graph Store upload is not fetched either."""
    jsonld = (
        '{"@context": "' + listener.url + '/context.jsonld", "@id": "' + f"{namespaces.ID}cluster/afil"
        + '", "comment": "x"}'
    )
    rdfxml = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY far SYSTEM "{listener.url}/entity">'
        ' <!ENTITY local SYSTEM "file:///etc/passwd"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        f'<rdf:Description rdf:about="{namespaces.ID}cluster/afil"><rdfs:comment>&far;&local;</rdfs:comment>'
        "</rdf:Description></rdf:RDF>"
    )
    before = client.get(service.url + "/rdf-graphs/data", headers={"Accept": "application/n-triples"})
    for body, media in ((jsonld, "application/ld+json"), (rdfxml, "application/rdf+xml")):
        response = client.post(service.url + "/rdf-graphs/data", content=body.encode(),
                               headers={**auth(service), "Content-Type": media})
        assert response.status_code == 400, response.text
        assert "root:" not in response.text
    after = client.get(service.url + "/rdf-graphs/data", headers={"Accept": "application/n-triples"})
    assert sorted(after.text.splitlines()) == sorted(before.text.splitlines())
    assert listener.calls == []


def test_an_allow_listed_service_is_called(built_store: Path, tmp_path: Path, listener: Listener) -> None:
    allowed = listener.url + "/sparql"
    live = start(tmp_path / "allow.log", store_dir=copy_store(built_store, tmp_path / "store"),
                 env={"CTLKG_SERVICE_ALLOWLIST": allowed})
    try:
        with httpx.Client(timeout=30) as client:
            query = f"SELECT ?x WHERE {{ SERVICE <{allowed}> {{ ?x ?p ?o }} }}"
            response = client.get(live.sparql, params={"query": query},
                                  headers={"Accept": "application/sparql-results+json"})
            assert response.status_code == 200, response.text
            values = [b["x"]["value"] for b in response.json()["results"]["bindings"]]
            assert values == ["from-the-listener"]
            assert [call.path.split("?")[0] for call in listener.calls] == ["/sparql"]
            # the allow-list is exact: another path on the same host is still refused, and not called
            other = f"SELECT ?x WHERE {{ SERVICE <{listener.url}/other> {{ ?x ?p ?o }} }}"
            assert client.get(live.sparql, params={"query": other}).status_code == 400
            assert len(listener.calls) == 1
    finally:
        live.stop()
