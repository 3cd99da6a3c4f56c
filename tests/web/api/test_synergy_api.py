"""/api/synergies over HTTP on a real server, once per backend (embedded store and remote Oxigraph)."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
from typing import Any

import httpx
import networkx as nx
import pytest

from live_servers import Service

#: Answers that must be the same on Virtuoso.
pytestmark = pytest.mark.every_engine

BASE = "https://w3id.org/lombardia-clusters/id/"


def _token(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def get(client: httpx.Client, service: Service, path: str, **params: str) -> httpx.Response:
    return client.get(service.url + "/api/synergies" + path, params=params)


def pairs(body: dict[str, Any]) -> list[tuple[str, ...]]:
    return [tuple(c["slug"] for c in s["clusters"]) for s in body["synergies"]]


def test_all_pairs_ranked_with_evidence_links(client: httpx.Client, service: Service) -> None:
    response = get(client, service, "")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["count"] == 36 and body["dimension"] == "combined"
    # TAV no longer shares Scienze della Vita's M4C2 block, so LE2C–LGCA leads.
    assert pairs(body)[:2] == [("le2c", "lgca"), ("scienze-vita", "tav")]
    scores = [s["score"] for s in body["synergies"]]
    assert scores == sorted(scores, reverse=True)
    le2c_lgca = body["synergies"][0]["dimensions"]
    shared = {e["iri"].removeprefix(BASE) for e in le2c_lgca["networks"]["evidence"]}
    assert {"project/biomass-hub", "network/vanguard-initiative", "network/eccp"} <= shared
    ecosystems = {e["iri"].removeprefix(BASE) for e in le2c_lgca["ecosystems"]["evidence"]}
    assert ecosystems == {"ecosystem/sostenibilita"}
    # Each evidence link dereferences on this server.
    href = le2c_lgca["ecosystems"]["evidence"][0]["href"]
    page = client.get(service.url + href, headers={"Accept": "text/turtle"})
    assert page.status_code == 200 and "Sostenibilit" in page.text


def test_dimension_and_min_score_filter(client: httpx.Client, service: Service) -> None:
    body = get(client, service, "", dimension="places", min_score="1").json()
    assert pairs(body) == [("le2c", "scienze-vita")]
    evidence = body["synergies"][0]["dimensions"]["places"]["evidence"]
    assert {e["href"] for e in evidence} == {"/id/site/via-pantano-9-milano", "/id/city/milano"}


def test_weights_change_the_ranking(client: httpx.Client, service: Service) -> None:
    body = get(client, service, "", weights="partners:3").json()
    assert body["weights"]["partners"] == 3.0 and body["weights"]["networks"] == 2.0
    assert pairs(body)[:2] == [("scienze-vita", "tav"), ("le2c", "lgca")]


def test_limit_keeps_the_best_and_counts_them_all(client: httpx.Client, service: Service) -> None:
    every = get(client, service, "").json()
    best = get(client, service, "", limit="3").json()
    assert best["count"] == every["count"] == 36 and best["limit"] == 3
    assert best["synergies"] == every["synergies"][:3]
    one = get(client, service, "/le2c", limit="1").json()
    assert [s["partner"]["slug"] for s in one["synergies"]] == ["lgca"] and one["count"] == 8


def test_pages_walk_the_whole_listing_by_their_next_links(client: httpx.Client, service: Service) -> None:
    """A page holds 100 pairs unless asked; each names the next in ``next`` and a Link header; following
    them gives every pair once, in the order of the whole download."""
    whole = client.get(service.url + "/api/synergies/all.json", headers={"Accept-Encoding": "gzip"})
    assert whole.status_code == 200 and whole.headers["content-encoding"] == "gzip"
    every = whole.json()
    assert every["count"] == len(every["synergies"]) == 36
    first = get(client, service, "", dimension="networks").json()
    assert first["limit"] == 100 and first["offset"] == 0 and first["next"] is None
    walked: list[dict[str, Any]] = []
    response = get(client, service, "", limit="10")
    while True:
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 36 and body["offset"] == len(walked)
        walked += body["synergies"]
        if body["next"] is None:
            assert "link" not in response.headers
            break
        assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        response = client.get(service.url + body["next"])
    assert len(walked) == 36 and walked == every["synergies"]
    one = get(client, service, "/afil", limit="5", dimension="partners").json()
    assert "dimension=partners" in one["next"] and one["next"].startswith("/api/synergies/afil?")


def test_a_write_makes_the_cursors_issued_before_it_stale(client: httpx.Client, service: Service) -> None:
    """A write may change the ranking: a page's 'next' from before it gets 409, never rows twice or missed."""
    before = get(client, service, "", limit="10").json()
    triple = f"<{BASE}cluster/afil> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/cursor>"
    auth = {"Authorization": f"Bearer {service.token}"}
    for update in (f"INSERT DATA {{ {triple} }}", f"DELETE DATA {{ {triple} }}"):
        assert client.post(service.update, data={"update": update}, headers=auth).status_code == 200
    stale = client.get(service.url + before["next"])
    assert stale.status_code == 409 and "start again" in stale.json()["message"]
    after = get(client, service, "", limit="10").json()
    assert after["synergies"] == before["synergies"] and after["next"] != before["next"]
    assert client.get(service.url + after["next"]).status_code == 200


