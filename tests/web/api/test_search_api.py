"""Search on both backends: GET /api/search (ranking, filters, the 400s), the results page, the index
refreshed after a write, ``search:score`` in SPARQL (embedded), and the editor's /api/terms and /api/parse."""

from __future__ import annotations

import httpx
import pytest

from ctlkg.rdf import namespaces
from live_servers import Service

CTL = str(namespaces.CTL)
ID = str(namespaces.ID)
SEARCH = namespaces.BASE + "search#"


def search(client: httpx.Client, service: Service, **params: str) -> httpx.Response:
    return client.get(service.url + "/api/search", params=params)


def test_a_search_finds_a_label_in_any_case_and_accent(client: httpx.Client, service: Service) -> None:
    body = search(client, service, q="CITTA METROP").json()
    first = body["results"][0]
    assert first["iri"] == ID + "organisation/citta-metropolitana-milano"
    assert first["page"] == "/id/organisation/citta-metropolitana-milano" and first["field"] == "label"
    start, end = first["highlights"][0]
    assert first["snippet"][start:end] == "Città"


def test_label_matches_rank_above_description_matches(client: httpx.Client, service: Service) -> None:
    results = search(client, service, q="energia", limit="30").json()["results"]
    fields = [r["field"] for r in results]
    assert "label" in fields and "description" in fields
    assert fields == sorted(fields, key=lambda f: f != "label"), "every label match comes first"
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


def test_type_lang_and_labels(client: httpx.Client, service: Service) -> None:
    clusters = search(client, service, q="cluster", type="Cluster", limit="20").json()
    assert clusters["type"] == CTL + "Cluster"
    assert {r["type"] for r in clusters["results"]} == {CTL + "Cluster"} and len(clusters["results"]) == 9
    curie = search(client, service, q="energy", type="ctl:Cluster").json()["results"]
    assert [r["iri"] for r in curie] == [ID + "cluster/le2c"]
    assert search(client, service, q="salute", lang="en").json()["results"] == [], "Italian words, English texts"
    assert search(client, service, q="salute", lang="it").json()["results"][0]["label"] == "M6 — Salute"
    italian = search(client, service, q="health", labels="it", type="PNRRMission").json()["results"]
    assert italian and italian[0]["label"] == "M6 — Salute"


@pytest.mark.parametrize("params, words", [
    pytest.param({"q": "!!"}, "letter or digit", id="no-word"),
    pytest.param({}, "'q'", id="no-q"),
    pytest.param({"q": "x" * 201}, "'q'", id="too-long"),
    pytest.param({"q": "energia", "limit": "0"}, "'limit'", id="limit-0"),
    pytest.param({"q": "energia", "limit": "many"}, "'limit'", id="limit-text"),
    pytest.param({"q": "energia", "lang": "fr"}, "'lang'", id="lang"),
    pytest.param({"q": "energia", "type": "not a class"}, "not a class name", id="type"),
    pytest.param({"q": "energia", "type": "nope:Thing"}, "known prefix", id="type-prefix"),
])
def test_bad_parameters_are_a_400_with_a_message(
    client: httpx.Client, service: Service, params: dict[str, str], words: str
) -> None:
    response = search(client, service, **params)
    assert response.status_code == 400, response.text
    assert words in response.json()["message"]


def test_the_route_is_documented(client: httpx.Client, service: Service) -> None:
    operation = client.get(service.url + "/openapi.json").json()["paths"]["/api/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "lang", "type", "limit", "labels"}
    assert "400" in operation["responses"] and "422" not in operation["responses"]


def test_the_results_page_escapes_what_it_shows(client: httpx.Client, service: Service) -> None:
    page = client.get(service.url + "/search", params={"q": '<>&"aerospace', "lang": "it"},
                      headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'value="&lt;&gt;&amp;&#34;aerospace"' in page.text and '<>&"aerospace' not in page.text
    assert 'href="/id/cluster/lac"' in page.text and "<mark>" in page.text
    refused = client.get(service.url + "/search", params={"q": "!!"}, headers={"Accept": "text/html"})
    assert refused.status_code == 400 and "letter or digit" in refused.text
    assert 'role="search"' in client.get(service.url + "/", headers={"Accept": "text/html"}).text


def test_a_write_is_found_by_the_next_search(client: httpx.Client, service: Service) -> None:
    label = f'<{ID}cluster/afil> <http://www.w3.org/2004/02/skos/core#altLabel> "Quokkasearchword"@en'
    auth = {"Authorization": f"Bearer {service.token}"}
    assert search(client, service, q="quokkasearch").json()["results"] == []
    written = client.post(service.update, data={"update": f"INSERT DATA {{ {label} }}"}, headers=auth)
    try:
        assert written.status_code == 200, written.text
        found = search(client, service, q="quokkasearch").json()["results"]
        assert [r["iri"] for r in found] == [ID + "cluster/afil"]
    finally:
        undone = client.post(service.update, data={"update": f"DELETE DATA {{ {label} }}"}, headers=auth)
    assert undone.status_code == 200, undone.text
    assert search(client, service, q="quokkasearch").json()["results"] == []


def test_search_score_in_sparql(client: httpx.Client, service: Service) -> None:
    if service.backend != "embedded":
        pytest.skip("search:score is this service's engine's function; a remote engine has its own")
    query = f"""PREFIX search: <{SEARCH}>
PREFIX ctl: <{CTL}>
SELECT ?c ?score WHERE {{
  ?c a ctl:Cluster BIND(search:score(?c, "aerospace") AS ?score) FILTER(BOUND(?score))
}} ORDER BY DESC(?score)"""
    rows = client.get(service.sparql, params={"query": query},
                      headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    assert [row["c"]["value"] for row in rows] == [ID + "cluster/lac"]
    assert 1 < float(rows[0]["score"]["value"]) <= 2


def test_the_editor_gets_terms_with_labels(client: httpx.Client, service: Service) -> None:
    body = client.get(service.url + "/api/terms", params={"lang": "it"}).json()
    terms = {t["curie"]: t for t in body["terms"]}
    assert terms["ctl:Cluster"]["kind"] == "class" and terms["ctl:Cluster"]["label"] == "cluster tecnologico"
    assert terms["ctl:memberOf"]["kind"] == "property"
    assert terms["search:score"]["kind"] == "function" and body["prefixes"]["search"] == SEARCH


def test_the_editor_checks_syntax(client: httpx.Client, service: Service) -> None:
    def parse(body: bytes) -> httpx.Response:
        return client.post(service.url + "/api/parse", content=body,
                           headers={"Content-Type": "application/sparql-query"})

    assert parse(b"ASK { ?s ?p ?o }").json()["valid"] is True
    broken = parse(b"SELECT * WHERE {\n  ?s ?p\n}").json()
    assert broken["valid"] is False and broken["line"] == 3 and broken["column"] >= 1
    assert broken["message"].startswith(f"line 3, column {broken['column']}")
    undeclared = parse(b"SELECT * WHERE { ?s a foo:Bar }").json()
    assert "prefix foo: is not declared" in undeclared["message"]
    assert parse(b"\xff\xfe").status_code == 400
