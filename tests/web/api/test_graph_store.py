"""The Graph Store Protocol on both backends: graphs read openly, written only with the token and only
to the data graph, each write one validated transaction; a refused write leaves every triple as it was.
"""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ctlkg.build import store
from ctlkg.rdf import namespaces
from live_servers import Service

#: Writes that must land the same way on Virtuoso.
pytestmark = pytest.mark.every_engine

NT = "application/n-triples"
AFIL = f"{namespaces.ID}cluster/afil"
SEE_ALSO = f"<{AFIL}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/ctlkg-gsp-test> ."
BOGUS = f"<{namespaces.ID}cluster/gsp-bogus> a <{namespaces.CTL.Cluster}> ."


def auth(service: Service) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.token}"}


def graph(service: Service, client: httpx.Client, name: str) -> set[str]:
    response = client.get(f"{service.url}/rdf-graphs/{name}", headers={"Accept": NT})
    assert response.status_code == 200, response.text
    return set(response.text.splitlines())


def parsed(lines: set[str]) -> Graph:
    return Graph().parse(data="\n".join(sorted(lines)), format="nt")


def everything(service: Service, client: httpx.Client) -> dict[str, set[str]]:
    return {name: graph(service, client, name) for name in store.ALL_GRAPHS}


@pytest.mark.parametrize("name", list(store.ALL_GRAPHS))
def test_graphs_are_readable_both_ways(service: Service, client: httpx.Client, name: str) -> None:
    direct = graph(service, client, name)
    indirect = client.get(f"{service.url}/graph-store", params={"graph": store.ALL_GRAPHS[name]},
                          headers={"Accept": NT})
    assert indirect.status_code == 200 and set(indirect.text.splitlines()) == direct
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{store.ALL_GRAPHS[name]}> {{ ?s ?p ?o }} }}"
    counted = client.get(service.sparql, params={"query": query},
                         headers={"Accept": "application/sparql-results+json"})
    assert int(counted.json()["results"]["bindings"][0]["n"]["value"]) == len(direct)


def test_the_default_graph_and_negotiation(service: Service, client: httpx.Client) -> None:
    turtle = client.get(f"{service.url}/graph-store?default", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    assert client.get(f"{service.url}/rdf-graphs/data", headers={"Accept": "image/png"}).status_code == 406
    assert client.get(f"{service.url}/graph-store?default&graph=x").status_code == 400


def test_writes_need_the_token_and_the_data_graph(service: Service, client: httpx.Client) -> None:
    before = graph(service, client, "data")
    for method in ("PUT", "POST", "DELETE"):
        anonymous = client.request(method, f"{service.url}/rdf-graphs/data", content=SEE_ALSO,
                                   headers={"Content-Type": NT})
        assert anonymous.status_code == 401
        wrong = client.request(method, f"{service.url}/rdf-graphs/data", content=SEE_ALSO,
                               headers={"Content-Type": NT, "Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        for other in ("ontology", "shapes", "inferred", "synergies"):
            refused = client.request(method, f"{service.url}/rdf-graphs/{other}", content=SEE_ALSO,
                                     headers={"Content-Type": NT, **auth(service)})
            assert refused.status_code == 403, (method, other, refused.text)
        for params in ({"default": ""}, {"graph": "https://example.org/elsewhere"}):
            refused = client.request(method, f"{service.url}/graph-store", params=params, content=SEE_ALSO,
                                     headers={"Content-Type": NT, **auth(service)})
            assert refused.status_code == 403, (method, params, refused.text)
    assert graph(service, client, "data") == before


def test_bodies_that_do_not_fit_are_refused(service: Service, client: httpx.Client) -> None:
    url, headers = f"{service.url}/rdf-graphs/data", auth(service)
    cases = [
        (b"<a> <b> ", "text/turtle", 400),
        (SEE_ALSO.encode(), "application/x-unknown", 415),
        (SEE_ALSO.encode("utf-16"), "application/n-triples; charset=utf-16", 415),
        (b"\xff\xfe" + SEE_ALSO.encode(), NT, 415),
        (f"{SEE_ALSO[:-1]} <{namespaces.GRAPH_ONTOLOGY}> .".encode(), "application/n-quads", 400),
        (SEE_ALSO.encode(), "", 415),
    ]
    for body, media, status in cases:
        response = client.post(url, content=body, headers={**headers, **({"Content-Type": media} if media else {})})
        assert response.status_code == status, (media, response.text)


def test_a_refused_write_leaves_every_triple(service: Service, client: httpx.Client) -> None:
    before = everything(service, client)
    response = client.post(f"{service.url}/rdf-graphs/data", content=BOGUS,
                           headers={"Content-Type": "text/turtle", **auth(service)})
    assert response.status_code == 422, response.text
    assert response.json()["report"]["conforms"] is False
    assert everything(service, client) == before


def test_post_then_put_round_trip(service: Service, client: httpx.Client) -> None:
    """POST merges one triple (inferences recomputed); PUT of the old graph puts everything back."""
    before = everything(service, client)
    data = client.get(f"{service.url}/rdf-graphs/data", headers={"Accept": NT}).content
    posted = client.post(f"{service.url}/rdf-graphs/data", content=SEE_ALSO,
                         headers={"Content-Type": NT, **auth(service)})
    try:
        assert posted.status_code == 200, posted.text
        assert posted.json()["triples"]["data"] == len(before["data"]) + 1
        assert SEE_ALSO in graph(service, client, "data")
    finally:
        put = client.put(f"{service.url}/rdf-graphs/data", content=data,
                         headers={"Content-Type": NT, **auth(service)})
    assert put.status_code == 200, put.text
    after = everything(service, client)
    for name in store.ALL_GRAPHS:  # blank nodes written back get new labels: the same graphs, up to them
        assert isomorphic(parsed(after[name]), parsed(before[name])), name
