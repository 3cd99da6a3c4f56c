"""Pages carry a CSP with no inline scripts, nosniff and a referrer policy; every literal and IRI is
escaped, even when the data holds markup; CORS is open for reading and closed for writing.
"""

from __future__ import annotations

import re

import httpx
import pytest

from ctlkg.rdf import namespaces
from live_servers import Service

PAGES = ["/", "/query", "/network", "/matrices", "/id/cluster/afil", "/ontology", "/id/cluster/no-such-cluster",
         "/dumps"]
AFIL = f"{namespaces.ID}cluster/afil"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
HOSTILE_LITERAL = '<script>alert("ctlkg-xss")</script><img src=x onerror=alert(1)>'
HOSTILE_IRIS = ["javascript:alert(1)//ctlkg-xss", "https://example.org/ctlkg-xss'onmouseover='alert(1)"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def directives(policy: str) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_security_headers(service: Service, client: httpx.Client, path: str) -> None:
    response = client.get(service.url + path, headers={"Accept": "text/html"})
    assert response.status_code in (200, 404)
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("strict-origin-when-cross-origin", "no-referrer", "same-origin")
    policy = directives(response.headers["content-security-policy"])
    scripts = policy.get("script-src", policy.get("default-src", ""))
    assert scripts, policy
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and "*" not in scripts.split()
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert not INLINE_SCRIPT.search(response.text), "a page has an inline script"
    assert not INLINE_HANDLER.search(response.text), "a page has an inline event handler"


@pytest.mark.parametrize(
    "path, accept",
    [("/sparql?query=ASK%7B%7D", "application/sparql-results+json"), ("/api/queries", "application/json"),
     ("/id/cluster/afil", "text/turtle"), ("/nowhere", "*/*"), ("/rdf-graphs/ontology", "text/turtle")],
)
def test_every_answer_is_nosniff_with_a_policy(
    service: Service, client: httpx.Client, path: str, accept: str
) -> None:
    response = client.get(service.url + path, headers={"Accept": accept})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in response.headers


def test_no_third_party_script_pages(service: Service, client: httpx.Client) -> None:
    """FastAPI's Swagger UI and ReDoc (inline scripts from a CDN) are not served: /docs is our own page, whose
    Swagger UI is bundled from npm and served from here under the pages' strict policy; /redoc is nothing."""
    docs = client.get(service.url + "/docs", headers={"Accept": "text/html"})
    assert docs.status_code == 200
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', docs.text)
    assert any(s.startswith("/static/dist/docs-") and s.endswith(".js") for s in sources), sources
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert "<script>" not in docs.text and "cdn" not in docs.text.lower()
    assert "script-src 'self';" in docs.headers["content-security-policy"]
    assert client.get(service.url + "/redoc").status_code == 404
    assert client.get(service.url + "/openapi.json").json()["openapi"].startswith("3.")


def test_markup_in_the_data_is_escaped(service: Service, client: httpx.Client) -> None:
    """Write markup into a literal and IRIs with hostile schemes and quotes, then read the pages."""
    triples = " ".join(
        [f"<{AFIL}> <{RDFS}comment> {_literal(HOSTILE_LITERAL)} ."]
        + [f"<{AFIL}> <{RDFS}seeAlso> <{iri}> ." for iri in HOSTILE_IRIS]
    )
    token = {"Authorization": f"Bearer {service.token}"}
    written = client.post(service.update, data={"update": f"INSERT DATA {{ {triples} }}"}, headers=token)
    assert written.status_code == 200, written.text
    try:
        for path in ("/id/cluster/afil", "/id/cluster/afil?lang=it"):
            page = client.get(service.url + path, headers={"Accept": "text/html"}).text
            assert "ctlkg-xss" in page  # the data is shown ...
            assert "<script>alert" not in page and "<img src=x" not in page  # ... as text
            assert "&lt;script&gt;alert(" in page
            assert 'href="javascript:' not in page.lower()
            assert "'onmouseover='" not in page
            assert not INLINE_HANDLER.search(page)
    finally:
        undone = client.post(service.update, data={"update": f"DELETE DATA {{ {triples} }}"}, headers=token)
    assert undone.status_code == 200, undone.text


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_cors_is_open_for_reading(service: Service, client: httpx.Client) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    for path in ("/sparql?query=ASK%7B%7D", "/api/queries", "/rdf-graphs/ontology", "/id/cluster/afil"):
        response = client.get(service.url + path, headers={**origin, "Accept": "text/turtle, */*;q=0.1"})
        assert response.headers.get("access-control-allow-origin") == "*", path
        assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    "path, method, headers",
    [
        ("/sparql/update", "POST", "authorization, content-type"),
        ("/sparql/update", "POST", "authorization"),
        ("/rdf-graphs/data", "PUT", "authorization, content-type"),
        ("/rdf-graphs/data", "DELETE", "authorization"),
        ("/graph-store?graph=x", "PUT", "content-type"),
        ("/rdf-graphs/data", "POST", "authorization, content-type"),
    ],
)
def test_cors_is_closed_for_writing(
    service: Service, client: httpx.Client, path: str, method: str, headers: str
) -> None:
    """A browser's preflight for a write (it needs the Authorization header, or PUT/DELETE) fails."""
    response = client.options(
        service.url + path,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": method,
                 "Access-Control-Request-Headers": headers},
    )
    allowed_methods = response.headers.get("access-control-allow-methods", "")
    allowed_headers = response.headers.get("access-control-allow-headers", "").lower()
    refused = (
        response.status_code >= 400
        or method not in allowed_methods
        or any(h.strip() not in allowed_headers for h in headers.split(","))
    )
    assert refused, response.headers
