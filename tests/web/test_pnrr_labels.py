"""PNRR missions and components read the same everywhere: "M2C2 — title" (code and title are separate data,
skos:notation and skos:prefLabel; rdfs:label joins them). Before, a view picked either label, so M2C1 showed
as its bare title and M2C2 with its code, on the pages and in the synergy evidence alike."""

from __future__ import annotations

import re

import httpx

from live_servers import Service

HTML = {"Accept": "text/html"}
M2C1_EN = "M2C1 — Circular economy and sustainable agriculture"
M2C2_EN = "M2C2 — Renewable energy, hydrogen, grid and sustainable mobility"
M2C2_IT = "M2C2 — Energia rinnovabile, idrogeno, rete e mobilità sostenibile"


def test_a_components_page_and_a_clusters_page_show_code_and_title(
    service: Service, client: httpx.Client
) -> None:
    page = client.get(service.url + "/id/pnrr/M2C2", headers=HTML).text
    assert f"<h1>{M2C2_EN}" in page or re.search(rf"<h1[^>]*>\s*{re.escape(M2C2_EN)}", page), page[:2000]
    italian = client.get(service.url + "/id/pnrr/M2C2?lang=it", headers=HTML).text
    assert M2C2_IT in italian
    lgca = client.get(service.url + "/id/cluster/lgca", headers=HTML).text  # addresses M2C1 and M2C2
    assert M2C1_EN in lgca and M2C2_EN in lgca
    assert ">Circular economy and sustainable agriculture<" not in lgca


def test_the_synergy_evidence_shows_code_and_title(service: Service, client: httpx.Client) -> None:
    answer = client.get(service.url + "/api/synergies", params={"dimension": "pnrr"}).json()
    evidence = [item for pair in answer["synergies"] for item in pair["dimensions"]["pnrr"]["evidence"]]
    assert len({item["iri"] for item in evidence}) >= 3
    for item in evidence:
        code = item["iri"].rsplit("/", 1)[1]
        assert item["label"]["en"].startswith(code + " — ") and item["label"]["it"].startswith(code + " — "), item
