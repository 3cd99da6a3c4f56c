"""Linked data: every instance and ontology IRI dereferences, as a page for people or RDF for machines."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

import graph_fixtures
from ctlkg.config import Settings
from ctlkg.rdf import links, namespaces
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.web.app import create_app
from live_servers import Service

#: Answers that must be the same on Virtuoso.
pytestmark = pytest.mark.every_engine

ID = namespaces.BASE + "id/"
CTL = str(namespaces.CTL)

#: (path, an English label the page must show, an Italian one) for one resource of each kind.
RESOURCES = [
    pytest.param(
        "/id/cluster/afil",
        "Lombardy Intelligent Factory Association",
        "Associazione Fabbrica Intelligente Lombardia",
        id="cluster",
    ),
    pytest.param(
        "/id/organisation/regione-lombardia", "Lombardy Region", "Regione Lombardia", id="organisation"
    ),
    pytest.param("/id/ecosystem/sostenibilita", "Sustainability", "Sostenibilità", id="concept"),
    pytest.param("/ontology", "technology cluster", "cluster tecnologico", id="ontology"),
]

RDF_FORMATS = [
    pytest.param("text/turtle", "turtle", id="turtle"),
    pytest.param("application/n-triples", "nt", id="ntriples"),
    pytest.param("application/ld+json", "json-ld", id="jsonld"),
    pytest.param("application/rdf+xml", "xml", id="rdfxml"),
    pytest.param("application/trig", "trig", id="trig"),
    pytest.param("application/n-quads", "nquads", id="nquads"),
]


def get(client: httpx.Client, service: Service, path: str, accept: str, **params: str) -> httpx.Response:
    return client.get(service.url + path, headers={"Accept": accept}, params=params)


def parse(response: httpx.Response, rdflib_format: str) -> Graph:
    graph = Graph()
    if rdflib_format in ("trig", "nquads"):
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(data=response.content, format=rdflib_format)
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    graph.parse(data=response.content, format=rdflib_format)
    return graph


def expected_cbd(iri: str) -> set[tuple[Node, Node, Node]]:
    """What the shipped graphs say with ``iri`` as subject (blank-node objects aside), inferences included."""
    compiled = graph_fixtures.compiled()
    subject = URIRef(iri)
    found: set[tuple[Node, Node, Node]] = set()
    for graph in (compiled.ontology, compiled.data, compiled.inferred):
        for p, o in graph.predicate_objects(subject):
            if not isinstance(o, URIRef | Literal):
                continue
            found.add((subject, p, o))
    return found


@pytest.mark.parametrize(("path", "english", "italian"), RESOURCES)
def test_html_shows_the_label(
    client: httpx.Client, service: Service, path: str, english: str, italian: str
) -> None:
    page = get(client, service, path, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert english in page.text
    assert italian in get(client, service, path, "text/html", lang="it").text
    by_header = client.get(
        service.url + path, headers={"Accept": "text/html", "Accept-Language": "it-IT,it;q=0.9"}
    )
    assert 'lang="it"' in by_header.text and italian in by_header.text


@pytest.mark.parametrize(("media_type", "rdflib_format"), RDF_FORMATS)
def test_rdf_is_the_concise_bounded_description(
    client: httpx.Client, service: Service, media_type: str, rdflib_format: str
) -> None:
    iri = ID + "cluster/afil"
    answer = get(client, service, "/id/cluster/afil", media_type)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in answer.headers["vary"]
    graph = parse(answer, rdflib_format)
    assert set(graph.subjects()) == {URIRef(iri)}, "only the resource's own triples (no blank nodes here)"
    assert expected_cbd(iri) <= set(graph)
    assert (URIRef(iri), RDFS.label, Literal("Lombardy Intelligent Factory Association", lang="en")) in graph


def test_cbd_follows_blank_nodes(client: httpx.Client, service: Service) -> None:
    """A seat's postal address is a blank node: the CBD carries its triples along."""
    graph = parse(get(client, service, "/id/site/afil-bergamo", "text/turtle"), "turtle")
    address = graph.value(URIRef(ID + "site/afil-bergamo"), URIRef(str(namespaces.SCHEMA) + "address"))
    assert address is not None
    assert graph.value(address, URIRef(str(namespaces.SCHEMA) + "postalCode")) == Literal("24126")
    lines = get(client, service, "/id/site/afil-bergamo", "application/n-triples").text.strip().splitlines()
    assert len(lines) == len(set(lines)), "each triple once"


