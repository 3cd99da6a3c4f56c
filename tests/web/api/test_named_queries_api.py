"""The named-query API over HTTP, on real `ctlkg serve` processes (tests/conftest.py), each backend."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from functools import cache
from xml.etree import ElementTree

import httpx
import pytest

from ctlkg.rdf import paths
from ctlkg.sparql.named_queries import NamedQuery, load_catalogue
from live_servers import Service

#: Answers that must be the same on Virtuoso.
pytestmark = pytest.mark.every_engine

CLUSTER = "https://w3id.org/lombardia-clusters/id/cluster/"
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
NAMES = sorted(p.stem for p in paths.QUERIES_DIR.glob("*.rq"))


@cache
def catalogue() -> dict[str, NamedQuery]:
    return load_catalogue(paths.QUERIES_DIR)


def test_the_catalogue_lists_every_query(service: Service, client: httpx.Client) -> None:
    response = client.get(service.url + "/api/queries")
    assert response.status_code == 200
    listed = response.json()["queries"]
    assert len(listed) >= 15
    assert [q["name"] for q in listed] == NAMES
    profile = next(q for q in listed if q["name"] == "cluster-profile")
    assert profile["title_it"] and profile["description_it"]
    assert profile["params"][0] == {
        "name": "cluster", "type": "iri", "class": "https://w3id.org/lombardia-clusters/ontology#Cluster",
        "default": None, "enum": None, "required": True,
        "description": "The cluster, by IRI (e.g. https://w3id.org/lombardia-clusters/id/cluster/afil).",
    }


def test_openapi_documents_each_query_with_its_own_parameters(service: Service, client: httpx.Client) -> None:
    document = client.get(service.url + "/openapi.json").json()
    for name, query in catalogue().items():
        operation = document["paths"][f"/api/queries/{name}"]["get"]
        assert operation["summary"] == query.title
        documented = {p["name"]: p for p in operation["parameters"]}
        assert list(documented) == [p.name for p in query.params] + ["format"], name
        for param in query.params:
            assert documented[param.name]["required"] is param.required
            assert documented[param.name]["description"].startswith(param.description)
            if param.enum is not None:
                assert len(documented[param.name]["schema"]["enum"]) == len(param.enum)
    integer = document["paths"]["/api/queries/multi-cluster-involvement"]["get"]["parameters"][0]["schema"]
    assert (integer["type"], integer["default"]) == ("integer", 2)
    assert "/api/queries/{name}" not in document["paths"], "no catch-all route in the document"


@pytest.mark.parametrize("name", NAMES)
def test_every_example_answers(service: Service, client: httpx.Client, name: str) -> None:
    response = client.get(service.url + catalogue()[name].example)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["columns"] == list(catalogue()[name].columns)
    assert body["rows"], f"{name} answers no rows on the {service.backend} backend"
    # Run from its example, every thing named has its label (no empty label column where there is a thing).
    for column in (c for c in body["columns"] if c.endswith("_label") and c[: -len("_label")] in body["columns"]):
        thing = column[: -len("_label")]
        unlabelled = [r[thing] for r in body["rows"] if r.get(thing) and not r.get(column)]
        assert not unlabelled, (name, column, unlabelled[:3])


def test_rows_carry_iris_labels_and_numbers(service: Service, client: httpx.Client) -> None:
    rows = client.get(service.url + "/api/queries/member-composition").json()["rows"]
    afil = next(r for r in rows if r["cluster"] == CLUSTER + "afil")
    assert (afil["members"], afil["companies"], afil["acronym"]) == (144, 116, "AFIL")
    assert afil["cluster_label"] == "Lombardy Intelligent Factory Association"
    assert afil["categories_add_up"] is True
    it = client.get(service.url + "/api/queries/member-composition", params={"lang": "it"}).json()["rows"]
    assert next(r for r in it if r["cluster"] == CLUSTER + "afil")["cluster_label"].startswith("Associazione")


@pytest.mark.parametrize(
    ("path", "params", "mentions"),
    [
        pytest.param("cluster-profile", {}, "cluster", id="missing"),
        pytest.param("cluster-profile", {"cluster": CLUSTER + "nope"}, "cluster", id="not-in-graph"),
        pytest.param("cluster-profile", {"cluster": "https://w3id.org/lombardia-clusters/id/ecosystem/nutrizione"},
                     "ctl:Cluster", id="wrong-class"),
        pytest.param("cluster-profile", {"cluster": "afil"}, "absolute IRI", id="not-an-iri"),
        pytest.param("cluster-profile", {"cluster": "> } ; DROP ALL #"}, "cluster", id="injection"),
        pytest.param("cluster-profile", {"cluster": CLUSTER + "afil> . ?s ?p ?o"}, "cluster",
                     id="iri-breakout"),
        pytest.param("clusters", {"lang": 'en" } ; DROP ALL #'}, "lang", id="quote-injection"),
        pytest.param("clusters", {"lang": "fr"}, "use one of en, it", id="enum"),
        pytest.param("multi-cluster-involvement", {"min_clusters": "two"}, "integer", id="integer"),
        pytest.param("funding-programmes", {"shared_only": "maybe"}, "true or false", id="boolean"),
        pytest.param("clusters", {"colour": "red"}, "unknown parameter 'colour'", id="unknown"),
        pytest.param("clusters", {"format": "pdf"}, "format must be one of", id="format"),
    ],
)
def test_bad_parameters_are_400(
    service: Service, client: httpx.Client, path: str, params: dict[str, str], mentions: str
) -> None:
    response = client.get(f"{service.url}/api/queries/{path}", params=params)
    assert response.status_code == 400, response.text
    assert mentions in response.json()["message"]


def test_a_repeated_parameter_is_400(service: Service, client: httpx.Client) -> None:
    response = client.get(service.url + "/api/queries/clusters?lang=en&lang=it")
    assert response.status_code == 400
    assert "more than once" in response.json()["message"]


def test_an_unknown_query_is_404(service: Service, client: httpx.Client) -> None:
    response = client.get(service.url + "/api/queries/no-such-query")
    assert response.status_code == 404
    assert "no-such-query" in response.json()["message"]


def _vars_json(text: str) -> list[str]:
    return list(json.loads(text)["head"]["vars"])


def _vars_xml(text: str) -> list[str]:
    head = ElementTree.fromstring(text).find(RESULTS + "head")
    assert head is not None
    return [v.attrib["name"] for v in head.findall(RESULTS + "variable")]


def _vars_csv(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)))


def _vars_tsv(text: str) -> list[str]:
    return [v.lstrip("?") for v in text.splitlines()[0].split("\t")]


FORMATS = [
    pytest.param("sparql-json", "application/sparql-results+json", _vars_json, id="json"),
    pytest.param("xml", "application/sparql-results+xml", _vars_xml, id="xml"),
    pytest.param("csv", "text/csv", _vars_csv, id="csv"),
    pytest.param("tsv", "text/tab-separated-values", _vars_tsv, id="tsv"),
]


@pytest.mark.parametrize(("format_name", "media", "columns"), FORMATS)
def test_results_formats_parse(service: Service, client: httpx.Client, format_name: str, media: str,
                               columns: Callable[[str], list[str]]) -> None:
    url = service.url + "/api/queries/region-figures"
    by_format = client.get(url, params={"format": format_name})
    for response in (by_format, client.get(url, headers={"Accept": media})):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        assert columns(response.text) == list(catalogue()["region-figures"].columns)
    assert "755" in by_format.text


def test_csv_rows_are_the_json_rows(service: Service, client: httpx.Client) -> None:
    url = service.url + "/api/queries/region-figures"
    plain = client.get(url).json()["rows"]
    table = list(csv.DictReader(io.StringIO(client.get(url, params={"format": "csv"}).text)))
    assert [(r["measure"], int(r["reported"])) for r in table] == [(r["measure"], r["reported"])
                                                                   for r in plain]


def test_nothing_acceptable_is_406(service: Service, client: httpx.Client) -> None:
    response = client.get(service.url + "/api/queries/clusters", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_a_browser_gets_plain_json(service: Service, client: httpx.Client) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(service.url + "/api/queries/clusters", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
