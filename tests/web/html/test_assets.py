"""The front end's files: served by StaticFiles with revalidation (304) or, for the hashed bundles, a year
of caching; the IRI map and prefixes the scripts get from the server; the page modules linted, typed,
and free of window globals. In process (Starlette's TestClient), except the npm checks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ctlkg.rdf import links, namespaces
from ctlkg.web import errors
from ctlkg.web.html import assets, page_data
from ctlkg.web.middleware import SecurityHeaders

WEB = Path(__file__).resolve().parents[3] / "service" / "web"
SRC = WEB / "src"


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    app.mount("/static", assets.Static(), name="static")
    errors.install(app)
    app.add_middleware(SecurityHeaders)  # as create_app adds it: nosniff on every answer comes from there
    return TestClient(app)


def built_script(entry: str) -> assets.Script:
    script = assets.MANIFEST_CACHE.script(entry)
    if script is None:
        pytest.fail("run `make web` (npm ci + build) to build the page bundles")
    return script


def test_a_repeated_request_is_answered_304(client: TestClient) -> None:
    first = client.get("/static/style.css")
    assert first.status_code == 200 and first.headers["etag"] and first.headers["last-modified"]
    assert first.headers["cache-control"] == assets.REVALIDATE
    again = client.get("/static/style.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == assets.REVALIDATE and again.headers["etag"] == first.headers["etag"]
    since = client.get("/static/style.css", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    changed = client.get("/static/style.css", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == first.content


def test_hashed_bundles_are_cached_for_a_year(client: TestClient) -> None:
    for entry in ("query", "network", "matrices"):
        script = built_script(entry)
        assert re.fullmatch(rf"/static/dist/{entry}-[A-Z0-9]{{8}}\.js", script.url), script.url
        for url in (script.url, *script.imports):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert response.headers["content-type"] == "text/javascript; charset=utf-8"
            assert response.headers["x-content-type-options"] == "nosniff"
    # Not hashed, so not immutable: the manifest and the favicon are revalidated.
    for url in ("/static/dist/manifest.json", "/static/favicon.svg"):
        assert client.get(url).headers["cache-control"] == assets.REVALIDATE, url


def test_head_and_missing_files(client: TestClient) -> None:
    head = client.head("/static/style.css")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(client.get("/static/style.css").content))
    for path in ("/static/nothing.js", "/static/%00", "/static/dist/../../assets.py", "/static/" + "a" * 300):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json"
        assert set(response.json()) == {"status", "error", "message"}
    assert client.post("/static/style.css").status_code == 405


def test_the_manifest_is_read_again_after_a_rebuild(tmp_path: Path) -> None:
    manifest = assets.Manifest(tmp_path / "manifest.json")
    assert manifest.script("query") is None and not manifest.is_hashed("dist/query-AAAAAAAA.js")
    (tmp_path / "manifest.json").write_text(json.dumps({
        "entries": {"query": {"file": "query-AAAAAAAA.js", "imports": ["chunks/chunk-BBBBBBBB.js"]}},
        "files": ["query-AAAAAAAA.js", "chunks/chunk-BBBBBBBB.js"],
    }))
    script = manifest.script("query")
    assert script == assets.Script("/static/dist/query-AAAAAAAA.js", ("/static/dist/chunks/chunk-BBBBBBBB.js",))
    assert manifest.is_hashed("dist/chunks/chunk-BBBBBBBB.js") and not manifest.is_hashed("style.css")


def test_the_site_data_is_the_servers_own_map() -> None:
    """What site.js gets: the prefixes, and a map that sends every IRI where links.to_local does."""
    site = json.loads(page_data.site_json())
    assert site["prefixes"] == namespaces.PREFIXES
    assert all(t.startswith(namespaces.PREFIXES["xsd"]) for t in site["numeric"])

    def local(iri: str) -> str | None:  # the algorithm of site.js, over the data it is given
        if iri in site["exact"]:
            return str(site["exact"][iri])
        for prefix, path in site["local"]:
            if iri.startswith(prefix) and len(iri) > len(prefix):
                return str(path + iri[len(prefix) :])
        return None

    for iri in (namespaces.BASE + "id/cluster/afil", namespaces.ONTOLOGY_IRI, namespaces.ONTOLOGY_IRI + "#Cluster",
                namespaces.BASE + "id/", "https://schema.org/url", namespaces.BASE + "graph/data"):
        assert local(iri) == links.to_local(iri), iri


def test_no_server_logic_or_window_globals_in_the_scripts() -> None:
    sources = {path.name: path.read_text(encoding="utf-8") for path in SRC.glob("*.js")}
    assert {"query.js", "network.js", "matrices.js", "site.js"} <= set(sources)
    for name, text in sources.items():
        assert not re.search(r"window\.Ctlkg", text), name
        markup = re.search(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|\.html\(", text)
        assert markup is None, f"{name}: data goes in as text, never as markup"
        assert "w3id.org" not in text and "XMLSchema#" not in text, f"{name}: IRIs come from the server"
        assert "nonNegativeInteger" not in text, f"{name}: the numeric types come from the server"
    for path in (WEB / "src", WEB):
        assert not list(path.glob("charts.js")), "no separate global-exposing bundles"


@pytest.mark.skipif(shutil.which("npm") is None or not (WEB / "node_modules").is_dir(),
                    reason="needs npm and `make web`")
def test_eslint_and_tsc_pass() -> None:
    """`make jscheck` (part of `make check`): eslint's recommended rules and tsc --checkJs, strict."""
    for script in ("lint", "typecheck"):
        done = subprocess.run(["npm", "run", "--silent", script], cwd=WEB, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