def test_inferred_triples_can_be_left_out(client: httpx.Client, service: Service) -> None:
    """AFIL's ctl:coversEcosystem is entailed (sub-property of its reference ecosystem), never asserted."""
    covers = URIRef(CTL + "coversEcosystem")
    full = parse(get(client, service, "/id/cluster/afil", "text/turtle"), "turtle")
    asserted = parse(get(client, service, "/id/cluster/afil", "text/turtle", inferred="false"), "turtle")
    assert any(full.objects(predicate=covers))
    assert not any(asserted.objects(predicate=covers))
    page = get(client, service, "/id/cluster/afil", "text/html")
    assert 'class="tag inferred"' in page.text
    assert (
        'class="tag inferred"'
        not in get(client, service, "/id/cluster/afil", "text/html", inferred="false").text
    )


def test_aligned_properties_show_once(client: httpx.Client, service: Service) -> None:
    """LE2C's members come in by ctl:memberOf; OWL RL adds org:memberOf and schema:memberOf with the same
    members. The page lists them once, under ctl:memberOf, with the aligned names as a hint; a row with an
    asserted value is never folded, and without inferences there is nothing to fold."""
    page = get(client, service, "/id/cluster/le2c", "text/html").text
    assert re.search(r'<span class="curie">ctl:memberOf</span><span class="aligned[^>]*>= org:memberOf, '
                     r'schema:memberOf</span>', page), "the members' row carries the hint"
    assert '<span class="curie">org:memberOf</span>' not in page
    assert '<span class="curie">schema:memberOf</span>' not in page
    member = re.search(r'<span class="curie">ctl:memberOf</span>.*?href="(/id/organisation/[^"]+)"', page, re.S)
    assert member is not None
    inbound = page[page.index('<span class="curie">ctl:memberOf</span>'):]
    assert inbound.count(f'href="{member.group(1)}"') == 1, "each member once"
    plain = get(client, service, "/id/cluster/le2c", "text/html", inferred="false").text
    assert 'class="aligned' not in plain


def test_a_clusters_page_shows_its_member_figures(client: httpx.Client, service: Service) -> None:
    """AFIL's figures (144 members: 116 companies, 14 research organisations, 14 others, in 2022) are on its
    page, the total first and the year last, with a link to the statistics resource they come from."""
    page = get(client, service, "/id/cluster/afil", "text/html").text
    section = page[page.index('<section class="figures">'):]
    section = section[: section.index("</section>")]
    assert "Member figures" in section and 'href="/id/statistics/afil-2022' in section
    figures = re.findall(r'<span class="curie">ctl:(\w+)</span>.*?<span class="literal">([^<]+)</span>', section,
                         re.S)
    assert figures == [("totalMembers", "144"), ("companyCount", "116"), ("otherEntityCount", "14"),
                       ("researchOrganisationCount", "14"), ("referenceYear", "2022")]
    italian = get(client, service, "/id/cluster/afil", "text/html", lang="it").text
    assert "Associati in cifre" in italian
    assert '<section class="figures">' not in get(client, service, "/id/organisation/regione-lombardia",
                                                  "text/html").text


def test_synergy_values_are_derived_not_inferred(client: httpx.Client, service: Service) -> None:
    """The synergies graph is scored by ctlkg.synergy, not entailed by OWL RL: its values say "derived" and
    link to the page that explains the scoring; OWL RL's keep "inferred"."""
    page = get(client, service, "/id/cluster/afil", "text/html").text
    derived = re.findall(r'href="(/id/synergy/[^"]+)"[^>]*>[^<]*</a> <a class="tag derived" href="([^"]+)"', page)
    assert len(derived) >= 8 * 8 and {target for _, target in derived} == {"/about/synergy?lang=en"}
    assert 'class="tag inferred"' in page
    about = get(client, service, "/about/synergy", "text/html")
    assert about.status_code == 200
    assert "<h1>Synergies between clusters" in about.text and "<h2>" in about.text
    assert get(client, service, "/about/nothing", "text/html").status_code == 404


