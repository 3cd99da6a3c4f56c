"""The /dumps index and files on both backends: every format parsed back, counts checked against SPARQL."""

from __future__ import annotations

import gzip
import hashlib
import re

import httpx
import pyoxigraph as ox
import pytest

from ctlkg.build import exports
from ctlkg.sparql.backend import default_graph_iris
from live_servers import Service

#: Answers that must be the same on Virtuoso.
pytestmark = pytest.mark.every_engine

FORMATS = list(exports.FORMATS)


def sparql_count(service: Service, client: httpx.Client, *, inferred: bool) -> int:
    """Distinct triples of the default graph, as the dumps that merge graphs hold them."""
    graphs = default_graph_iris(inferred=inferred)
    params = [("query", "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")]
    params += [("default-graph-uri", g) for g in graphs]
    response = client.get(service.sparql, params=tuple(params))
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_index_json(service: Service, client: httpx.Client) -> None:
    response = client.get(service.url + "/dumps", headers={"Accept": "application/json"})
    assert response.status_code == 200
    entries = response.json()["dumps"]
    assert len(entries) == len(FORMATS) * 4  # with and without inferences, plain and gzipped
    names = {e["name"] for e in entries}
    assert {"ctlkg.ttl", "ctlkg-inferred.ttl", "ctlkg.nq.gz", "ctlkg-inferred.jsonld.gz"} <= names
    assert all(e["url"].startswith(service.url + "/dumps/") for e in entries)
    assert response.json()["licence"] == "https://creativecommons.org/licenses/by/4.0/"


def test_index_html(service: Service, client: httpx.Client) -> None:
    """For people: the site's chrome, every file with its size, SHA-256 and date, the statement counts and
    the licence; the checksum shown is the file's."""
    response = client.get(service.url + "/dumps", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'href="' + service.url + '/dumps/ctlkg-inferred.ttl"' in page
    assert '<nav aria-label=' in page and 'rel="license"' in page
    assert page.count("<tr>") == len(FORMATS) * 4 + 1
    body = client.get(service.url + "/dumps/ctlkg.nq.gz").content
    assert f'title="{hashlib.sha256(body).hexdigest()}"' in page
    assert re.search(r'<td class="num">\d[\d.,]* (B|kB|MB)</td>', page)
    assert re.search(r"<td class=\"small\">20\d\d-\d\d-\d\dT", page)
    shown = re.search(r"Statements with what is derived: <strong>([\d,]+)</strong>", page)
    assert shown is not None and int(shown.group(1).replace(",", "")) >= sparql_count(service, client,
                                                                                      inferred=True)
    italian = client.get(service.url + "/dumps?lang=it", headers={"Accept": "text/html"}).text
    assert "Licenza" in italian and "Con inferenze" in italian


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_dump_parses_and_is_complete(
    service: Service, client: httpx.Client, fmt: str, inferred: bool
) -> None:
    name = exports.file_name(fmt, inferred=inferred)
    response = client.get(f"{service.url}/dumps/{name}")
    assert response.status_code == 200
    rdf_format, _, media = exports.FORMATS[fmt]
    assert response.headers["content-type"].split(";")[0] == media
    assert name in response.headers["content-disposition"]
    quads = list(ox.parse(response.content, format=rdf_format))
    if fmt in exports.DATASET_FORMATS:
        graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        assert graphs == set(default_graph_iris(inferred=inferred))
    else:
        assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        assert len(triples) == sparql_count(service, client, inferred=inferred)


def test_gzip_variant_holds_the_same_bytes(service: Service, client: httpx.Client) -> None:
    plain = client.get(service.url + "/dumps/ctlkg-inferred.nt").content
    packed = client.get(service.url + "/dumps/ctlkg-inferred.nt.gz")
    assert packed.headers["content-type"] == "application/gzip"
    assert gzip.decompress(packed.content) == plain


def test_transfer_compression(service: Service) -> None:
    """Clients that say they take gzip get the plain dumps compressed on the wire."""
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as http:
        response = http.get(service.url + "/dumps/ctlkg.nt")
    assert response.headers["content-encoding"] == "gzip"
    assert response.content.startswith(b"<")  # httpx decoded it


def test_unknown_dump(service: Service, client: httpx.Client) -> None:
    response = client.get(service.url + "/dumps/ctlkg.csv")
    assert response.status_code == 404
    assert "/dumps" in response.json()["message"]