def test_the_whole_download_without_gzip(client: httpx.Client, service: Service) -> None:
    plain = client.get(service.url + "/api/synergies/all.json", params={"dimension": "places"},
                       headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    body = json.loads(plain.content)
    assert body["dimension"] == "places" and body["count"] == len(body["synergies"]) == 36
    zipped = client.get(service.url + "/api/synergies/all.json", params={"dimension": "places"},
                        headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert json.loads(zipped.content) == body  # httpx unzips; gzip.decompress below checks the raw bytes
    raw = client.build_request("GET", service.url + "/api/synergies/all.json", params={"dimension": "places"},
                               headers={"Accept-Encoding": "gzip"})
    with client.stream("GET", raw.url, headers=raw.headers) as streamed:
        assert json.loads(gzip.decompress(b"".join(streamed.iter_raw()))) == body


def test_answers_are_kept_and_the_same_each_time(client: httpx.Client, service: Service) -> None:
    first = get(client, service, "/afil", dimension="networks")
    again = get(client, service, "/afil", dimension="networks")
    assert first.content == again.content and first.headers["content-type"] == again.headers["content-type"]
    # Middleware adds its headers to a fresh response each time: never twice to a kept one.
    assert again.headers.get_list("x-content-type-options") == ["nosniff"]


@pytest.mark.parametrize("cluster", [pytest.param("tav", id="slug"),
                                     pytest.param(BASE + "cluster/tav", id="iri")])
def test_one_cluster_against_the_others(client: httpx.Client, service: Service, cluster: str) -> None:
    response = get(client, service, "/" + cluster, dimension="technology-areas")
    assert response.status_code == 200
    body = response.json()
    assert body["cluster"]["slug"] == "tav" and body["count"] == 8
    top = body["synergies"][0]
    assert top["partner"]["slug"] == "scienze-vita"
    areas = {e["iri"].removeprefix(BASE) for e in top["dimensions"]["technology-areas"]["evidence"]}
    assert areas == {"techarea/digital-health", "techarea/salute-benessere"}


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        pytest.param("", {"dimension": "synergy"}, 400, id="unknown-dimension"),
        pytest.param("", {"weights": "ecosystems:lots"}, 400, id="weight-not-a-number"),
        pytest.param("", {"weights": "colour:1"}, 400, id="weight-unknown-dimension"),
        pytest.param("", {"weights": "ecosystems:-1"}, 400, id="negative-weight"),
        pytest.param("", {"min_score": "2"}, 400, id="min-score-above-1"),
        pytest.param("/network.graphml", {"dimension": "nope"}, 400, id="network-unknown-dimension"),
        pytest.param("/tav", {"weights": "x"}, 400, id="cluster-bad-weights"),
        pytest.param("/atlantis", {}, 404, id="unknown-cluster"),
        pytest.param("/network.dot", {}, 404, id="unknown-format"),
        pytest.param("", {"limit": "0"}, 400, id="limit-zero"),
        pytest.param("/tav", {"limit": "many"}, 400, id="limit-not-a-number"),
        pytest.param("", {"limit": "10001"}, 400, id="limit-above-a-page"),
        pytest.param("", {"cursor": "not a cursor"}, 400, id="cursor-not-ours"),
        pytest.param("", {"cursor": "LTEuMg"}, 400, id="cursor-negative"),  # "-1.2"
        # Issued at data version 99: the service's data is at 0, so the listing may have changed since.
        pytest.param("/tav", {"cursor": _token("99.0")}, 409, id="cursor-stale"),
    ],
)
def test_bad_requests(client: httpx.Client, service: Service, path: str, params: dict[str, str],
                      status: int) -> None:
    response = get(client, service, path, **params)
    assert response.status_code == status
    assert response.json()["message"]


@pytest.mark.parametrize(
    ("fmt", "media", "read"),
    [
        pytest.param("graphml", "application/graphml+xml", lambda b: nx.read_graphml(io.BytesIO(b)),
                     id="graphml"),
        pytest.param("gexf", "application/gexf+xml", lambda b: nx.read_gexf(io.BytesIO(b)), id="gexf"),
        pytest.param("json", "application/json", lambda b: nx.node_link_graph(json.loads(b)), id="json"),
    ],
)
def test_network_downloads_load_in_networkx(client: httpx.Client, service: Service, fmt: str, media: str,
                                            read: Any) -> None:
    response = get(client, service, f"/network.{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    graph = read(response.content)
    assert graph.number_of_nodes() == 9
    assert graph.nodes["lgca"]["members"] == 50
    ranked = get(client, service, "", min_score="0.000001").json()
    assert graph.number_of_edges() == ranked["count"]
    assert graph.edges["le2c", "lgca"]["weight"] == ranked["synergies"][0]["score"]


def test_csv_tables(client: httpx.Client, service: Service) -> None:
    nodes = get(client, service, "/nodes.csv")
    assert nodes.status_code == 200 and nodes.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(nodes.text)))
    assert len(rows) == 9 and {r["Id"] for r in rows} >= {"afil", "le2c", "scienze-vita"}
    edges = get(client, service, "/edges.csv", dimension="networks")
    table = list(csv.DictReader(io.StringIO(edges.text)))
    assert {(r["Source"], r["Target"]) for r in table} >= {("le2c", "lgca"), ("scienze-vita", "tav")}
    assert all(float(r["Weight"]) == float(r["networks"]) > 0 for r in table)
