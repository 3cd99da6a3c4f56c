"""HTML rendering: one Jinja2 environment (autoescape on), the reader's language, the security headers."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ctlkg.rdf import links, namespaces
from ctlkg.web.html import assets, page_data, words

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANGUAGES = words.LANGUAGES

#: Sent with every page: scripts only from our own files, so an escaped-but-hostile literal can never run;
#: styles from our files plus the per-response nonce the editor puts on the <style> it generates.
#: frame-ancestors closes the other door a browser leaves open; nosniff and the rest of the headers every
#: answer carries come from ``ctlkg.web.middleware.SecurityHeaders``.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def choose_lang(request: Request) -> str:
    """The reader's language: ``?lang=`` first, then the best Accept-Language we have, else English."""
    asked = request.query_params.get("lang", "").lower()
    if asked in LANGUAGES:
        return asked
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return sorted(ranked)[0][2] if ranked else "en"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        href=links.href,
        curie=links.curie,
        base_iri=namespaces.BASE,
        script=assets.MANIFEST_CACHE.script,  # a page's hashed bundle, or None when none is built
        site_json=page_data.site_json,
    )
    return env


ENVIRONMENT = _environment()


def render(
    request: Request, template: str, context: dict[str, Any], *, lang: str, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the chrome's words in ``lang`` and the headers every page carries."""

    def ui(key: str) -> str:
        return words.word(key, lang)

    def ui_n(key: str, n: int) -> str:
        return words.count(key, n, lang)

    def ui_forms(key: str) -> dict[str, str]:
        return words.forms(key, lang)

    nonce = secrets.token_urlsafe(16)
    body = ENVIRONMENT.get_template(template).render(
        request_path=request.url.path,
        lang=lang,
        other_lang="it" if lang == "en" else "en",
        ui=ui,
        ui_n=ui_n,
        ui_forms=ui_forms,
        style_nonce=nonce,
        **context,
    )
    headers = {"Content-Security-Policy": CSP.format(nonce=nonce)}
    headers["Vary"] = "Accept, Accept-Language"
    headers["Content-Language"] = lang
    return HTMLResponse(body, status_code=status_code, headers=headers)
