"""The human pages: home, ontology documentation, query page, static files, and what every page must carry."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from markupsafe import escape

import graph_fixtures
from ctlkg.rdf import paths
from ctlkg.sparql import named_queries
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.web.html import examples, ontology_doc, templating, words
from live_servers import Service

CLUSTERS = {
    "afil": "Lombardy Intelligent Factory Association",
    "lac": "Lombardy Aerospace Cluster",
    "le2c": "Lombardy Energy Cleantech Cluster",
    "scienze-vita": "Lombardy Life Sciences Cluster",
}
PAGES = ["/", "/query", "/ontology", "/id/cluster/afil", "/id/cluster/no-such-cluster"]


def html(client: httpx.Client, service: Service, path: str, **params: str) -> httpx.Response:
    return client.get(service.url + path, headers={"Accept": "text/html"}, params=params)


def test_home_shows_the_nine_clusters(client: httpx.Client, service: Service) -> None:
    page = html(client, service, "/")
    assert page.status_code == 200
    cards = re.findall(r'<article class="card cluster">\s*<h3><a href="(/id/cluster/[a-z0-9-]+)', page.text)
    assert len(cards) == 9
    for slug, label in CLUSTERS.items():
        assert f'href="/id/cluster/{slug}' in page.text and label in page.text
    assert "<dd>144</dd>" in page.text, "AFIL's member total"
    assert 'href="/id/city/bergamo' in page.text, "seat cities link to their pages"
    assert 'href="/id/ecosystem/manifatturiero-avanzato' in page.text, "reference ecosystems too"


def test_home_says_what_the_graph_holds_and_links_everywhere(client: httpx.Client, service: Service) -> None:
    page = html(client, service, "/").text
    for graph in ("graph/ontology", "graph/shapes", "graph/data", "graph/inferred"):
        assert graph in page
    for target in ("/query", "/ontology", "/sparql", "/dumps", "/.well-known/void"):
        assert f'href="{target}' in page


def test_home_in_italian(client: httpx.Client, service: Service) -> None:
    page = html(client, service, "/", lang="it").text
    assert '<html lang="it">' in page
    assert "Associazione Fabbrica Intelligente Lombardia" in page and "I nove cluster" in page


def test_ontology_documents_cluster_with_labels_and_shapes(client: httpx.Client, service: Service) -> None:
    page = html(client, service, "/ontology").text
    block = page[page.index('<article class="term" id="Cluster">') :]
    block = block[: block.index("</article>")]
    assert "technology cluster" in block and "cluster tecnologico" in block
    assert "ctl:Cluster" in block
    assert 'href="/ontology#Organisation"' in block, "its superclass"
    assert 'href="/ontology#hasMember"' in block, "a property whose domain it is"
    assert "ctlsh:ClusterShape" in block and "SHACL" in block
    assert "sh:pattern" in block, "the shape's constraints are shown"


def test_ontology_header_and_properties(client: httpx.Client, service: Service) -> None:
    page = html(client, service, "/ontology").text
    assert "Lombardy Technology Clusters ontology" in page
    assert "0.1.0" in page and "creativecommons.org/licenses/by/4.0" in page
    assert "ctl: &lt;" in page, "the preferred prefix and namespace"
    member_of = page[page.index('id="memberOf"') :]
    member_of = member_of[: member_of.index("</article>")]
    assert 'href="/ontology#hasMember"' in member_of, "its inverse"
    mission = page[page.index('id="addressesMission"') :]
    assert "ctl:hasSynergyBlock ∘ ctl:listsMission" in mission[: mission.index("</article>")], "chain axiom"


def test_query_page_lists_the_named_queries(client: httpx.Client, service: Service) -> None:
    page = html(client, service, "/query").text
    assert '<textarea id="query-text" name="query"' in page
    assert 'action="/sparql"' in page
    for query in named_queries.load_catalogue(paths.QUERIES_DIR).values():
        assert f'id="example-{query.name}"' in page
        assert str(escape(query.title)) in page


def test_a_shared_link_opens_its_query_escaped(client: httpx.Client, service: Service) -> None:
    """/query?query= opens that query (a permalink), as text: markup in it is escaped, never run; without a
    query the page opens with its default one."""
    shared = 'SELECT * WHERE { ?s ?p "</textarea><script>alert(1)</script>" }'
    page = html(client, service, "/query", query=shared).text
    assert f'name="query" rows="14" spellcheck="false" aria-label="SPARQL query">{escape(shared)}</textarea>' in page
    assert "<script>alert(1)" not in page
    assert "ORDER BY DESC(?members)" in html(client, service, "/query").text


def test_examples_survive_an_empty_or_missing_folder(tmp_path: Path) -> None:
    assert examples.load("en", tmp_path) == []
    assert examples.load("en", tmp_path / "missing") == []
    (tmp_path / "broken.rq").write_text("#+ nonsense: [\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert examples.load("en", tmp_path) == [], "a broken header leaves the file out, not the page down"


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_security_headers_and_no_inline_script(
    client: httpx.Client, service: Service, path: str
) -> None:
    page = html(client, service, path)
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"]
    scripts = re.findall(r"<script\b[^>]*>", page.text)
    assert all(re.search(r'\bsrc="/static/', tag) for tag in scripts), "every script is one of our files"
    bodies = re.findall(r"<script\b[^>]*>(.*?)</script>", page.text, flags=re.DOTALL)
    assert all(not body.strip() for body in bodies), "no inline script body"
    assert not re.search(r"\son[a-z]+=", page.text), "no inline event handlers"
    assert not re.search(r'(src|href)="https?://[^"]+\.(js|css)"', page.text), "no CDN at run time"


def test_static_files_are_served_and_confined(client: httpx.Client, service: Service) -> None:
    css = client.get(service.url + "/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    module = re.search(r'<script type="module" src="([^"]+)"', html(client, service, "/query").text)
    assert module is not None
    script = client.get(service.url + module.group(1))
    assert script.status_code == 200 and script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert client.get(service.url + "/static/%2e%2e/pages.py").status_code == 404
    assert client.get(service.url + "/static/nothing-here.js").status_code == 404


def test_the_editor_bundle_is_built_and_served(client: httpx.Client, service: Service) -> None:
    """`make install` runs npm ci and bundles the query page's module, CodeMirror included, into static/dist;
    the page loads that one module (type="module"), no global between scripts."""
    page = html(client, service, "/query").text
    module = re.search(r'<script type="module" src="(/static/dist/query-[A-Z0-9]{8}\.js)"></script>', page)
    assert module is not None, "run `make web` (npm ci + build) to build the page bundles"
    code = client.get(service.url + module.group(1)).text
    for chunk in re.findall(r'<link rel="modulepreload" href="([^"]+)">', page):
        code += client.get(service.url + chunk).text
    assert "cm-editor" in code and "CtlkgEditor" not in code


def test_every_word_of_the_chrome_exists_in_both_languages() -> None:
    used, counted = set(), set()
    for template in templating.TEMPLATES_DIR.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"""ui\(["']([a-z_]+)["']\)""", text))
        counted |= set(re.findall(r"""ui_(?:n|forms)\(["']([a-z_]+)["']""", text))
    assert {"home", "query", "inbound"} <= used and {"rows", "members"} <= counted, "the patterns find the words"
    doc = ontology_doc.build(EmbeddedBackend(graph_fixtures.oxigraph_store()), "en")
    for term in doc.classes + doc.object_properties + doc.datatype_properties:
        used |= {name for name, _ in term.axioms}
    for lang in words.LANGUAGES:
        missing = []
        for key in sorted(used | counted):
            try:
                words.word(key, lang)
            except KeyError:
                missing.append(key)
        assert not missing, lang
        for key in counted:
            words.count(key, 1, lang)  # a KeyError if the catalogue has no plural forms for it


@pytest.mark.parametrize(
    ("lang", "n", "said"),
    [("en", 1, "1 row"), ("en", 0, "0 rows"), ("en", 21, "21 rows"), ("it", 1, "1 riga"), ("it", 2, "2 righe")],
)
def test_counted_words_take_the_plural_form_their_number_needs(lang: str, n: int, said: str) -> None:
    assert f"{n} {words.count('rows', n, lang)}" == said


def test_the_catalogues_refuse_a_gap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for lang in words.LANGUAGES:
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        text = (words.LOCALES / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
        if lang == "it":  # one Italian word left untranslated
            text = text.replace('msgstr "Interroga il grafo"', 'msgstr ""')
        (target / "messages.po").write_text(text, encoding="utf-8")
    monkeypatch.setattr(words, "LOCALES", tmp_path)
    words._catalogues.cache_clear()
    try:
        with pytest.raises(LookupError, match="query_cta"):
            words.word("query_cta", "en")
    finally:
        monkeypatch.undo()
        words._catalogues.cache_clear()


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_errors_are_pages_for_browsers_and_json_for_machines(client: httpx.Client, service: Service) -> None:
    """An unknown path, an unknown synergy cluster, a bad parameter: a browser gets a page in the site's
    chrome with the message (escaped) and the ways on; a script gets the JSON with the same status."""
    for path, status in (("/no/such/<b>page</b>", 404), ("/api/synergies/nowhere", 404),
                         ("/id/cluster/afil?inferred=maybe", 400), ("/static/nothing.css", 404)):
        page = client.get(service.url + path, headers={"Accept": BROWSER})
        assert page.status_code == status, (path, page.text[:300])
        assert page.headers["content-type"].startswith("text/html"), path
        assert f"<h1>{status} · " in page.text and 'href="/query?lang=en"' in page.text, path
        assert "<b>page</b>" not in page.text
        machine = client.get(service.url + path)
        assert machine.status_code == status and machine.json()["status"] == status, path
    italian = client.get(service.url + "/no/such/page", headers={"Accept": BROWSER, "Accept-Language": "it"})
    assert "Da qui:" in italian.text and 'lang="it"' in italian.text
    posted = client.post(service.url + "/no/such/page", headers={"Accept": BROWSER})
    assert posted.headers["content-type"].startswith("application/json")


def test_the_home_pages_counts_lead_to_list_pages(client: httpx.Client, service: Service) -> None:
    """Each class count on the home page links to the list of what it counts; the list has as many items
    as the count says (a page at a time), each linked to its page; the synergies graph has a short name."""
    home = html(client, service, "/").text
    assert '<span class="graph-name">synergies</span>' in home
    counts = dict(re.findall(r'<a href="/list/(\w+)">[^<]+</a></td><td class="num">(\d+)</td>', home))
    assert {"Cluster", "Project", "Organisation"} <= set(counts), counts
    assert counts["Cluster"] == "9"
    clusters = html(client, service, "/list/Cluster").text
    assert "(9)" in clusters and len(re.findall(r'<li><a href="/id/cluster/[\w-]+"', clusters)) == 9
    for name, count in counts.items():
        seen, offset = 0, 0
        while True:
            page = html(client, service, f"/list/{name}", offset=str(offset)).text
            seen += len(re.findall(r"<li>", page))
            following = re.search(r'offset=(\d+)" rel="next"', page)
            if following is None:
                break
            offset = int(following.group(1))
        assert seen == int(count), (name, seen, count)
    missing = html(client, service, "/list/NoSuchClass")
    assert missing.status_code == 404 and "home page" in missing.text
    assert html(client, service, "/list/Cluster", lang="it").text.count("<li>") == 9