def test_pages_link_to_each_other(client: httpx.Client, service: Service) -> None:
    page = get(client, service, "/id/cluster/afil", "text/html").text
    assert 'href="/id/ecosystem/manifatturiero-avanzato"' in page
    assert 'href="/id/source/ctl-report-2022/afil"' in page, "the source section is linked"
    assert 'href="/ontology#Cluster"' in page, "ontology terms link to their anchor"
    assert 'href="https://www.afil.it"' in page, "external IRIs link out"
    organisation = get(client, service, "/id/organisation/regione-lombardia", "text/html").text
    assert "What links here" in organisation
    assert 'href="/id/cluster/afil"' in organisation, "inbound links from the clusters it recognises"


def test_ontology_rdf_is_the_ontology_graph(client: httpx.Client, service: Service) -> None:
    graph = parse(get(client, service, "/ontology", "text/turtle"), "turtle")
    assert (URIRef(CTL + "Cluster"), RDF.type, OWL.Class) in graph
    assert (URIRef(namespaces.ONTOLOGY_IRI), RDF.type, OWL.Ontology) in graph
    assert not any(graph.triples((URIRef(ID + "cluster/afil"), None, None))), "no instance data"
    assert parse(get(client, service, "/ontology", "application/ld+json"), "json-ld")


@pytest.mark.parametrize("path", ["/id/cluster/afil", "/ontology"])
def test_format_parameter_overrides_accept(client: httpx.Client, service: Service, path: str) -> None:
    answer = get(client, service, path, "text/html", format="turtle")
    assert answer.headers["content-type"].startswith("text/turtle")
    assert len(parse(answer, "turtle")) > 0


@pytest.mark.parametrize("path", ["/id/cluster/afil", "/ontology"])
def test_nothing_acceptable_is_406(client: httpx.Client, service: Service, path: str) -> None:
    answer = get(client, service, path, "image/png, application/pdf")
    assert answer.status_code == 406
    assert "text/turtle" in answer.text


def test_unknown_iri_is_404_with_help(client: httpx.Client, service: Service) -> None:
    page = get(client, service, "/id/cluster/no-such-cluster", "text/html")
    assert page.status_code == 404
    assert ID + "cluster/no-such-cluster" in page.text
    assert 'href="/id/cluster/afil"' in page.text, "the known resources of that kind are offered"
    machine = get(client, service, "/id/cluster/no-such-cluster", "text/turtle")
    assert machine.status_code == 404


def test_iris_map_to_local_paths_both_ways() -> None:
    for path in ("/id/cluster/afil", "/id/source/ctl-report-2022/afil", "/ontology"):
        assert links.to_local(links.to_iri(path)) == path
    assert links.to_local(CTL + "Cluster") == "/ontology#Cluster"
    assert links.to_local("https://schema.org/url") is None
    assert links.href("javascript:alert(1)") is None, "no link for schemes a browser would run"


def test_a_deployment_base_maps_too() -> None:
    code = "from ctlkg.rdf import links; print(links.to_local('http://kg.example.test/base/id/cluster/afil'))"
    env = {**os.environ, "CTLKG_BASE_IRI": "http://kg.example.test/base/"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "/id/cluster/afil"


def test_every_literal_and_iri_is_escaped() -> None:
    """A hostile label or IRI in the data reaches the page as text, never as markup or a script link."""
    store = ox.Store()
    hostile = ox.NamedNode(ID + "test/hostile")
    data = ox.NamedNode(namespaces.GRAPH_DATA)
    store.add(
        ox.Quad(
            hostile,
            ox.NamedNode(str(RDFS.label)),
            ox.Literal("<script>alert(1)</script>", language="en"),
            data,
        )
    )
    store.add(ox.Quad(hostile, ox.NamedNode(str(RDFS.seeAlso)), ox.NamedNode("javascript:alert(2)"), data))
    store.add(
        ox.Quad(hostile, ox.NamedNode(str(RDFS.comment)), ox.Literal('"><img src=x onerror=alert(3)>'), data)
    )
    from fastapi.testclient import TestClient

    with TestClient(create_app(Settings(), EmbeddedBackend(store))) as local:
        page = local.get("/id/test/hostile", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert 'href="javascript:' not in page.text
    assert "<img src=x" not in page.text
